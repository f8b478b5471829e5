/**
 * One JSON-RPC peer over one transport: the router's own correlator, used on both sides (a client's
 * front session and a backend connection). It owns `transport.onmessage`, so nothing is composed by
 * overwriting handlers: requests go to `onRequest`, notifications to `onNotification`, responses to
 * the request that is waiting for them.
 *
 * Why not the SDK's Protocol: per message it validates, allocates timers and AbortSignals, and delivers
 * notifications a microtask after responses (so a result could overtake the progress sent before it).
 * This peer handles every message synchronously in wire order, and keeps per-request state to one
 * entry in one map: that is what lets every request kind cost what a plain call costs.
 */
import type { JSONRPCMessage, RequestId, Result, Transport } from '@modelcontextprotocol/server';
import { JsonRpcCode, SwitchboardError, toWireError, UpstreamError } from '../errors/index.js';
import { isJsonRpcMessage } from './message-shape.js';
import { RequestCancellation, type Cancellation } from './cancellation.js';

export type Params = Record<string, unknown>;

export interface ProgressParams {
  progress: number;
  total?: number;
  message?: string;
}

export interface OutboundOptions {
  signal?: AbortSignal;
  /** Like `signal`, without the cost of an AbortSignal (an inbound request's own cancellation). */
  cancellation?: Cancellation;
  /** Milliseconds until the request fails with `errors.timeout`; absent: no limit. */
  timeoutMs?: number;
  /** Ask the other side for progress (a token is minted per request) and receive it here. */
  onprogress?: (progress: ProgressParams) => void;
  /** Progress pushes the deadline back (a long call that reports progress is alive). */
  resetTimeoutOnProgress?: boolean;
  /** The inbound request this one is part of (Streamable HTTP sends it on that request's stream). */
  relatedRequestId?: RequestId;
  /**
   * Give the transport a signal for this request's own stream, aborted when the request is cancelled
   * or times out: how a 2026-07-28 Streamable HTTP server is told (it has no session to notify).
   */
  abortStreamOnCancel?: boolean;
}

/** An inbound request while it is being answered. */
export interface InboundRequest {
  readonly id: RequestId;
  readonly method: string;
  readonly params: unknown;
  /** Aborted when the other side cancels the request or the peer closes (made on first use). */
  readonly signal: AbortSignal;
  /** The same, as plain callbacks: what the hot path uses. */
  readonly cancellation: Cancellation;
}

export interface PeerHandlers {
  /** Answer a request: return its result, or throw (the error goes out through toWireError). */
  onRequest(request: InboundRequest): Promise<Result> | Result;
  onNotification(method: string, params: Params | undefined): void;
  onClose?(): void;
  /** A message the peer could not use (a response to nothing, a transport error); for debug logs. */
  onDiscard?(reason: string, detail?: unknown): void;
  /** The transport reported an error (a broken stream, a failed POST); the connection may be dead. */
  onTransportError?(err: Error): void;
  /**
   * Rewrite an error answer before it goes out (a front replaces the config's secrets in it).
   * Here, where errors become wire errors, so a successful answer never pays for it.
   */
  outgoingError?(error: unknown): unknown;
}

export interface PeerErrors {
  timeout(method: string, timeoutMs: number): Error;
  closed(method: string): Error;
  cancelled(method: string, reason: unknown): Error;
}

interface Pending {
  method: string;
  resolve(result: Result): void;
  reject(error: unknown): void;
  onprogress?: (progress: ProgressParams) => void;
  deadline: number;
  timeoutMs: number;
  resetOnProgress: boolean;
  signal?: AbortSignal;
  onAbort?: () => void;
  offCancel?: () => void;
  stream?: AbortController;
}

interface Inbound {
  cancellation: RequestCancellation;
  /** Set once answered or cancelled: a late answer is dropped. */
  done: boolean;
}

const SWEEP_MS = 50;

export class RpcPeer {
  private seq = 0;
  /**
   * Requests in flight each way, made on first use and dropped when empty: an idle session (a
   * thousand idle HTTP clients, say) then holds no hash tables at all.
   */
  private pending?: Map<RequestId, Pending>;
  private inbound?: Map<RequestId, Inbound>;
  private sweeper?: NodeJS.Timeout;
  private closed = false;

  constructor(
    readonly transport: Transport,
    private readonly handlers: PeerHandlers,
    private readonly errors: PeerErrors,
  ) {
    transport.onmessage = (message) => this.receive(message as JSONRPCMessage);
    transport.onclose = () => this.onTransportClosed();
    transport.onerror = (err) => {
      handlers.onDiscard?.('transport error', err);
      handlers.onTransportError?.(err);
    };
  }

  start(): Promise<void> {
    return this.transport.start();
  }

  /** Inbound requests still being answered (an idle reaper never closes a busy session). */
  get activeInbound(): number {
    return this.inbound?.size ?? 0;
  }

