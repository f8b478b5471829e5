/**
 * The router's side of a 2026-07-28 request, whatever front it came through (Streamable HTTP without
 * a session, or a stdio connection that never initialized). Each request is served on its own: its
 * envelope says who the client is, the endpoint says which view it sees, and the engine's pipeline
 * does the rest exactly as for a 2025 session. What this era does differently is handled here:
 * server/discover, subscriptions/listen, cache fields on results, and MRTR for backends of the 2025
 * era that ask the client something mid-call.
 */
import type { RequestId, Result } from '@modelcontextprotocol/server';
import type { ListKind } from '../../backends/lists.js';
import type { CatalogView } from '../../catalog/view.js';
import { SwitchboardError } from '../../errors/index.js';
import type { ProgressToken, RequestContext } from '../../engine/context.js';
import type { Engine } from '../../engine/engine.js';
import { HeldCalls, type HeldCallsOptions } from '../../engine/mrtr/held-calls.js';
import { MODERN_PROTOCOL_VERSION } from '../../rpc/protocol-version.js';
import { invalidParams } from '../../engine/params.js';
import { CACHEABLE_METHODS, hintOf, mergeCacheHints } from './cache-fields.js';
import { contributorHints } from './list-cache-hints.js';
import { discoverResult } from './discover.js';
import { readEnvelope, withoutEnvelope, type Envelope } from './envelope.js';
import { ListenerRegistry, ListenStream, readFilter } from './listeners.js';
import { StatelessSession, type RequestSink } from './stateless-session.js';
import type { Principal } from '../../util/principal.js';
import { signalOf, type Cancellation } from '../../rpc/cancellation.js';

export type { HeldCallsOptions };

/** Methods of the 2025 era only: a modern client gets -32601 and what to use instead. */
const LEGACY_ONLY: Record<string, string> = {
  initialize: 'send server/discover, then requests carrying the _meta envelope',
  ping: 'no replacement is needed: every request stands alone',
  'logging/setLevel': 'put the level in each request\'s _meta["io.modelcontextprotocol/logLevel"]',
  'resources/subscribe': 'use subscriptions/listen with notifications.resourceSubscriptions',
  'resources/unsubscribe': 'close the subscriptions/listen request',
  'tasks/get': 'tasks are an extension in 2026-07-28; this router offers them to 2025-era sessions only',
  'tasks/result': 'tasks are an extension in 2026-07-28; this router offers them to 2025-era sessions only',
  'tasks/list': 'tasks are an extension in 2026-07-28; this router offers them to 2025-era sessions only',
  'tasks/cancel': 'tasks are an extension in 2026-07-28; this router offers them to 2025-era sessions only',
};

/** Requests whose result may be input_required (the spec's retry channel). */
const MRTR_METHODS = new Set(['tools/call', 'prompts/get', 'resources/read']);

/**
 * What the dispatcher needs of the router; read at request time (the router builds it first). The
 * engine's backend directory also says what each backend's lists came with for caching.
 */
export interface ModernHost {
  readonly engine: Engine;
  instructions(view: CatalogView): string | undefined;
}

export interface ModernRequest {
  id: RequestId;
  method: string;
  params?: unknown;
}

export interface DispatchOptions {
  view: CatalogView;
  /** Who the request's access token proved to be (HTTP with listen.auth). */
  principal?: Principal;
  sink: RequestSink;
  /** Cancelled when the client cancels or its stream goes away (callbacks: no AbortSignal per request). */
  cancellation: Cancellation;
}

export class ModernDispatcher {
  /** Legacy calls held open between MRTR rounds. */
  readonly heldCalls: HeldCalls;
  /** Open subscriptions/listen requests: the router's list-change fan-out reaches them here. */
  readonly listeners = new ListenerRegistry();

  constructor(
    private readonly host: ModernHost,
    options: HeldCallsOptions = {},
  ) {
    this.heldCalls = new HeldCalls(options);
  }

  private readonly listWatchers = new Set<(kinds: readonly ListKind[]) => void>();

  /** The catalog changed: listeners hear what changed in their view. */
  listsChanged(kinds: readonly ListKind[]): void {
    this.listeners.listsChanged(kinds);
    for (const watcher of this.listWatchers) watcher(kinds);
  }

  /** Told of every list change this router saw itself (a cluster passes them on to the other replicas). */
  watchListChanges(watcher: (kinds: readonly ListKind[]) => void): () => void {
    this.listWatchers.add(watcher);
    return () => this.listWatchers.delete(watcher);
  }

  /** A list change another replica saw: every listener whose filter asks for that list hears it. */
  remoteListsChanged(kinds: readonly ListKind[]): void {
    this.listeners.remoteListsChanged(kinds);
  }

  /** Held calls are cancelled at their backends; listeners get their graceful result. */
  close(): void {
    this.heldCalls.close();
    this.listeners.closeAll();
  }

  /** Why this method cannot be served in this era (HTTP answers it 404 before any work), if it cannot. */
  refusal(method: string): SwitchboardError | undefined {
    if (method === 'server/discover' || method === 'subscriptions/listen') return undefined;
    const instead = LEGACY_ONLY[method];
    if (instead) return new SwitchboardError('SB_METHOD_NOT_FOUND', `Method not found: ${method} is not part of protocol ${MODERN_PROTOCOL_VERSION}; ${instead}`);
    if (!this.host.engine.serves(method)) return new SwitchboardError('SB_METHOD_NOT_FOUND', `Method not found: ${method}`);
    return undefined;
  }

