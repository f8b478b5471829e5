/**
 * The router: backends in, one catalog, any number of front sessions out. It owns their lifecycles
 * and relays what crosses between them (list changes, logs, resource updates, server->client requests).
 * Transports are injected: the CLI attaches stdio or HTTP fronts; tests attach in-memory pairs.
 */
import { randomBytes } from 'node:crypto';
import type { JSONRPCRequest, Result, Transport } from '@modelcontextprotocol/server';
import { Backend, SHARED_CLIENT_CAPABILITIES } from './backends/backend.js';
import type { ListKind } from './backends/lists.js';
import type { TransportFactory } from './backends/transport-factory.js';
import { passthroughResult } from './backends/passthrough.js';
import { Catalog } from './catalog/catalog.js';
import { CursorCodec } from './catalog/cursor.js';
import type { RouterConfig, ServerConfig } from './config/types.js';
import { SessionBackends } from './backends/session-backends.js';
import { SwitchboardError, shuttingDown } from './errors/index.js';
import type { Logger } from './log.js';
import { InflightRequests } from './front/inflight.js';
import { mostVerbose } from './front/log-levels.js';
import { FrontSession } from './front/session.js';
import { Subscriptions } from './front/subscriptions.js';
import { FullView, type CatalogView } from './front/view.js';
import { VERSION } from './version.js';
import { publicTaskId } from './front/tasks.js';
import { FastPath } from './front/fast-path.js';
import { StdioFrontTransport } from './transports/stdio-front.js';
import { StreamableHttpServerTransport } from './transports/streamable-http-transport.js';
import { SseServerTransport } from './transports/sse-server.js';
import { WebSocketTransport } from './transports/ws-transport.js';

export interface RouterOptions {
  log: Logger;
  transportFactory?: TransportFactory;
  retryDelaysMs?: number[];
  relistDebounceMs?: number;
  /**
   * How long a list request waits for backends still on their first start. Clients that ignore
   * list_changed (many do) would otherwise keep an empty list from the first second forever.
   */
  firstListWaitMs?: number;
  /** Idle time after which a session's own connection to an `isolation: session` server is closed. */
  isolatedIdleMs?: number;
}

const DEFAULT_ISOLATED_IDLE_MS = 10 * 60_000;

const FAST_PATH_TRANSPORTS = [StdioFrontTransport, StreamableHttpServerTransport, SseServerTransport, WebSocketTransport];

/** Which client capability a server->client request needs. */
const REQUIRED_CAPABILITY: Record<string, 'sampling' | 'elicitation' | 'roots' | undefined> = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
};

export class Router {
  readonly catalog: Catalog;
  readonly inflight = new InflightRequests();
  readonly subscriptions: Subscriptions;
  readonly cursorCodec = new CursorCodec(randomBytes(32));
  /** Public task id -> the session that created the task (status notifications go only there). */
  readonly taskOwners = new Map<string, FrontSession>();
  /** URL-mode elicitation id -> the session asked (its completion notification goes only there). */
  private readonly elicitationOwners = new Map<string, FrontSession>();
  private readonly backends = new Map<string, Backend>();
  private readonly sessions = new Set<FrontSession>();
  private readonly log: Logger;
  private readonly backendLevels = new Map<string, string>();
  private closed = false;
  private started?: Promise<void>;
  private startDone = false;
  private readonly isolated: SessionBackends<FrontSession>;
  private readonly fastPath = new FastPath(this);

  constructor(
    readonly config: RouterConfig,
    private readonly options: RouterOptions,
  ) {
    this.log = options.log;
    const enabled = config.servers.filter((s) => s.enabled);
    this.catalog = new Catalog(config.separator, enabled.map((s) => ({ name: s.name, prefix: s.prefix })));
    this.subscriptions = new Subscriptions({ backendFor: (server, session) => this.backendFor(server, session) });
    // Every server gets one shared connection. For `isolation: session` servers it only lists (it
    // feeds the catalog before any client arrives); calls go to each session's own connection.
    for (const server of enabled) {
      this.backends.set(
        server.name,
        new Backend(server, {
          log: this.log,
          transportFactory: options.transportFactory,
          clientCapabilities: SHARED_CLIENT_CAPABILITIES,
          clientInfo: { name: 'mcp-switchboard', version: VERSION },
          retryDelaysMs: options.retryDelaysMs,
          relistDebounceMs: options.relistDebounceMs,
          hooks: {
            onListsChanged: (backend, kinds) => this.onListsChanged(backend, kinds),
            onNotification: (backend, method, params) => this.onBackendNotification(backend, method, params),
            onServerRequest: (backend, request, signal) =>
              server.isolation === 'session' ? this.refuseListingRequest(backend, request) : this.onServerRequest(backend, request, signal),
            onStateChange: (backend) => this.onBackendState(backend),
            onRawResponse: (_backend, message) => this.fastPath.onResponse(message),
          },
        }),
      );
    }
    this.isolated = new SessionBackends((session, server) => this.createSessionBackend(session, server), options.isolatedIdleMs ?? DEFAULT_ISOLATED_IDLE_MS);
  }

