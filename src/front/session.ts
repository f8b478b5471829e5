/**
 * One front session: the SDK Server a single client talks to, plus that client's own state (log
 * level, subscriptions, in-flight requests, what it has been told about list changes).
 *
 * Requests are dispatched from the Server's fallbackRequestHandler to HANDLERS with raw params, so a
 * backend's result travels back without a zod round trip that would strip fields it does not know.
 */
import { randomUUID } from 'node:crypto';
import { Server, type ClientCapabilities, type JSONRPCRequest, type LoggingLevel, type Result, type ServerContext, type Transport } from '@modelcontextprotocol/server';
import type { ListKind } from '../backends/lists.js';
import { JsonRpcCode, SwitchboardError, toSdkError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { HANDLERS, type Params } from './handlers.js';
import { TASK_HANDLERS, publishTask } from './tasks.js';
import type { CatalogView } from './view.js';
import { FRONT_CAPABILITIES, SERVER_INFO } from './capabilities.js';
import type { Router } from '../router.js';
import { logLevelAllows } from './log-levels.js';

/** What a forwarded request needs from the front request that caused it. */
export interface ForwardContext {
  signal: AbortSignal;
  progressToken?: string | number;
  notify: ServerContext['mcpReq']['notify'];
  send: ServerContext['mcpReq']['send'];
}

/** A client that does not answer roots/list soon keeps the default workspace; no need to wait a minute. */
const ROOTS_TIMEOUT_MS = 10_000;

export interface FrontSessionOptions {
  log: Logger;
  view: CatalogView;
  instructions?: string;
}

export class FrontSession {
  readonly id = randomUUID();
  readonly server: Server;
  view: CatalogView;
  logLevel?: LoggingLevel;
  /** Versions of each list this client has seen or been told about; a change notifies once. */
  private readonly known = new Map<ListKind, string>();
  private initialized = false;
  private active = 0;
  /** Sequence of roots/list requests: only the newest answer may switch the view. */
  private rootsAsked = 0;
  private closed = false;
  private readonly log: Logger;
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    readonly router: Router,
    options: FrontSessionOptions,
  ) {
    this.view = options.view;
    this.log = options.log.child({ session: this.id.slice(0, 8) });
    this.server = new Server(SERVER_INFO, { capabilities: FRONT_CAPABILITIES, instructions: options.instructions });
    this.server.fallbackRequestHandler = (request, ctx) => this.dispatch(request, ctx);
    // The SDK answers logging/setLevel itself; we need the level per session and fanned out to backends.
    this.server.setRequestHandler('logging/setLevel', async (request) => {
      this.logLevel = request.params.level;
      this.router.onLogLevelChanged(this);
      return {};
    });
    this.server.fallbackNotificationHandler = async (notification) => {
      if (notification.method === 'notifications/roots/list_changed') {
        this.router.onRootsChanged(this);
        void this.chooseViewByRoots();
      }
    };
    this.server.oninitialized = () => {
      this.initialized = true;
      if (this.clientCapabilities?.roots) this.router.onRootsChanged(this);
      for (const kind of ['tools', 'prompts', 'resources', 'resourceTemplates'] as const) this.known.set(kind, this.view.version(kind));
      void this.chooseViewByRoots();
    };
  }

  /**
   * When no workspace was chosen explicitly, the client's roots may choose one: ask for them (after
   * initialization, and again on roots/list_changed) and switch views, telling the client which
   * lists changed. A client that fails roots/list keeps the view it has; a newer answer wins.
   */
  private async chooseViewByRoots(): Promise<void> {
    if (!this.view.selectByRoots || !this.clientCapabilities?.roots) return;
    const asked = ++this.rootsAsked;
    let uris: string[];
    try {
      uris = (await this.server.listRoots(undefined, { timeout: ROOTS_TIMEOUT_MS })).roots.map((r) => r.uri);
    } catch (err) {
      this.log.debug({ err: String(err) }, 'roots/list failed; keeping the current workspace');
      return;
    }
    if (asked !== this.rootsAsked || this.closed) return;
    const next = this.view.selectByRoots?.(uris);
    if (!next) return;
    this.view = next;
    this.onCatalogChanged(['tools', 'prompts', 'resources', 'resourceTemplates']);
  }

  get isInitialized(): boolean {
    return this.initialized && !this.closed;
  }

  get clientCapabilities(): ClientCapabilities | undefined {
    return this.server.getClientCapabilities();
  }

  get clientName(): string | undefined {
    return this.server.getClientVersion()?.name;
  }

  async connect(transport: Transport): Promise<void> {
    await this.server.connect(transport);
    // connect() replaces transport.onclose; chain ours after the SDK's.
    const sdkOnClose = transport.onclose;
    transport.onclose = () => {
      sdkOnClose?.();
      void this.close();
    };
  }

  /** Requests being answered right now: an idle reaper must never close a session mid-request. */
  get activeRequests(): number {
    return this.active + this.router.fastPathPending(this);
  }

  private async dispatch(request: JSONRPCRequest, ctx: ServerContext): Promise<Result> {
    const handler = HANDLERS[request.method] ?? TASK_HANDLERS[request.method];
    if (!handler) throw toSdkError(new SwitchboardError('SB_METHOD_NOT_FOUND', `Method not found: ${request.method}`));
    const params = (request.params ?? {}) as Params;
    const meta = params._meta as { progressToken?: string | number } | undefined;
    this.active++;
    try {
      return await handler(this, params, {
        signal: ctx.mcpReq.signal,
        progressToken: meta?.progressToken,
        notify: ctx.mcpReq.notify,
        send: ctx.mcpReq.send,
      });
    } catch (err) {
      const wire = toSdkError(err);
      if (wire.code === JsonRpcCode.InternalError) this.log.warn({ err: String(err), method: request.method }, 'request failed');
      throw wire;
    } finally {
      this.active--;
    }
  }

  /**
   * Send a request to a backend on behalf of this session: progress is relayed under the client's own
   * token, cancellation follows the client's signal, and the backend may ask this session for
   * sampling, elicitation or roots while the request is in flight.
   */
  async forward(server: string, method: string, params: Params, ctx: ForwardContext): Promise<Result> {
    const { backend, release: releaseBackend } = await this.router.backendFor(server, this);
    const releaseInflight = this.router.inflight.add(server, this, ctx);
    const release = () => {
      releaseInflight();
      releaseBackend();
    };
    // Progress relays are chained and awaited before the result goes out: a result that overtakes
    // its last progress notification makes clients drop that notification as "unknown token".
    let relayed: Promise<void> | undefined;
    const onprogress =
      ctx.progressToken === undefined
        ? undefined
        : (p: { progress: number; total?: number; message?: string }) => {
            const notify = () => ctx.notify({ method: 'notifications/progress', params: { ...p, progressToken: ctx.progressToken! } }).catch(() => undefined);
            relayed = (relayed ?? Promise.resolve()).then(notify);
          };
    try {
      let result = await backend.request(method, withoutProgressToken(params), { signal: ctx.signal, onprogress });
      if (method === 'tools/call' && result.task) {
        // A task-augmented call answers with a task: publish its id and remember who owns it.
        result = { ...result, task: publishTask(this.router, server, result.task) };
        this.router.taskOwners.set((result.task as { taskId: string }).taskId, this);
      }
      if (relayed) {
        await relayed;
        // SDK clients handle notifications a microtask after responses: if both arrive in one chunk
        // the progress is dropped. One event-loop turn puts the result in a later write.
        await new Promise((resolve) => setImmediate(resolve));
      }
      return result;
    } finally {
      release();
    }
  }

  markListed(kind: ListKind): void {
    this.known.set(kind, this.view.version(kind));
  }

  /** Tell this client about list changes it can see, once per change. */
  onCatalogChanged(kinds: readonly ListKind[]): void {
    if (!this.initialized || this.closed) return;
    let resources = false;
    for (const kind of kinds) {
      const version = this.view.version(kind);
      if (this.known.get(kind) === version) continue;
      this.known.set(kind, version);
      if (kind === 'tools') void this.server.sendToolListChanged().catch(() => undefined);
      else if (kind === 'prompts') void this.server.sendPromptListChanged().catch(() => undefined);
      else resources = true;
    }
    if (resources) void this.server.sendResourceListChanged().catch(() => undefined);
  }

  /** A backend's log message, tagged with the backend's name, if this client's level lets it through. */
  relayLog(backendName: string, params: Record<string, unknown>): void {
    if (!this.initialized || this.closed) return;
    // A workspace is a boundary: logs of a backend outside it are not this client's business.
    if (this.view.includesServer && !this.view.includesServer(backendName)) return;
    const level = params.level as LoggingLevel;
    if (this.logLevel && !logLevelAllows(this.logLevel, level)) return;
    const logger = typeof params.logger === 'string' && params.logger !== backendName ? `${backendName}/${params.logger}` : backendName;
    void this.server.notification({ method: 'notifications/message', params: { ...params, logger } } as never).catch(() => undefined);
  }

  notify(method: string, params: Record<string, unknown>): void {
    if (!this.initialized || this.closed) return;
    void this.server.notification({ method, params } as never).catch(() => undefined);
  }

  /** Runs `listener` once when the session ends: client gone, DELETE, idle timeout or shutdown. */
  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.server.close().catch(() => undefined);
    for (const listener of this.closeListeners) listener();
  }
}

function withoutProgressToken(params: Params): Params {
  const meta = params._meta as Record<string, unknown> | undefined;
  if (!meta || !('progressToken' in meta)) return params;
  const { progressToken: _dropped, ...rest } = meta;
  return Object.keys(rest).length ? { ...params, _meta: rest } : omit(params, '_meta');
}

function omit(params: Params, key: string): Params {
  const { [key]: _dropped, ...rest } = params;
  return rest;
}
