/**
 * The raw pass-through for plain tools/call. Profiling showed the SDK Server + Client pair costing the
 * router more CPU per call than the backend itself; for the common call (no progress token, not a
 * task, a shared backend that is up, a tool that is forwarded) nothing in that machinery is needed.
 * Such a call is rewritten (tool name, request id) and written straight to the backend's transport;
 * the response gets the client's id back and its URIs made public. Everything else — and any call the
 * fast path is unsure about — goes through the SDK path untouched, so behaviour is the same.
 *
 * Kept here: cancellation (forwarded with the backend's id; a late result is dropped), the server's
 * timeout (checked by one coarse timer, not one per call), backend loss (pending calls fail with
 * -32010), session close (its calls are cancelled at the backend), and ownership of server->client
 * requests made during the call.
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import type { Backend } from '../backends/backend.js';
import { passthroughResult } from '../backends/passthrough.js';
import { SwitchboardError, toWireError } from '../errors/index.js';
import type { Router } from '../router.js';
import type { ForwardContext, FrontSession } from './session.js';

type Id = string | number;

interface Pending {
  frontId: Id;
  session: FrontSession;
  transport: Transport;
  backend: Backend;
  deadline: number;
  timeoutMs: number;
  release: () => void;
}

/** Prefix of the request ids the fast path uses toward backends; the SDK Client uses numbers. */
const RAW_ID_PREFIX = 'sb:';

export function isRawResponse(message: JSONRPCMessage): boolean {
  const m = message as { id?: unknown; method?: unknown };
  return typeof m.id === 'string' && m.id.startsWith(RAW_ID_PREFIX) && m.method === undefined;
}

export class FastPath {
  private seq = 0;
  private readonly pending = new Map<string, Pending>();
  /** session -> client request id -> backend request id, for cancellation. */
  private readonly bySession = new Map<FrontSession, Map<Id, string>>();
  private readonly timer: NodeJS.Timeout;
  private readonly neverAborted = new AbortController().signal;

  constructor(private readonly router: Router) {
    this.timer = setInterval(() => this.expire(), 250);
    this.timer.unref();
  }

  /** Put the fast path in front of a session's SDK Server on the given transport. */
  attach(session: FrontSession, transport: Transport): void {
    const sdk = transport.onmessage;
    if (!sdk) return;
    transport.onmessage = (message, extra) => {
      if (this.tryCall(session, transport, message) || this.tryCancel(session, message)) return;
      sdk.call(transport, message, extra);
    };
  }

  private tryCall(session: FrontSession, transport: Transport, message: JSONRPCMessage): boolean {
    const m = message as { id?: Id; method?: string; params?: Record<string, unknown> };
    if (m.method !== 'tools/call' || m.id === undefined || !session.isInitialized) return false;
    const params = m.params;
    if (!params || typeof params.name !== 'string' || params.task !== undefined) return false;
    const meta = params._meta as { progressToken?: unknown } | undefined;
    if (meta?.progressToken !== undefined) return false;
    const target = session.view.resolveTool(params.name);
    if (!target || target.local) return false;
    const backend = this.router.maybeBackend(target.server);
    // stdio backends only: a raw write there cannot fail the way an HTTP POST can (lost session, 4xx),
    // and HTTP backends' latency is dominated by HTTP anyway.
    if (!backend || backend.state !== 'ready' || backend.transportKind !== 'stdio' || backend.config.isolation === 'session') return false;

    const rawId = `${RAW_ID_PREFIX}${++this.seq}`;
    const args = target.defaults ? { ...target.defaults, ...(params.arguments as Record<string, unknown> | undefined) } : params.arguments;
    const forwarded: Record<string, unknown> = { ...params, name: target.name };
    if (args !== undefined) forwarded.arguments = args;
    if (!backend.sendRaw({ jsonrpc: '2.0', id: rawId, method: 'tools/call', params: forwarded } as JSONRPCMessage)) return false;
    target.onCall?.();

    // Requests and notifications the backend causes during this call travel with the client's request
    // id, so a Streamable HTTP front sends them on that request's own stream, as the SDK path does.
    const related = { relatedRequestId: m.id };
    const ctx: ForwardContext = {
      signal: this.neverAborted,
      notify: (n) => session.server.notification(n, related),
      send: ((req: never, schema?: never, opts?: object) =>
        session.server.request(req, schema ?? (passthroughResult as never), { ...opts, ...related } as never)) as unknown as ForwardContext['send'],
    };
    const timeoutMs = backend.config.timeoutMs;
    this.pending.set(rawId, {
      frontId: m.id,
      session,
      transport,
      backend,
      timeoutMs,
      deadline: Date.now() + timeoutMs,
      release: this.router.inflight.add(backend.name, session, ctx),
    });
    let ids = this.bySession.get(session);
    if (!ids) this.bySession.set(session, (ids = new Map()));
    ids.set(m.id, rawId);
    return true;
  }