  private createSessionBackend(session: FrontSession, server: ServerConfig): Backend {
    const caps = session.clientCapabilities ?? {};
    return new Backend(server, {
      log: this.log.child({ session: session.id.slice(0, 8) }),
      transportFactory: this.options.transportFactory,
      // Exactly what this session's client declared: the server sees the client it really serves.
      clientCapabilities: { ...(caps.sampling && { sampling: caps.sampling }), ...(caps.elicitation && { elicitation: caps.elicitation }), ...(caps.roots && { roots: caps.roots }) },
      clientInfo: { name: 'mcp-switchboard', version: VERSION },
      // A session's connection that fails is reported to the caller; the session can retry.
      retryDelaysMs: [60_000],
      relistDebounceMs: this.options.relistDebounceMs,
      hooks: {
        onNotification: (backend, method, params) => this.onSessionNotification(session, backend, method, params ?? {}),
        onServerRequest: (backend, request, signal) => this.forwardToSession(session, backend, request, signal),
        onStateChange: (backend) => {
          if (backend.state !== 'ready') return;
          void this.subscriptions.resubscribe(backend);
          this.applySessionLogLevel(session, backend);
        },
      },
    });
  }

  /**
   * The connection a session's request to `server` goes over: the shared one, or for an
   * `isolation: session` server the session's own. Call release() when the request is done.
   */
  async backendFor(server: string, session: FrontSession): Promise<{ backend: Backend; release: () => void }> {
    const shared = this.backend(server);
    if (shared.config.isolation !== 'session') return { backend: shared, release: () => undefined };
    return this.isolated.acquire(session, shared.config);
  }

  /** How many session-owned connections are open (for tests and the summary). */
  isolatedCount(): number {
    return this.isolated.count();
  }

  private refuseListingRequest(backend: Backend, request: JSONRPCRequest): Promise<Result> {
    this.log.debug({ backend: backend.name, method: request.method }, 'refused a server request on the listing connection of an isolated server');
    return Promise.reject(
      new SwitchboardError('SB_AMBIGUOUS_OWNER', `${request.method} is answered only on a client's own connection to "${backend.name}"`),
    );
  }

  /** Notifications from a session's own connection belong to that session alone. */
  private onSessionNotification(session: FrontSession, backend: Backend, method: string, params: Record<string, unknown>): void {
    if (method === 'notifications/message') session.relayLog(backend.name, params);
    else if (method === 'notifications/resources/updated' && typeof params.uri === 'string') this.subscriptions.updated(backend, params.uri, params);
    else session.notify(method, this.publicNotificationParams(backend.name, method, params));
  }

  /** Start every backend in parallel. Resolves when each has come up or failed once; never rejects. */
  start(): Promise<void> {
    this.started ??= Promise.all([...this.backends.values()].map((b) => b.start())).then(() => {
      this.startDone = true;
    });
    return this.started;
  }

  /** Whether every backend has finished its first start (up or failed). */
  isStarted(): boolean {
    return this.startDone;
  }

