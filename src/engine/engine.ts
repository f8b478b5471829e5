/**
 * The one request pipeline. Every request a client sends, on every front and to every kind of
 * backend, runs through the same ordered stages:
 *
 *   1. decode   params must be an object; the route validates its fields (readable -32602)
 *   2. resolve  public name or URI -> backend and original name, through the session's view
 *   3. admit    the workspace boundary (applied while resolving); limits and queues plug in here
 *   4. forward  to the backend connection: progress, cancellation, timeout, server->client requests
 *   5. map      the result back for the client: URIs, task ids
 *
 * There is no second path: the cheapest call (plain tools/call to a stdio backend) and the richest
 * (progress token, HTTP backend, isolated connection, task) differ only in what each stage finds.
 * Speed comes from the stages being cheap: no schema parse, one map entry per request on each peer.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../errors/index.js';
import type { Backend } from '../backends/backend.js';
import type { Catalog } from '../catalog/catalog.js';
import type { CursorCodec } from '../catalog/cursor.js';
import type { RequestContext } from './context.js';
import { InflightRequests } from './inflight.js';
import { isInputRequired, MODERN_PROTOCOL_VERSION } from '../rpc/envelope.js';
import { fulfilForLegacyClient } from './mrtr-legacy-client.js';
import { paramsForBackend, refuseRetryFields, sealRequestState } from './mrtr-modern-client.js';
import { RequestStateSigner } from './request-state.js';
import { decodeParams, type Params } from './params.js';
import { ROUTES } from './routes.js';
import type { BackendDirectory, EngineServices, Forward, Plan } from './services.js';
import { Subscriptions } from './subscriptions.js';
import { TaskOwners } from './task-owners.js';

/**
 * A stage that may refuse or delay a forward before it is sent (limits, queues). It may return a
 * release function: the engine calls it once the forward is over (answered, failed or cancelled), so
 * an admission can hold a slot for exactly as long as the backend works on the request.
 */
export type Admission = (ctx: RequestContext, plan: Forward) => AdmissionResult | Promise<AdmissionResult>;
export type AdmissionResult = void | undefined | (() => void);

/**
 * Watches forwards (metrics, the status page's recent calls, traces): `start` runs as the request is
 * sent, and the function it returns runs once with the outcome: the error, or the backend's result
 * (before mapping; a tool's `isError` result is a success of the protocol, not an error here).
 * Observers must be cheap and must not throw; they cannot change the request, except by adding
 * `_meta` entries through `plan.meta` (trace context), which the engine merges in as it sends.
 */
export type ForwardEnd = (error?: unknown, result?: Result) => void;

export interface ForwardObserver {
  start(ctx: RequestContext, plan: Forward): ForwardEnd | undefined;
}

export interface EngineOptions {
  catalog: Catalog;
  cursorCodec: CursorCodec;
  pageSize: number;
  backends: BackendDirectory;
  admissions?: Admission[];
  observers?: ForwardObserver[];
  /** HMAC key for requestState handed to 2026-07-28 clients (>= 32 bytes); default: random per engine. */
  requestStateKey?: Uint8Array;
}

export class Engine implements EngineServices {
  readonly catalog: Catalog;
  readonly cursorCodec: CursorCodec;
  readonly pageSize: number;
  readonly backends: BackendDirectory;
  readonly inflight = new InflightRequests();
  readonly subscriptions: Subscriptions;
  readonly tasks = new TaskOwners();
  private readonly admissions: Admission[];
  private readonly observers: ForwardObserver[];
  private readonly requestStates: RequestStateSigner;

  constructor(options: EngineOptions) {
    this.catalog = options.catalog;
    this.cursorCodec = options.cursorCodec;
    this.pageSize = options.pageSize;
    this.backends = options.backends;
    this.admissions = options.admissions ?? [];
    this.observers = options.observers ?? [];
    this.requestStates = new RequestStateSigner(options.requestStateKey ?? randomBytes(32));
    this.subscriptions = new Subscriptions({ backendFor: async (server, session) => options.backends.acquire(server, session) });
  }

  /** Whether the engine serves this method (fronts answer -32601 for the rest themselves). */
  serves(method: string): boolean {
    return ROUTES[method] !== undefined;
  }

