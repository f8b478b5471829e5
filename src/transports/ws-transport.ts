/**
 * MCP over one WebSocket: one JSON-RPC message per text frame, subprotocol "mcp". The same class
 * serves both ends: the WebSocket front wraps sockets it accepted, and the tests wrap client sockets
 * (test/helpers/ws-client.ts).
 *
 * A frame that is not one JSON-RPC 2.0 object gets a JSON-RPC error back (id null) and the
 * connection carries on, as on the stdio front: one bad message must not end a session.
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import { WebSocket, type RawData } from 'ws';
import { SwitchboardError, toWireError } from '../errors/index.js';
import { isJsonRpcMessage } from '../rpc/message-shape.js';
import { encodeMessage } from '../util/encode-message.js';
import type { Logger } from '../log.js';
import { CongestionDrops } from './congestion.js';

export const MCP_SUBPROTOCOL = 'mcp';

export class WebSocketTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private started = false;
  private closed = false;
  private readonly drops: CongestionDrops;

  /**
   * `maxMessageBytes`: a larger frame gets a JSON-RPC error and the session goes on.
   * `congestion`: where dropped logs and progress are counted, and past how many bytes queued for
   * the client they are dropped (congestion.ts).
   */
  constructor(
    private readonly ws: WebSocket,
    private readonly maxMessageBytes = Infinity,
    congestion: { log?: Logger; maxBufferedBytes?: number } = {},
  ) {
    this.drops = new CongestionDrops('ws', congestion);
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('WebSocketTransport already started');
    this.started = true;
    this.ws.on('message', this.onData);
    this.ws.on('close', this.finish);
    this.ws.on('error', (err) => this.onerror?.(err));
    // The socket may have closed between accept and start (a client that connects and leaves).
    if (this.ws.readyState === WebSocket.CLOSED || this.ws.readyState === WebSocket.CLOSING) this.finish();
  }

  private readonly onData = (data: RawData, isBinary: boolean): void => {
    if (isBinary) {
      this.reply(new SwitchboardError('SB_INVALID_REQUEST', 'Invalid Request: send each JSON-RPC message as one text frame'));
      return;
    }
    if (rawLength(data) > this.maxMessageBytes) {
      this.reply(new SwitchboardError('SB_MESSAGE_TOO_LARGE', `Message too large: the limit is ${this.maxMessageBytes} bytes (listen.maxBodyBytes); the session goes on`, { data: { limit: this.maxMessageBytes } }));
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(rawText(data));
    } catch {
      this.reply(new SwitchboardError('SB_PARSE_ERROR', 'Parse error: a frame was not valid JSON'));
      return;
    }
    if (!isJsonRpcMessage(message)) {
      this.reply(new SwitchboardError('SB_INVALID_REQUEST', 'Invalid Request: expected one JSON-RPC 2.0 message per frame'));
      return;
    }
    this.onmessage?.(message);
  };

  private reply(err: SwitchboardError): void {
    void this.send({ jsonrpc: '2.0', id: null, error: toWireError(err) } as unknown as JSONRPCMessage).catch(() => undefined);
  }

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed || this.ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('WebSocket is not open'));
    // bufferedAmount: bytes sent but not yet taken by the socket, i.e. what a slow reader leaves here.
    if (this.drops.drop(message, this.ws.bufferedAmount)) return Promise.resolve();
    return new Promise((resolve, reject) => this.ws.send(encodeMessage(message), (err) => (err ? reject(err) : resolve())));
  }

  async close(): Promise<void> {
    if (!this.closed && this.ws.readyState === WebSocket.OPEN) this.ws.close(1000, 'session closed');
    else if (this.ws.readyState === WebSocket.CONNECTING) this.ws.terminate();
    this.finish();
  }

  private readonly finish = (): void => {
    if (this.closed) return;
    this.closed = true;
    this.onclose?.();
  };
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data as ArrayBuffer).toString('utf8');
}

function rawLength(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}
