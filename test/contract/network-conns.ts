/**
 * Connections to the network fronts, spoken to by hand: raw POSTs with the session header
 * (Streamable HTTP), the legacy GET /sse stream plus POSTs to the endpoint it names, and raw
 * WebSocket text frames with subprotocol "mcp".
 */
import { WebSocket } from 'ws';
import { JSON_HEADERS } from '../helpers/http-raw.js';
import { BaseConn, NO_STATUS, PROTOCOL_VERSION, textOf, type Sent } from './conn.js';
import { HttpClientRequests } from './http-exchange.js';
import type { Message } from './inbox.js';

export class HttpConn extends BaseConn {
  private readonly requests = new HttpClientRequests();
  private sessionId?: string;

  constructor(private readonly url: string) {
    super();
  }

  private headers(): Record<string, string> {
    return this.sessionId ? { ...JSON_HEADERS, 'mcp-session-id': this.sessionId, 'mcp-protocol-version': PROTOCOL_VERSION } : { ...JSON_HEADERS };
  }

  send(message: string | object): Sent {
    const exchange = this.requests.send(this.url, 'POST', this.headers(), textOf(message), this.inbox);
    void exchange.headers.then((h) => {
      const id = h['mcp-session-id'];
      if (typeof id === 'string') this.sessionId ??= id;
    }, () => undefined);
    return { status: exchange.status };
  }

  async end(): Promise<string> {
    const deleted = await this.requests.send(this.url, 'DELETE', this.headers(), undefined, this.inbox).status;
    const after = await this.send({ jsonrpc: '2.0', id: 'after-delete', method: 'tools/list' }).status;
    return `DELETE ${deleted}, then ${after}`;
  }

  async close(): Promise<void> {
    this.requests.closeAll();
  }
}

export class SseConn extends BaseConn {
  private readonly requests = new HttpClientRequests();
  private endpoint?: string;
  private stream?: { status: Promise<number>; close(): void };

  constructor(private readonly sseUrl: string) {
    super();
  }

  async open(): Promise<this> {
    const endpoint = new Promise<string>((resolve, reject) => {
      this.stream = this.requests.stream(this.sseUrl, { accept: 'text/event-stream' }, (event, data) => {
        if (event === 'endpoint') resolve(new URL(data, this.sseUrl).href);
        else if (event === 'message') this.inbox.push(JSON.parse(data) as Message);
      }, (why) => {
        this.inbox.end(why);
        reject(new Error(why));
      });
    });
    this.endpoint = await endpoint;
    return this;
  }

  send(message: string | object): Sent {
    // A refused POST (400, 413) answers in its own body; accepted ones answer on the stream.
    return { status: this.requests.send(this.endpoint!, 'POST', { 'content-type': 'application/json' }, textOf(message), this.inbox).status };
  }

  async end(): Promise<string> {
    this.stream?.close();
    // The router notices the closed stream asynchronously: its session is gone once POSTs get 404.
    const deadline = Date.now() + 5000;
    let status: number | undefined;
    while (Date.now() < deadline) {
      status = await this.send({ jsonrpc: '2.0', method: 'notifications/initialized' }).status;
      if (status === 404) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    return `stream closed, then ${status}`;
  }

  async close(): Promise<void> {
    this.requests.closeAll();
  }
}

export class WsConn extends BaseConn {
  private closedWith?: Promise<string>;

  constructor(private readonly ws: WebSocket) {
    super();
    ws.on('message', (data) => {
      try {
        this.inbox.push(JSON.parse(String(data)) as Message);
      } catch {
        this.inbox.push({ nonJson: String(data) });
      }
    });
    this.closedWith = new Promise((resolve) => ws.once('close', (code, reason) => {
      this.inbox.end(`websocket closed ${code} ${String(reason)}`);
      resolve(`close ${code}`);
    }));
    ws.on('error', () => undefined); // surfaces as the close above
  }

  send(message: string | object): Sent {
    if (this.ws.readyState === WebSocket.OPEN) this.ws.send(textOf(message));
    return NO_STATUS;
  }

  async end(): Promise<string> {
    this.ws.close(1000, 'contract test done');
    return this.closedWith!;
  }

  async close(): Promise<void> {
    this.ws.terminate();
  }
}