  get activeOutbound(): number {
    return this.pending?.size ?? 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  request(method: string, params: Params | undefined, opts: OutboundOptions = {}): Promise<Result> {
    if (this.closed) return Promise.reject(this.errors.closed(method));
    if (opts.signal?.aborted) return Promise.reject(this.errors.cancelled(method, opts.signal.reason));
    if (opts.cancellation?.aborted) return Promise.reject(this.errors.cancelled(method, opts.cancellation.reason));
    const id = ++this.seq;
    let sent = params;
    if (opts.onprogress) sent = { ...params, _meta: { ...(params?._meta as Params | undefined), progressToken: id } };
    return new Promise<Result>((resolve, reject) => {
      const timeoutMs = opts.timeoutMs ?? 0;
      const entry: Pending = {
        method,
        resolve,
        reject,
        onprogress: opts.onprogress,
        deadline: timeoutMs > 0 ? Date.now() + timeoutMs : Infinity,
        timeoutMs,
        resetOnProgress: opts.resetTimeoutOnProgress ?? false,
      };
      if (opts.signal) {
        entry.signal = opts.signal;
        entry.onAbort = () => this.cancelOutbound(id, opts.signal!.reason);
        opts.signal.addEventListener('abort', entry.onAbort, { once: true });
      }
      if (opts.cancellation) entry.offCancel = opts.cancellation.onCancel((reason) => this.cancelOutbound(id, reason));
      if (opts.abortStreamOnCancel) entry.stream = new AbortController();
      (this.pending ??= new Map()).set(id, entry);
      if (timeoutMs > 0) this.ensureSweeper();
      const message = sent === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params: sent };
      const sendOptions = opts.relatedRequestId === undefined && !entry.stream ? undefined : { relatedRequestId: opts.relatedRequestId, requestSignal: entry.stream?.signal };
      this.transport.send(message as JSONRPCMessage, sendOptions).catch((err) => {
        const p = this.settle(id);
        p?.reject(err);
      });
    });
  }

  notify(method: string, params?: Params, relatedRequestId?: RequestId): Promise<void> {
    if (this.closed) return Promise.resolve();
    const message = params === undefined ? { jsonrpc: '2.0', method } : { jsonrpc: '2.0', method, params };
    return this.transport.send(message as JSONRPCMessage, relatedRequestId === undefined ? undefined : { relatedRequestId }).catch((err) => {
      this.handlers.onDiscard?.(`could not send ${method}`, err);
    });
  }

  /** Write an already-built message (an error reply to a message that never became a request). */
  sendRaw(message: unknown): void {
    if (!this.closed) this.transport.send(message as JSONRPCMessage).catch(() => undefined);
  }

  private receive(message: JSONRPCMessage): void {
    // Byte transports check shapes before parsing further; in-memory ones hand objects straight
    // here. Either way a message that is not JSON-RPC 2.0 is answered, never left hanging.
    if (!isJsonRpcMessage(message)) {
      const m = message as { id?: unknown; result?: unknown; error?: unknown } | null;
      // Never answer something response-shaped (an error with id null, say): two peers would
      // answer each other's answers forever.
      if (m && typeof m === 'object' && ('result' in m || 'error' in m)) {
        this.handlers.onDiscard?.('a malformed response', message);
        return;
      }
      const id = m?.id;
      this.sendRaw({ jsonrpc: '2.0', id: typeof id === 'string' || typeof id === 'number' ? id : null, error: toWireError(new SwitchboardError('SB_INVALID_REQUEST', 'Invalid Request: expected a JSON-RPC 2.0 request, notification or response')) });
      return;
    }
    const m = message as { id?: RequestId; method?: unknown; params?: unknown; result?: unknown; error?: unknown };
    if (typeof m.method === 'string') {
      if (m.id === undefined) this.receiveNotification(m.method, m.params as Params | undefined);
      else this.receiveRequest(m.id, m.method, m.params);
      return;
    }
    if (m.id === undefined || m.id === null) {
      this.handlers.onDiscard?.('a message that is neither request, notification nor answered response', message);
      return;
    }
    const p = this.settle(m.id);
    if (!p) {
      this.handlers.onDiscard?.('a response to no pending request (cancelled or timed out)', m.id);
      return;
    }
    if (m.error !== undefined) {
      const e = m.error as { code?: unknown; message?: unknown; data?: unknown };
      p.reject(new UpstreamError(typeof e.code === 'number' ? e.code : JsonRpcCode.InternalError, typeof e.message === 'string' ? e.message : 'error', e.data));
    } else {
      p.resolve((m.result ?? {}) as Result);
    }
  }