  /** Serve one client request: stages 1-5. Throws errors for the front to put on the wire. */
  handle(ctx: RequestContext, rawParams: unknown): Promise<Result> {
    try {
      const route = ROUTES[ctx.method];
      if (!route) throw new SwitchboardError('SB_METHOD_NOT_FOUND', `Method not found: ${ctx.method}`);
      const planned = route(this, ctx, decodeParams(ctx.method, rawParams));
      // Most plans are made synchronously (a name found in the view): no await, no extra turn.
      return planned instanceof Promise ? planned.then((plan) => this.run(ctx, plan)) : this.run(ctx, planned);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private run(ctx: RequestContext, plan: Plan): Promise<Result> {
    return 'answer' in plan ? Promise.resolve(plan.answer) : this.forward(ctx, plan);
  }

  forward(ctx: RequestContext, plan: Forward): Promise<Result> {
    // Admissions in order. One that lets a request straight through (no limits on its server)
    // answers synchronously, so the common path awaits nothing before it is sent.
    const releases: Array<() => void> = [];
    try {
      for (let i = 0; i < this.admissions.length; i++) {
        const result = this.admissions[i]!(ctx, plan);
        if (result instanceof Promise) return this.admitSlowly(ctx, plan, releases, result, i + 1);
        if (result) releases.push(result);
      }
    } catch (err) {
      releaseAll(releases);
      return Promise.reject(err);
    }
    if (releases.length === 0) return this.send(ctx, plan);
    return this.send(ctx, plan).finally(() => releaseAll(releases));
  }

  /** The rest of stage 3 once an admission had to wait (a queue), then the forward. */
  private async admitSlowly(ctx: RequestContext, plan: Forward, releases: Array<() => void>, waiting: Promise<AdmissionResult>, next: number): Promise<Result> {
    try {
      const first = await waiting;
      if (first) releases.push(first);
      for (const admit of this.admissions.slice(next)) {
        const result = await admit(ctx, plan);
        if (result) releases.push(result);
      }
      return await this.send(ctx, plan);
    } finally {
      releaseAll(releases);
    }
  }

  /** Stages 4 and 5: send to the backend connection, then map the result for the client. */
  private send(ctx: RequestContext, plan: Forward): Promise<Result> {
    let acquired: ReturnType<BackendDirectory['acquire']>;
    try {
      acquired = this.backends.acquire(plan.server, ctx.session);
    } catch (err) {
      return Promise.reject(err);
    }
    if (acquired instanceof Promise) return acquired.then((a) => this.sendOn(ctx, plan, a.backend, a.release));
    return this.sendOn(ctx, plan, acquired.backend, acquired.release);
  }

  private sendOn(ctx: RequestContext, plan: Forward, backend: Backend, release: () => void): Promise<Result> {
    const releaseInflight = this.inflight.add(plan.server, ctx);
    // Progress is re-minted per hop: the backend sees our token, the client gets its own back. Relays
    // go out synchronously in wire order, so they always precede the result.
    let lastRelay = 0;
    const token = ctx.progressToken;
    const onprogress =
      token === undefined
        ? undefined
        : (p: object) => {
            lastRelay = performance.now();
            ctx.session.notify('notifications/progress', { ...p, progressToken: token }, ctx.id);
          };
    const done = this.observers.length ? this.observe(ctx, plan) : undefined;
    const modernClient = ctx.era === MODERN_PROTOCOL_VERSION;
    const clientCapabilities = ctx.session.clientCapabilities;
    // One options object per forward (rounds of input_required reuse it), built without spreads.
    const opts = ctx.cancellation ? { cancellation: ctx.cancellation, onprogress, clientCapabilities } : { signal: ctx.signal, onprogress, clientCapabilities };
    const send = (params: Params) => backend.request(plan.method, params, opts);
    let sent: Promise<Result>;
    let params: Params = plan.params;
    try {
      const withPlanMeta = plan.meta ? withMeta(plan.params, plan.meta) : plan.params;
      params = token === undefined ? withPlanMeta : withoutProgressToken(withPlanMeta);
      params = modernClient ? paramsForBackend(this.requestStates, plan.server, backend.era === undefined ? undefined : backend.era === MODERN_PROTOCOL_VERSION, plan.method, params) : refuseRetryFields(plan.method, params);
      plan.onSent?.();
      sent = send(params);
    } catch (err) {
      sent = Promise.reject(err);
    }
    const fail = (err: unknown): never => {
      releaseInflight();
      release();
      done?.(err);
      throw err;
    };
    const finish = (answer: Result): Result | Promise<Result> => {
      const result = !modernClient && 'resultType' in answer ? withoutResultType(answer) : answer;
      releaseInflight();
      release();
      done?.(undefined, result);
      // SDK clients handle a notification a microtask after a response parsed from the same read,
      // and drop progress whose request is already answered. A backend's last progress often
      // arrives in one chunk with its result; give the client a moment to read it on its own.
      const gap = lastRelay > 0 ? PROGRESS_SETTLE_MS - (performance.now() - lastRelay) : 0;
      if (gap > 0) return sleep(gap).then(() => (plan.map ? plan.map(result) : result));
      return plan.map ? plan.map(result) : result;
    };
    return sent.then((result) => {
      // A 2026-07-28 backend asking for input: a 2026 client answers it itself; a 2025 client is
      // asked by the router, round by round, while the call stays in flight (MRTR).
      if (!isInputRequired(result)) return finish(result);
      const next = modernClient ? Promise.resolve(sealRequestState(this.requestStates, plan.server, result)) : fulfilForLegacyClient(ctx, plan.server, params, result, send);
      return next.then(finish, fail);
    }, fail);
  }

  private observe(ctx: RequestContext, plan: Forward): ForwardEnd {
    const ends = this.observers.flatMap((o) => o.start(ctx, plan) ?? []);
    return (error, result) => {
      for (const end of ends) end(error, result);
    };
  }

  callTool(ctx: RequestContext, name: string, args: Params | undefined): Promise<Result> {
    // The same request, as a tools/call: everything else (session, signal, cancellation, progress
    // token) is read through the original, whatever kind of object the front made it.
    const inner = Object.create(ctx, { method: { value: 'tools/call', enumerable: true } }) as RequestContext;
    return this.handle(inner, args === undefined ? { name } : { name, arguments: args });
  }
}

/** How long a result waits after the progress relayed just before it (only then). */
const PROGRESS_SETTLE_MS = 5;

/** A 2025 client's results never carry the 2026 discriminator. */
function withoutResultType(result: Result): Result {
  const { resultType: _dropped, ...rest } = result;
  return rest as Result;
}

function withMeta(params: Params, meta: Record<string, string>): Params {
  return { ...params, _meta: { ...(params._meta as Params | undefined), ...meta } };
}

function withoutProgressToken(params: Params): Params {
  const meta = params._meta as Record<string, unknown> | undefined;
  if (!meta || !('progressToken' in meta)) return params;
  const { progressToken: _dropped, ...rest } = meta;
  if (Object.keys(rest).length) return { ...params, _meta: rest };
  const { _meta: _gone, ...bare } = params;
  return bare;
}

function releaseAll(releases: Array<() => void>): void {
  for (const release of releases) release();
}
