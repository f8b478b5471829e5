/**
 * The composition root: backends in, one catalog, one engine, any number of front sessions out. It
 * owns their lifecycles and wires what crosses between them; the work itself is elsewhere (the
 * request pipeline in src/engine/engine.ts, backend-initiated traffic in src/engine/relay.ts).
 * Transports are attached from outside (the CLI, the bridge, tests), through connect().
 */
import { randomBytes } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/server';
import { Backend, SHARED_CLIENT_CAPABILITIES } from './backends/backend.js';
import type { ListKind } from './backends/lists.js';
import type { TransportFactory } from './backends/transport-factory.js';
import { SessionBackends } from './backends/session-backends.js';
import { Catalog } from './catalog/catalog.js';
import { CursorCodec } from './catalog/cursor.js';
import { FullView, type CatalogView } from './catalog/view.js';
import type { RouterConfig, ServerConfig } from './config/types.js';
import { Engine } from './engine/engine.js';
import type { InflightRequests } from './engine/inflight.js';
import { mostVerbose } from './engine/log-levels.js';
import { Relay } from './engine/relay.js';
import { RequestLog } from './engine/request-log.js';
import type { BackendDirectory } from './engine/services.js';
import type { Admission, ForwardObserver } from './engine/engine.js';
import { JsonRpcCode, SwitchboardError, shuttingDown } from './errors.js';
import { FrontSession, type SessionHost } from './front/session.js';
import type { Logger } from './log.js';
import { VERSION } from './version.js';

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
  /** Pipeline stage 3: limits, queues (run in order before each forward). */
  admissions?: Admission[];
  /** Watchers of every forward (metrics, recent calls, traces). */
  observers?: ForwardObserver[];
}

const DEFAULT_ISOLATED_IDLE_MS = 10 * 60_000;
const CLIENT_INFO = { name: 'mcp-switchboard', version: VERSION };

export class Router implements SessionHost {
  readonly catalog: Catalog;
  readonly cursorCodec = new CursorCodec(randomBytes(32));
  readonly engine: Engine;
  private readonly relay: Relay;
  private readonly backends = new Map<string, Backend>();
  private readonly sessions = new Set<FrontSession>();
  private readonly log: Logger;
  private readonly backendLevels = new Map<string, string>();
  private readonly isolated: SessionBackends<FrontSession>;
  private closed = false;
  private started?: Promise<void>;
  private startDone = false;

  constructor(
    readonly config: RouterConfig,
    private readonly options: RouterOptions,
  ) {
    this.log = options.log;
    const enabled = config.servers.filter((s) => s.enabled);
    this.catalog = new Catalog(config.separator, enabled.map((s) => ({ name: s.name, prefix: s.prefix })));
    this.isolated = new SessionBackends((session, server) => this.createSessionBackend(session, server), options.isolatedIdleMs ?? DEFAULT_ISOLATED_IDLE_MS);
    this.engine = new Engine({
      catalog: this.catalog,
      cursorCodec: this.cursorCodec,
      pageSize: config.pageSize,
      backends: this.directory(),
      ...(options.admissions && { admissions: options.admissions }),
      observers: [...(options.observers ?? []), ...(RequestLog.wanted(this.log) ? [new RequestLog(this.log)] : [])],
    });
    this.relay = new Relay({
      catalog: this.catalog,
      inflight: this.engine.inflight,
      subscriptions: this.engine.subscriptions,
      tasks: this.engine.tasks,
      sessions: () => this.sessions,
      log: this.log,
    });
    // Every server gets one shared connection. For `isolation: session` servers it only lists (it
    // feeds the catalog before any client arrives); calls go to each session's own connection.
    for (const server of enabled) this.backends.set(server.name, this.createSharedBackend(server));
  }

  private createSharedBackend(server: ServerConfig): Backend {
    return new Backend(server, {
      log: this.log,
      transportFactory: this.options.transportFactory,
      clientCapabilities: SHARED_CLIENT_CAPABILITIES,
      clientInfo: CLIENT_INFO,
      retryDelaysMs: this.options.retryDelaysMs,
      relistDebounceMs: this.options.relistDebounceMs,
      hooks: {
        onListsChanged: (backend, kinds) => this.onListsChanged(backend, kinds),
        onNotification: (backend, method, params) => this.relay.onSharedNotification(backend, method, params),
        onServerRequest: (backend, request, signal) =>
          server.isolation === 'session' ? this.relay.refuseListingRequest(backend, request) : this.relay.onSharedServerRequest(backend, request, signal),
        onStateChange: (backend) => this.onBackendState(backend),
      },
    });
  }