  // Promise chains, not async functions: a plain call should cost a 2026 client what it costs a
  // 2025 session, and every await is another hop through the microtask queue.
  dispatch(request: ModernRequest, opts: DispatchOptions): Promise<Result> {
    let served: Promise<Result> | Result;
    try {
      served = this.serve(request, opts);
    } catch (err) {
      return Promise.reject(err);
    }
    return served instanceof Promise ? served.then(complete) : Promise.resolve(complete(served));
  }

  private serve(request: ModernRequest, opts: DispatchOptions): Promise<Result> | Result {
    const { method } = request;
    const envelope = readEnvelope(method, request.params);
    if (method === 'server/discover') return discoverResult(this.host.instructions(opts.view));
    if (method === 'subscriptions/listen') return this.listen(request, envelope, opts);
    const refused = this.refusal(method);
    if (refused) throw refused;
    const raw = request.params as Record<string, unknown> | undefined;
    const params = withoutEnvelope(raw);
    const token = progressTokenOf(raw);
    let pending: Promise<Result>;
    if (MRTR_METHODS.has(method)) {
      checkInputResponses(method, raw);
      const round = { method, params: raw, cancellation: opts.cancellation, sink: retokened(opts.sink, token) };
      // A held call's state resumes it. Anything else starts a call: a 2026 backend gets the client's
      // inputResponses and its own requestState back (the engine opens the router's seal), a 2025
      // backend a fresh call; a state nobody here issued is refused by the engine.
      pending = this.heldCalls.issued(raw?.requestState)
        ? this.heldCalls.resume(round)
        : this.heldCalls.begin(round, (call) => {
            const session = new StatelessSession(opts.view, envelope, call, (server, input, signal) => call.ask(server, input, signal), opts.principal);
            return this.host.engine.handle(this.context(session, request, call.cancellation, token), params);
          });
    } else {
      const session = new StatelessSession(opts.view, envelope, opts.sink, undefined, opts.principal);
      pending = this.host.engine.handle(this.context(session, request, opts.cancellation, token), params);
    }
    if (!CACHEABLE_METHODS.has(method)) return pending;
    return pending.then((result) => ((result as { resultType?: unknown }).resultType === 'input_required' ? result : this.withCacheFields(method, result, opts.view)));
  }

  /** The forward stage uses `cancellation`; a real AbortSignal is made only if something asks for one. */
  private context(session: StatelessSession | ListenStream, request: ModernRequest, cancellation: Cancellation, token: ProgressToken | undefined): RequestContext {
    const ctx = {
      session,
      id: request.id,
      method: request.method,
      cancellation,
      get signal(): AbortSignal {
        return signalOf(cancellation);
      },
      era: '2026-07-28' as const,
    };
    return token === undefined ? ctx : Object.assign(ctx, { progressToken: token });
  }

  /**
   * A listener: acknowledged first, then list changes and resource updates until the client closes
   * it (or the router shuts down, which answers it). Resource subscriptions go through the engine's
   * resources/subscribe route, so the workspace boundary and URI mapping apply as for any request.
   */
  private async listen(request: ModernRequest, envelope: Envelope, opts: DispatchOptions): Promise<Result> {
    const filter = readFilter(request.params as Record<string, unknown> | undefined);
    const stream = new ListenStream(request.id, opts.view, filter, envelope, opts.sink, opts.principal);
    const engine = this.host.engine;
    const remove = this.listeners.add(stream);
    try {
      for (const uri of filter.resourceSubscriptions ?? []) {
        await engine.handle(Object.create(this.context(stream, request, opts.cancellation, undefined), { method: { value: 'resources/subscribe', enumerable: true } }) as RequestContext, { uri });
      }
      stream.acknowledge();
      await new Promise<void>((resolve) => {
        opts.cancellation.onCancel(() => resolve());
        void stream.done.then(resolve);
      });
      return stream.result();
    } finally {
      remove();
      engine.subscriptions.dropSession(stream);
    }
  }

  /** A read is one backend's answer and keeps its hint; a list is as cacheable as its least cacheable part. */
  private withCacheFields(method: string, result: Result, view: CatalogView): Result {
    const hints = method === 'resources/read' ? [hintOf(result)] : contributorHints(this.host.engine.backends.all(), method, view);
    return { ...result, ...mergeCacheHints(hints) };
  }
}

/** 2026-07-28 results say what they are; a missing resultType is an error for a client of this era. */
function complete(result: Result): Result {
  return (result as { resultType?: unknown }).resultType === undefined ? { resultType: 'complete', ...result } : result;
}

/** inputResponses, when sent, map keys to result objects: anything else is refused before any work. */
function checkInputResponses(method: string, params: Record<string, unknown> | undefined): void {
  if (!params || !('inputResponses' in params)) return;
  const responses = params.inputResponses;
  const isObject = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isObject(responses)) throw invalidParams(`${method}: params.inputResponses must be an object mapping each inputRequests key to its result`);
  for (const [key, value] of Object.entries(responses as Record<string, unknown>)) {
    if (!isObject(value)) throw invalidParams(`${method}: params.inputResponses["${key}"] must be a result object (an elicitation, sampling or roots result)`);
  }
}

function progressTokenOf(params: Record<string, unknown> | undefined): ProgressToken | undefined {
  const token = (params?._meta as { progressToken?: unknown } | undefined)?.progressToken;
  return typeof token === 'string' || typeof token === 'number' ? token : undefined;
}

/**
 * A held call's progress carries the token of the request that started it; each retry may bring its
 * own, and the client only knows the one of the request it is waiting on now.
 */
function retokened(sink: RequestSink, token: ProgressToken | undefined): RequestSink {
  if (token === undefined) return sink;
  return {
    notify: (method, params) => {
      if (method !== 'notifications/progress') return sink.notify(method, params);
      sink.notify(method, { ...params, progressToken: token });
    },
  };
}