  /** Resolves when every backend has finished its first start, or after firstListWaitMs. */
  async settled(): Promise<void> {
    const wait = this.options.firstListWaitMs ?? 0;
    if (!this.started || this.startDone || wait <= 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.started, new Promise((r) => (timer = setTimeout(r, wait)))]);
    clearTimeout(timer);
  }

  allBackends(): Backend[] {
    return [...this.backends.values()];
  }

  /** The shared connection to a server, or undefined if there is no such server. */
  maybeBackend(name: string): Backend | undefined {
    return this.backends.get(name);
  }

  backend(name: string): Backend {
    const backend = this.backends.get(name);
    if (!backend) throw new SwitchboardError('SB_BACKEND_UNAVAILABLE', `no server named "${name}" in the config`);
    return backend;
  }

  fullView(): CatalogView {
    return new FullView(this.catalog, this.cursorCodec, this.config.pageSize);
  }

  /** Attach a front transport: one client, one session. */
  async connect(transport: Transport, view: CatalogView = this.fullView()): Promise<FrontSession> {
    if (this.closed) throw shuttingDown('the router');
    const session = new FrontSession(this, { log: this.log, view, instructions: this.instructions(view) });
    this.sessions.add(session);
    session.onClose(() => {
      this.sessions.delete(session);
      this.subscriptions.dropSession(session);
      this.fastPath.dropSession(session);
      for (const [id, owner] of this.taskOwners) if (owner === session) this.taskOwners.delete(id);
      for (const [id, owner] of this.elicitationOwners) if (owner === session) this.elicitationOwners.delete(id);
      void this.isolated.closeSession(session);
      this.onLogLevelChanged();
    });
    await session.connect(transport);
    // Plain tools/call skips the SDK Server/Client pair on our own front transports (see
    // front/fast-path.ts): each routes a response by its id and related messages by relatedRequestId
    // (or has one stream per session, where both are trivially right).
    if (FAST_PATH_TRANSPORTS.some((kind) => transport instanceof kind)) this.fastPath.attach(session, transport);
    return session;
  }

  /** Fast-path calls of a session in flight (they bypass the session's own request count). */
  fastPathPending(session: FrontSession): number {
    return this.fastPath.pendingFor(session);
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Backends' own instructions, each under its server's name, so a model knows whose advice it reads.
   * Only the servers the session's view draws on: a workspace is a boundary for what it says, too.
   */
  private instructions(view: CatalogView): string | undefined {
    const parts: string[] = [];
    for (const backend of this.backends.values()) {
      if (view.includesServer?.(backend.name) === false) continue;
      const text = backend.instructions;
      const naming = backend.config.prefix === '' ? 'tools keep their own names' : `tools prefixed "${backend.config.prefix}${this.config.separator}"`;
      if (text) parts.push(`## ${backend.name} (${naming})\n${text}`);
    }
    return parts.length ? parts.join('\n\n') : undefined;
  }

  private onListsChanged(backend: Backend, kinds: ListKind[]): void {
    const lists = Object.fromEntries(kinds.map((k) => [k, backend.lists[k]]));
    const changed = this.catalog.setLists(backend.name, lists);
    if (changed.length === 0) return;
    this.log.debug({ backend: backend.name, changed }, 'catalog changed');
    for (const session of this.sessions) session.onCatalogChanged(changed);
  }

  private onBackendState(backend: Backend): void {
    if (backend.state === 'ready') {
      this.log.info({ backend: backend.name, transport: backend.transportKind, tools: backend.toolCount }, 'backend up');
      void this.subscriptions.resubscribe(backend);
      void this.applyLogLevel(backend);
    } else if (backend.state === 'down') {
      this.fastPath.failBackend(backend);
      this.backendLevels.delete(backend.name);
      this.log.warn({ backend: backend.name, reason: backend.lastError }, 'backend down');
    }
  }

  private onBackendNotification(backend: Backend, method: string, params: Record<string, unknown> | undefined): void {
    const p = params ?? {};
    if (method === 'notifications/message') {
      for (const session of this.sessions) session.relayLog(backend.name, p);
    } else if (method === 'notifications/resources/updated' && typeof p.uri === 'string') {
      this.subscriptions.updated(backend, p.uri, p);
    } else {
      // Anything else belongs to one session: the task's or elicitation's owner when known, else the
      // one session talking to that backend. Never broadcast: another client must not see it.
      const owner = this.notificationOwner(backend.name, method, p);
      if (owner) owner.notify(method, this.publicNotificationParams(backend.name, method, p));
      else this.log.debug({ backend: backend.name, method }, 'dropped a notification with no certain owner');
    }
  }

  private notificationOwner(server: string, method: string, params: Record<string, unknown>): FrontSession | undefined {
    if (method === 'notifications/tasks/status' && typeof params.taskId === 'string') {
      const owner = this.taskOwners.get(publicTaskId(this, server, params.taskId));
      if (owner) return owner;
    }
    if (method === 'notifications/elicitation/complete' && typeof params.elicitationId === 'string') {
      const owner = this.elicitationOwners.get(params.elicitationId);
      if (owner) {
        this.elicitationOwners.delete(params.elicitationId);
        return owner;
      }
    }
    const owners = this.inflight.owners(server);
    if (owners.length === 1) return owners[0]!.session;
    return this.sessions.size === 1 ? [...this.sessions][0] : undefined;
  }

  /** Backend-specific ids inside a notification, made public. */
  private publicNotificationParams(server: string, method: string, params: Record<string, unknown>): Record<string, unknown> {
    if (method === 'notifications/tasks/status' && typeof params.taskId === 'string') return { ...params, taskId: publicTaskId(this, server, params.taskId) };
    return params;
  }

  /** URL-mode elicitations complete later, by notification: remember who was asked. */
  private trackElicitation(session: FrontSession, request: JSONRPCRequest): void {
    const params = request.params as { mode?: unknown; elicitationId?: unknown } | undefined;
    if (request.method === 'elicitation/create' && params?.mode === 'url' && typeof params.elicitationId === 'string') {
      this.elicitationOwners.set(params.elicitationId, session);
    }
  }

  /**
   * A backend asks a client for sampling, elicitation or roots. It goes to the one session with a
   * request in flight at that backend, on that request's stream; never to a guess.
   */
  private async onServerRequest(backend: Backend, request: JSONRPCRequest, signal: AbortSignal): Promise<Result> {
    const owners = this.inflight.owners(backend.name);
    const [only] = this.sessions;
    if (owners.length === 0 && this.sessions.size === 1 && only!.isInitialized) {
      // One client connected (the stdio front, or a lone HTTP client): it is the owner for certain.
      // Before it finished initializing its capabilities are unknown, so it cannot be asked yet.
      return this.forwardToSession(only!, backend, request, signal);
    }
    if (owners.length !== 1) {
      const why = owners.length === 0 ? 'no client request is in flight at this server' : `${owners.length} clients have requests in flight at this server, so the one who asked cannot be known`;
      // Servers often ask for roots right after start, before any client is there: that is routine.
      const level = owners.length === 0 ? 'debug' : 'warn';
      this.log[level]({ backend: backend.name, method: request.method }, `refused ${request.method}: ${why}; set servers.${backend.name}.isolation: session to give each client its own connection`);
      throw new SwitchboardError('SB_AMBIGUOUS_OWNER', `mcp-switchboard cannot route ${request.method} from "${backend.name}": ${why}. Set servers.${backend.name}.isolation: session in router.yaml.`);
    }
    return this.forwardToSession(owners[0]!.session, backend, request, signal);
  }

  /**
   * Ask one session's client on a backend's behalf: on the stream of that session's request in flight
   * at this backend when there is one (Streamable HTTP carries it there), else on the session itself.
   */
  private forwardToSession(session: FrontSession, backend: Backend, request: JSONRPCRequest, signal: AbortSignal): Promise<Result> {
    this.assertCapability(session, backend, request.method);
    const req = { method: request.method, params: request.params } as never;
    this.trackElicitation(session, request);
    const owner = this.inflight.owners(backend.name).find((o) => o.session === session);
    if (owner) return owner.ctx.send(req, passthroughResult, { signal: AbortSignal.any([signal, owner.ctx.signal]) });
    return session.server.request(req, passthroughResult, { signal });
  }

  private assertCapability(session: FrontSession, backend: Backend, method: string): void {
    const needed = REQUIRED_CAPABILITY[method];
    if (needed && !session.clientCapabilities?.[needed]) {
      throw new SwitchboardError('SB_CAPABILITY_MISSING', `the client "${session.clientName ?? 'unknown'}" did not declare the ${needed} capability, so ${method} from "${backend.name}" cannot be answered`);
    }
  }

  /** A client's roots changed (or a client with roots arrived): backends that may ask should re-ask. */
  onRootsChanged(session?: FrontSession): void {
    for (const backend of this.backends.values()) void backend.notify('notifications/roots/list_changed');
    if (session) for (const own of this.isolated.of(session)) void own.notify('notifications/roots/list_changed');
  }

  /** A shared backend runs at the most verbose level any session asked for; each session filters. */
  onLogLevelChanged(session?: FrontSession): void {
    for (const backend of this.backends.values()) void this.applyLogLevel(backend);
    if (session) for (const own of this.isolated.of(session)) this.applySessionLogLevel(session, own);
  }

  /** A session's own connection runs at exactly that session's level. */
  private applySessionLogLevel(session: FrontSession, own: Backend): void {
    if (!session.logLevel || own.state !== 'ready' || !own.capabilities?.logging) return;
    void own.request('logging/setLevel', { level: session.logLevel }).catch(() => undefined);
  }

  private async applyLogLevel(backend: Backend): Promise<void> {
    if (backend.state !== 'ready' || !backend.capabilities?.logging) return;
    const level = mostVerbose([...this.sessions].flatMap((s) => (s.logLevel ? [s.logLevel] : [])));
    if (!level || this.backendLevels.get(backend.name) === level) return;
    this.backendLevels.set(backend.name, level);
    await backend.request('logging/setLevel', { level }).catch((err) => this.log.debug({ err: String(err), backend: backend.name }, 'logging/setLevel failed'));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.fastPath.close();
    await Promise.all([...this.sessions].map((s) => s.close()));
    await this.isolated.close();
    await Promise.all([...this.backends.values()].map((b) => b.close()));
  }
}
