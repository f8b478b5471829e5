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
import { setTimeout as sleep } from 'node:timers/promises';
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../errors/index.js';
import type { Catalog } from '../catalog/catalog.js';
import type { CursorCodec } from '../catalog/cursor.js';
import type { RequestContext } from './context.js';
import { InflightRequests } from './inflight.js';
import { decodeParams, type Params } from './params.js';
import { ROUTES } from './routes.js';
import type { BackendDirectory, EngineServices, Forward } from './services.js';
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

  constructor(options: EngineOptions) {
    this.catalog = options.catalog;
    this.cursorCodec = options.cursorCodec;
    this.pageSize = options.pageSize;
    this.backends = options.backends;
    this.admissions = options.admissions ?? [];
    this.observers = options.observers ?? [];
    this.subscriptions = new Subscriptions({ backendFor: (server, session) => options.backends.acquire(server, session) });
  }

  /** Whether the engine serves this method (fronts answer -32601 for the rest themselves). */
  serves(method: string): boolean {
    return ROUTES[method] !== undefined;
  }

  /** Serve one client request: stages 1-5. Throws errors for the front to put on the wire. */
  async handle(ctx: RequestContext, rawParams: unknown): Promise<Result> {
    const route = ROUTES[ctx.method];
    if (!route) throw new SwitchboardError('SB_METHOD_NOT_FOUND', `Method not found: ${ctx.method}`);
    const params = decodeParams(ctx.method, rawParams);
    const plan = await route(this, ctx, params);
    if ('answer' in plan) return plan.answer;
    return this.forward(ctx, plan);
  }

  async forward(ctx: RequestContext, plan: Forward): Promise<Result> {
    if (this.admissions.length === 0) return this.send(ctx, plan);
    const admitted = await this.admit(ctx, plan);
    if (admitted.length === 0) return this.send(ctx, plan);
    try {
      return await this.send(ctx, plan);
    } finally {
      for (const release of admitted) release();
    }
  }

  /** Stage 3: every admission in order; if one refuses, the slots the earlier ones gave are returned. */
  private async admit(ctx: RequestContext, plan: Forward): Promise<Array<() => void>> {
    const releases: Array<() => void> = [];
    try {
      for (const admit of this.admissions) {
        let result = admit(ctx, plan);
        if (result instanceof Promise) result = await result;
        if (result) releases.push(result);
      }
    } catch (err) {
      for (const release of releases) release();
      throw err;
    }
    return releases;
  }

  private async send(ctx: RequestContext, plan: Forward): Promise<Result> {
    const { backend, release } = await this.backends.acquire(plan.server, ctx.session);
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
    let result: Result;
    const done = this.observers.length ? this.observe(ctx, plan) : undefined;
    try {
      plan.onSent?.();
      const params = plan.meta ? withMeta(plan.params, plan.meta) : plan.params;
      result = await backend.request(plan.method, token === undefined ? params : withoutProgressToken(params), { signal: ctx.signal, onprogress });
      done?.(undefined, result);
    } catch (err) {
      done?.(err);
      throw err;
    } finally {
      releaseInflight();
      release();
    }
    // SDK clients handle a notification a microtask after a response parsed from the same read, and
    // drop progress whose request is already answered. A backend's last progress often arrives in one
    // chunk with its result; give the client a moment to read the progress on its own.
    if (lastRelay > 0) {
      const gap = PROGRESS_SETTLE_MS - (performance.now() - lastRelay);
      if (gap > 0) await sleep(gap);
    }
    return plan.map ? plan.map(result) : result;
  }

  private observe(ctx: RequestContext, plan: Forward): ForwardEnd {
    const ends = this.observers.flatMap((o) => o.start(ctx, plan) ?? []);
    return (error, result) => {
      for (const end of ends) end(error, result);
    };
  }

  callTool(ctx: RequestContext, name: string, args: Params | undefined): Promise<Result> {
    return this.handle({ ...ctx, method: 'tools/call' }, args === undefined ? { name } : { name, arguments: args });
  }
}

/** How long a result waits after the progress relayed just before it (only then). */
const PROGRESS_SETTLE_MS = 5;

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