  private tryCancel(session: FrontSession, message: JSONRPCMessage): boolean {
    const m = message as { method?: string; params?: { requestId?: Id; reason?: string } };
    if (m.method !== 'notifications/cancelled' || m.params?.requestId === undefined) return false;
    const rawId = this.bySession.get(session)?.get(m.params.requestId);
    if (!rawId) return false;
    const p = this.settle(rawId);
    if (p) p.backend.sendRaw({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: rawId, reason: m.params.reason } } as JSONRPCMessage);
    return true;
  }

  /** A backend's answer to a fast-path call: back to the client under its own id. */
  onResponse(message: JSONRPCMessage): void {
    const m = message as { id: string; result?: Record<string, unknown>; error?: unknown };
    const p = this.settle(m.id);
    if (!p) return; // cancelled or timed out: a late result is dropped
    const reply = m.error !== undefined
      ? { jsonrpc: '2.0', id: p.frontId, error: m.error }
      : { jsonrpc: '2.0', id: p.frontId, result: this.router.catalog.mapToolResult(p.backend.name, m.result ?? {}) };
    void p.transport.send(reply as JSONRPCMessage).catch(() => undefined);
  }

  /** The backend went away: its pending calls fail now rather than at their timeout. */
  failBackend(backend: Backend): void {
    for (const [rawId, p] of this.pending) {
      if (p.backend !== backend) continue;
      this.settle(rawId);
      this.replyError(p, new SwitchboardError('SB_BACKEND_UNAVAILABLE', `server "${backend.name}" disconnected while handling the call; the router is reconnecting`));
    }
  }

  /** A client went away: cancel its calls at their backends. */
  dropSession(session: FrontSession): void {
    const ids = this.bySession.get(session);
    if (!ids) return;
    for (const rawId of [...ids.values()]) {
      const p = this.settle(rawId);
      p?.backend.sendRaw({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: rawId, reason: 'client disconnected' } } as JSONRPCMessage);
    }
    this.bySession.delete(session);
  }

  private expire(): void {
    const now = Date.now();
    for (const [rawId, p] of this.pending) {
      if (p.deadline > now) continue;
      this.settle(rawId);
      p.backend.sendRaw({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: rawId, reason: 'timed out' } } as JSONRPCMessage);
      this.replyError(p, new SwitchboardError('SB_BACKEND_TIMEOUT', `server "${p.backend.name}" did not answer tools/call within ${p.timeoutMs} ms (raise servers.${p.backend.name}.timeout if it needs longer)`));
    }
  }

  private settle(rawId: string): Pending | undefined {
    const p = this.pending.get(rawId);
    if (!p) return undefined;
    this.pending.delete(rawId);
    this.bySession.get(p.session)?.delete(p.frontId);
    p.release();
    return p;
  }

  private replyError(p: Pending, err: SwitchboardError): void {
    void p.transport.send({ jsonrpc: '2.0', id: p.frontId, error: toWireError(err) } as JSONRPCMessage).catch(() => undefined);
  }

  /** Fast-path calls of a session still waiting for their backend. */
  pendingFor(session: FrontSession): number {
    return this.bySession.get(session)?.size ?? 0;
  }

  close(): void {
    clearInterval(this.timer);
  }
}