  private receiveNotification(method: string, params: Params | undefined): void {
    if (method === 'notifications/progress') {
      const token = params?.progressToken as RequestId | undefined;
      const p = token === undefined ? undefined : this.pending?.get(token);
      if (p?.onprogress) {
        if (p.resetOnProgress && p.timeoutMs > 0) p.deadline = Date.now() + p.timeoutMs;
        const { progressToken: _token, ...progress } = params!;
        p.onprogress(progress as unknown as ProgressParams);
        return;
      }
    } else if (method === 'notifications/cancelled') {
      const id = params?.requestId as RequestId | undefined;
      const entry = id === undefined ? undefined : this.inbound?.get(id);
      if (entry && !entry.done) {
        // Cancelled requests get no response (the other side has forgotten the id already).
        entry.done = true;
        this.forgetInbound(id!);
        entry.cancellation.cancel(params?.reason ?? 'cancelled');
        return;
      }
    }
    this.handlers.onNotification(method, params);
  }

  private receiveRequest(id: RequestId, method: string, params: unknown): void {
    if (this.inbound?.has(id)) {
      // Never cross-wire two requests that share an id: the second is refused, the first goes on.
      this.sendRaw({ jsonrpc: '2.0', id, error: toWireError(duplicateId(id)) });
      return;
    }
    const cancellation = new RequestCancellation();
    const entry: Inbound = { cancellation, done: false };
    (this.inbound ??= new Map()).set(id, entry);
    let answer: Promise<Result> | Result;
    try {
      answer = this.handlers.onRequest({
        id,
        method,
        params,
        cancellation,
        get signal() {
          return cancellation.signal;
        },
      });
    } catch (err) {
      this.reply(id, entry, undefined, err);
      return;
    }
    if (answer instanceof Promise) answer.then((r) => this.reply(id, entry, r), (err) => this.reply(id, entry, undefined, err));
    else this.reply(id, entry, answer);
  }

  private reply(id: RequestId, entry: Inbound, result: Result | undefined, error?: unknown): void {
    if (entry.done) return;
    entry.done = true;
    this.forgetInbound(id);
    if (this.closed) return;
    const message = error === undefined ? { jsonrpc: '2.0', id, result } : { jsonrpc: '2.0', id, error: toWireError(this.handlers.outgoingError ? this.handlers.outgoingError(error) : error) };
    this.transport.send(message as JSONRPCMessage).catch((err) => this.handlers.onDiscard?.('could not send a response', err));
  }

  /**
   * Answer every inbound request still open with `error` now (a shutdown whose grace ran out), and
   * abort each one's signal so the work behind it is cancelled too. A late result is dropped.
   */
  failInbound(error: unknown): void {
    for (const [id, entry] of [...(this.inbound ?? [])]) {
      this.reply(id, entry, undefined, error);
      entry.cancellation.cancel(error instanceof Error ? error.message : 'failed');
    }
  }

  private forgetInbound(id: RequestId): void {
    this.inbound?.delete(id);
    if (this.inbound?.size === 0) this.inbound = undefined;
  }

  private cancelOutbound(id: RequestId, reason: unknown): void {
    const p = this.settle(id);
    if (!p) return;
    void this.notify('notifications/cancelled', { requestId: id, reason: typeof reason === 'string' ? reason : 'cancelled' });
    p.stream?.abort(reason);
    p.reject(this.errors.cancelled(p.method, reason));
  }

  private settle(id: RequestId): Pending | undefined {
    const p = this.pending?.get(id);
    if (!p) return undefined;
    this.pending!.delete(id);
    if (this.pending!.size === 0) this.pending = undefined;
    if (p.onAbort) p.signal!.removeEventListener('abort', p.onAbort);
    p.offCancel?.();
    return p;
  }

  /** One coarse timer for every deadline, running only while some request has one. */
  private ensureSweeper(): void {
    if (this.sweeper) return;
    this.sweeper = setInterval(() => this.sweep(), SWEEP_MS);
    this.sweeper.unref();
  }

  private sweep(): void {
    const now = Date.now();
    let withDeadline = 0;
    for (const [id, p] of this.pending ?? []) {
      if (p.deadline === Infinity) continue;
      if (p.deadline > now) {
        withDeadline++;
        continue;
      }
      this.settle(id);
      void this.notify('notifications/cancelled', { requestId: id, reason: 'timed out' });
      p.stream?.abort('timed out');
      p.reject(this.errors.timeout(p.method, p.timeoutMs));
    }
    if (withDeadline === 0) this.stopSweeper();
  }

  private stopSweeper(): void {
    clearInterval(this.sweeper);
    this.sweeper = undefined;
  }

  private onTransportClosed(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopSweeper();
    for (const [id, p] of [...(this.pending ?? [])]) {
      this.settle(id);
      p.reject(this.errors.closed(p.method));
    }
    for (const entry of this.inbound?.values() ?? []) {
      entry.done = true;
      entry.cancellation.cancel('connection closed');
    }
    this.inbound = undefined;
    this.handlers.onClose?.();
  }

  /** Close the transport; pending requests fail with `errors.closed`, inbound ones are aborted. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.transport.close().catch(() => undefined);
    this.onTransportClosed();
  }
}

function duplicateId(id: RequestId): SwitchboardError {
  return new SwitchboardError('SB_DUPLICATE_REQUEST_ID', `request id ${JSON.stringify(id)} is already in use by a request still being answered; use a new id for each request`);
}