  private createSessionBackend(session: FrontSession, server: ServerConfig): Backend {
    const caps = session.clientCapabilities ?? {};
    return new Backend(server, {
      log: this.log.child({ session: session.id.slice(0, 8) }),
      transportFactory: this.options.transportFactory,
      // Exactly what this session's client declared: the server sees the client it really serves.
      clientCapabilities: { ...(caps.sampling && { sampling: caps.sampling }), ...(caps.elicitation && { elicitation: caps.elicitation }), ...(caps.roots && { roots: caps.roots }) },
      clientInfo: CLIENT_INFO,
      // A session's connection that fails is reported to the caller; the session can retry.
      retryDelaysMs: [60_000],
      relistDebounceMs: this.options.relistDebounceMs,
      hooks: {
        onNotification: (backend, method, params) => this.relay.onSessionNotification(session, backend, method, params ?? {}),
        onServerRequest: (backend, request, signal) => this.relay.forwardToSession(session, backend, request, signal),
        onStateChange: (backend) => {
          if (backend.state !== 'ready') return;
          void this.engine.subscriptions.resubscribe(backend);
          this.applySessionLogLevel(session, backend);
        },
      },
    });
  }

  /** How the engine reaches backends: the shared connection, or a session's own for isolated servers. */
  private directory(): BackendDirectory {
    return {
      acquire: async (server, session) => {
        const shared = this.backend(server);
        if (shared.config.isolation !== 'session') return { backend: shared, release: noop };
        return this.isolated.acquire(session as FrontSession, shared.config);
      },
      all: () => this.allBackends(),
      settled: () => this.settled(),
      isStarted: () => this.startDone,
    };
  }

  get inflight(): InflightRequests {
    return this.engine.inflight;
  }

  /** How many session-owned connections are open (for tests and the summary). */
  isolatedCount(): number {
    return this.isolated.count();
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
    if (!backend) throw new SwitchboardError('SB_BACKEND_UNAVAILABLE', `no server named "${name}" in the config`, { rpcCode: JsonRpcCode.BackendUnavailable });
    return backend;
  }

  fullView(): CatalogView {
    return new FullView(this.catalog, this.cursorCodec, this.config.pageSize);
  }

  /** Attach a front transport: one client, one session. */
  async connect(transport: Transport, view: CatalogView = this.fullView()): Promise<FrontSession> {
    if (this.closed) throw shuttingDown('the router');
    const session = new FrontSession(this, { log: this.log, view });
    this.sessions.add(session);
    session.onClose(() => {
      this.sessions.delete(session);
      this.engine.subscriptions.dropSession(session);
      this.engine.tasks.dropSession(session);
      this.relay.dropSession(session);
      void this.isolated.closeSession(session);
      this.onLogLevelChanged();
    });
    await session.connect(transport);
    return session;
  }

  sessionCount(): number {
    return this.sessions.size;
  }

  /**
   * Backends' own instructions, each under its server's name, so a model knows whose advice it reads.
   * Only the servers the session's view draws on: a workspace is a boundary for what it says, too.
   */
  instructions(view: CatalogView): string | undefined {
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
    for (const session of this.sessions) session.listsChanged(changed);
  }

  private onBackendState(backend: Backend): void {
    if (backend.state === 'ready') {
      this.log.info({ backend: backend.name, transport: backend.transportKind, tools: backend.toolCount }, 'backend up');
      void this.engine.subscriptions.resubscribe(backend);
      void this.applyLogLevel(backend);
    } else if (backend.state === 'down') {
      this.backendLevels.delete(backend.name);
      this.log.warn({ backend: backend.name, reason: backend.lastError }, 'backend down');
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
    await Promise.all([...this.sessions].map((s) => s.close()));
    await this.isolated.close();
    await Promise.all([...this.backends.values()].map((b) => b.close()));
  }
}

function noop(): void {}
