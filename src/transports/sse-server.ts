/**
 * Server side of the legacy HTTP+SSE transport (protocol revision 2024-11-05).
 *
 * The v2 SDK ships no server transport for it (it moved to a separate legacy package), yet many
 * clients still speak it. One instance serves one client: the client's GET opens the event stream
 * (`res`), the first event names the URL to POST messages to, and every server->client message is an
 * `event: message` on that stream. Routing POSTs to the right instance (by `sessionId`) and answering
 * 404 for unknown sessions is the HTTP server's job; this class handles one connection.
 */
import { flatUuid } from '../util/flat-uuid.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';
import { readJsonBody } from './http-util.js';
import { isJsonRpcMessage } from '../rpc/message-shape.js';
import { encodeMessage } from '../util/encode-message.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from '../log.js';
import { CongestionDrops } from './congestion.js';
import type { AuthInfo, JSONRPCMessage, MessageExtraInfo, Transport } from '@modelcontextprotocol/server';

export interface SseServerTransportOptions {
  /** Largest POST body accepted, in bytes; larger bodies get 413. */
  maxBodyBytes?: number;
  /** Interval of `: keep-alive` comments that stop proxies from reaping an idle stream. */
  keepAliveMs?: number;
  /** Where dropped logs and progress are counted (see congestion.ts). */
  log?: Logger;
  /** Bytes waiting for the client past which logs and progress are dropped (congestion.ts). */
  maxBufferedBytes?: number;
}

const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
const DEFAULT_KEEP_ALIVE_MS = 25_000;

/** Appends `sessionId` to an endpoint that may be relative or absolute and may carry a query or fragment. */
export function endpointWithSessionId(endpoint: string, sessionId: string): string {
  const hashAt = endpoint.indexOf('#');
  const hash = hashAt === -1 ? '' : endpoint.slice(hashAt);
  const beforeHash = hashAt === -1 ? endpoint : endpoint.slice(0, hashAt);
  const queryAt = beforeHash.indexOf('?');
  const path = queryAt === -1 ? beforeHash : beforeHash.slice(0, queryAt);
  // String surgery rather than `new URL()`, which would turn a relative 'message' into '/message'.
  const params = new URLSearchParams(queryAt === -1 ? '' : beforeHash.slice(queryAt + 1));
  params.set('sessionId', sessionId);
  return `${path}?${params.toString()}${hash}`;
}

const ACCEPTED = 'Accepted';
// An explicit length keeps Node from chunk-framing a body this small (one buffer, not three).
const ACCEPTED_HEADERS = { 'content-type': 'text/plain; charset=utf-8', 'content-length': String(ACCEPTED.length) };

export class SseServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: <T extends JSONRPCMessage>(message: T, extra?: MessageExtraInfo) => void;

  private readonly id = flatUuid();
  private readonly maxBodyBytes: number;
  private readonly keepAliveMs: number;
  private keepAlive?: NodeJS.Timeout;
  private started = false;
  private closed = false;
  private readonly drops: CongestionDrops;
  /** One wait for 'drain' shared by every send made while the stream is full. */
  private draining?: Promise<void>;

  constructor(
    private readonly messageEndpoint: string,
    private readonly res: ServerResponse,
    opts: SseServerTransportOptions = {},
  ) {
    this.maxBodyBytes = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
    this.keepAliveMs = opts.keepAliveMs ?? DEFAULT_KEEP_ALIVE_MS;
    this.drops = new CongestionDrops('sse', opts);
  }

  get sessionId(): string {
    return this.id;
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('SseServerTransport already started');
    this.started = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no', // nginx would otherwise buffer the stream
    });
    this.res.write(`event: endpoint\ndata: ${endpointWithSessionId(this.messageEndpoint, this.id)}\n\n`);
    this.res.on('close', () => this.finish());
    this.res.on('error', (err) => this.onerror?.(err));
    this.keepAlive = setInterval(() => {
      if (!this.closed) this.res.write(': keep-alive\n\n');
    }, this.keepAliveMs);
    this.keepAlive.unref(); // an idle stream must not keep the process alive
  }

  /** Handles one POSTed message. */
  async handlePostMessage(req: IncomingMessage & { auth?: AuthInfo }, res: ServerResponse): Promise<void> {
    if (!this.started || this.closed) {
      req.resume();
      sendHttpError(res, new SwitchboardError('SB_UNKNOWN_SESSION', 'Session not found: its stream is closed; open a new stream'));
      return;
    }
    const contentType = req.headers['content-type'] ?? '';
    if (!/^application\/(.+\+)?json\b/i.test(contentType)) {
      req.resume();
      sendHttpError(res, new SwitchboardError('SB_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: send Content-Type: application/json'));
      return;
    }
    const parsed = await readJsonBody(req, res, this.maxBodyBytes);
    if (!parsed) return;
    const body = parsed.value;
    if (!isJsonRpcMessage(body)) {
      sendHttpError(res, new SwitchboardError('SB_INVALID_REQUEST', 'Invalid Request: expected a single JSON-RPC 2.0 message'));
      return;
    }
    const extra: MessageExtraInfo = {};
    if (req.auth) extra.authInfo = req.auth;
    // Hand the message on before acknowledging: the answer's path (usually a write to the server)
    // starts a syscall sooner, and it cannot overtake the 202, which is written in this same turn.
    this.onmessage?.(body, extra);
    res.writeHead(202, ACCEPTED_HEADERS).end(ACCEPTED);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.started || this.closed) throw new Error('SSE stream is not connected');
    // A client that stopped reading must not grow the router without bound: logs and progress past
    // the limit are dropped and counted; responses and requests are always written.
    if (this.drops.drop(message, this.res.writableLength)) return;
    const ok = this.res.write(`event: message\ndata: ${encodeMessage(message)}\n\n`);
    if (!ok) await this.drained();
  }

  async close(): Promise<void> {
    if (!this.closed && !this.res.writableEnded) this.res.end();
    this.finish();
  }

  /**
   * Resolves when the socket buffer drains or the stream closes, so a caller that awaits feels the
   * slow reader. Shared: a burst toward a full stream adds two listeners, not two per message.
   */
  private drained(): Promise<void> {
    this.draining ??= new Promise<void>((resolve) => {
      const done = (): void => {
        this.res.off('drain', done);
        this.res.off('close', done);
        this.draining = undefined;
        resolve();
      };
      this.res.on('drain', done);
      this.res.on('close', done);
    });
    return this.draining;
  }

  /** Runs once, whether we closed the stream or the client went away. */
  private finish(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.keepAlive) clearInterval(this.keepAlive);
    this.onclose?.();
  }
}
