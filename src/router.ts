/**
 * The composition root: backends in, one catalog, one engine, any number of front sessions out. It
 * owns their lifecycles and wires what crosses between them; the work itself is elsewhere (the
 * request pipeline in src/engine/engine.ts, backend-initiated traffic in src/engine/relay.ts).
 * Transports are attached from outside (the CLI, the bridge, tests), through connect().
 */
import { randomBytes } from 'node:crypto';
import type { Transport } from '@modelcontextprotocol/server';
import { Backend, SHARED_CLIENT_CAPABILITIES } from './backends/backend.js';
import { LIST_KINDS, type ListKind } from './backends/lists.js';
import type { TransportFactory } from './backends/transport-factory.js';
import { SessionBackends } from './backends/session-backends.js';
import { ListCache, listingsDir } from './backends/list-cache.js';
import { Catalog } from './catalog/catalog.js';
import { CursorCodec } from './catalog/cursor.js';
import { FullView, type CatalogView } from './catalog/view.js';
import { diffServers, type ServerDiff } from './config/diff.js';
import type { RouterConfig, ServerConfig } from './config/types.js';
import { Engine, type Admission, type ForwardObserver } from './engine/engine.js';
import { LogLevelSync } from './engine/log-level-sync.js';
import { mergedInstructions } from './engine/instructions.js';
import { Relay } from './engine/relay.js';
import { RequestLog } from './engine/request-log.js';
import { resolveTaskId } from './engine/tasks.js';
import type { BackendDirectory } from './engine/services.js';
import { ServerLimits } from './engine/server-limits.js';
import { SwitchboardError, shuttingDown } from './errors/index.js';
import { activeRequests, drainSessions } from './front/drain.js';
import { FrontSession, type ListChangedKind, type SessionHost } from './front/session.js';
import { ModernDispatcher, type HeldCallsOptions, type ModernHost } from './front/modern/dispatcher.js';
import type { Logger, Redactor } from './log.js';
import type { Principal } from './util/principal.js';
import { VERSION } from './version.js';

export interface RouterOptions {
  log: Logger;
  transportFactory?: TransportFactory;
  retryDelaysMs?: number[];
  relistDebounceMs?: number;
  /**
   * Whether list requests (and names not found yet) wait for backends still on their first start.
   * Clients that ignore list_changed (many do) would otherwise keep an empty list forever. Each
   * backend is waited for only as long as its own start may take (its connectTimeout, then its
   * timeout for the listing), never one router-wide timer: 20 children starting at once starve the
   * CPU, and a global timer ran out before their lists arrived.
   */
  waitForFirstStart?: boolean;
  /** Idle time after which a session's own connection to an `isolation: session` server is closed. */
  isolatedIdleMs?: number;
  /** Pipeline stage 3: limits, queues (run in order before each forward). */
  admissions?: Admission[];
  /** Watchers of every forward (metrics, recent calls, traces). */
  observers?: ForwardObserver[];
  /** The state directory; lazy servers' listings are cached in its listings/. Default: util/state-dir.ts. */
  stateDir?: string;
  /** A shared backend changed state (metrics and the status page count restarts and uptime). */
  onBackendState?: (backend: Backend) => void;
  /** A session told its client a list changed (metrics count them). */
  onListChangedSent?: (kind: ListChangedKind) => void;
  /** Replaces the config's secret values in every error a client gets (config/redact.ts). */
  redact?: Redactor;
  /** Shared by every replica of a cluster, so any of them accepts the others' cursors and requestState. */
  signing?: { cursor: Buffer; requestState: Buffer };
  /** Held MRTR calls: the key of their requestState and, in a cluster, the replica that holds them. */
  heldCalls?: HeldCallsOptions;
}

const DEFAULT_ISOLATED_IDLE_MS = 10 * 60_000;
const CLIENT_INFO = { name: 'mcp-switchboard', version: VERSION };

export class Router implements SessionHost, ModernHost {
  readonly catalog: Catalog;
  readonly modern: ModernDispatcher; // 2026-07-28 requests, served without a session
  readonly cursorCodec: CursorCodec;
  readonly engine: Engine;
  private readonly relay: Relay;
  private readonly backends = new Map<string, Backend>();
  private readonly sessions = new Set<FrontSession>();
  private readonly log: Logger;
  private readonly levels: LogLevelSync;
  private readonly isolated: SessionBackends<FrontSession>;
  /** maxConcurrency / maxQueue per server: the first admission of every forward. */
  readonly limits: ServerLimits;
  private readonly listCache: ListCache;
  private closed = false;
  /** Set by drain(): new sessions and new requests are refused with it. */
  private refusal?: SwitchboardError;
  private started?: Promise<void>;
  private startDone = false;
  private current: RouterConfig;

  constructor(
    config: RouterConfig,
    private readonly options: RouterOptions,
  ) {
    this.current = config;
    this.modern = new ModernDispatcher(this, options.heldCalls);
    this.log = options.log;
    this.cursorCodec = new CursorCodec(options.signing?.cursor ?? randomBytes(32));
    const enabled = config.servers.filter((s) => s.enabled);
    this.catalog = new Catalog(config.separator, enabled.map((s) => ({ name: s.name, prefix: s.prefix })));
    this.isolated = new SessionBackends((session, server) => this.createSessionBackend(session, server), options.isolatedIdleMs ?? DEFAULT_ISOLATED_IDLE_MS);
    this.limits = new ServerLimits(enabled);
    this.listCache = new ListCache(listingsDir(options.stateDir));
    this.engine = new Engine({
      catalog: this.catalog,
      cursorCodec: this.cursorCodec,
      pageSize: config.pageSize,
      ...(options.signing && { requestStateKey: options.signing.requestState }),
      backends: this.directory(),
      admissions: [this.limits.admission, ...(options.admissions ?? [])],
      observers: [...(options.observers ?? []), ...(RequestLog.wanted(this.log) ? [new RequestLog(this.log)] : [])],
    });
    this.levels = new LogLevelSync(() => this.sessions, this.log);
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
      listCache: this.listCache,
      // A connection a reload replaced may still report on its way out: only the current one speaks.
      hooks: {
        onListsChanged: (backend, kinds) => this.isCurrent(backend) && this.onListsChanged(backend, kinds),
        onNotification: (backend, method, params) => this.isCurrent(backend) && this.relay.onSharedNotification(backend, method, params),
        onServerRequest: (backend, request, signal) =>
          server.isolation === 'session' ? this.relay.refuseListingRequest(backend, request) : this.relay.onSharedServerRequest(backend, request, signal),
        onStateChange: (backend) => this.isCurrent(backend) && this.onBackendState(backend),
      },
    });
  }

  private createSessionBackend(session: FrontSession, server: ServerConfig): Backend {
    const caps = session.clientCapabilities ?? {};
    // A session's own connection starts on its first call and is reaped when idle: `lazy` is the
    // shared listing connection's business (the catalog), not this one's.
    const { lazy: _lazy, idleTimeoutMs: _idle, ...eager } = server;
    return new Backend(eager, {
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
          this.levels.applyOwn(session, backend);
        },
      },
    });
  }

  /** How the engine reaches backends: the shared connection, or a session's own for isolated servers. */
  private directory(): BackendDirectory {
    return {
      // Synchronous for a shared connection: the hot path awaits nothing to find its backend.
      acquire: (server, session) => {
        const shared = this.backend(server);
        if (shared.config.isolation !== 'session') return { backend: shared, release: noop };
        return this.isolated.acquire(session as FrontSession, shared.config);
      },
      all: () => this.allBackends(),
      settled: () => this.settled(),
      isStarted: () => this.startDone,
    };
  }

  private isCurrent(backend: Backend): boolean {
    return this.backends.get(backend.name) === backend;
  }

  /** The config the router runs on now (a reload replaces it). */
  get config(): RouterConfig {
    return this.current;
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

  /**
   * Resolves when every backend has finished its first start (up or failed). Bounded per backend by
   * Backend.start() itself: its handshake by its own connectTimeout, its lists by its own timeout.
   */
  async settled(): Promise<void> {
    if (!this.options.waitForFirstStart || this.startDone) return;
    await this.start(); // a list that comes before start() (serve's stdio front opens first) starts them
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

  /** Attach a front transport: one client, one session (with the principal its access token proved, if any). */
  async connect(transport: Transport, view: CatalogView = this.fullView(), principal?: Principal): Promise<FrontSession> {
    if (this.closed) throw shuttingDown('the router');
    if (this.refusal) throw this.refusal;
    const session = new FrontSession(this, {
      log: this.log,
      view,
      ...(principal && { principal }),
      ...(this.options.onListChangedSent && { onListChangedSent: this.options.onListChangedSent }),
      ...(this.options.redact && { redact: this.options.redact }),
    });
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

  /** What a client's view draws on, in the backends' own words (engine/instructions.ts). */
  instructions(view: CatalogView): string | undefined {
    return mergedInstructions(this.backends.values(), view, this.config.separator);
  }

  private onListsChanged(backend: Backend, kinds: ListKind[]): void {
    const lists = Object.fromEntries(kinds.map((k) => [k, backend.lists[k]]));
    const changed = this.catalog.setLists(backend.name, lists);
    if (changed.length === 0) return;
    this.log.debug({ backend: backend.name, changed }, 'catalog changed');
    for (const session of this.sessions) session.listsChanged(changed);
    this.modern.listsChanged(changed);
  }

  private onBackendState(backend: Backend): void {
    this.options.onBackendState?.(backend);
    if (backend.state === 'ready') {
      this.log.info({ backend: backend.name, transport: backend.transportKind, tools: backend.toolCount }, 'backend up');
      void this.engine.subscriptions.resubscribe(backend);
      void this.levels.applyShared(backend);
    } else if (backend.state === 'down') {
      this.levels.forget(backend.name);
      this.log.warn({ backend: backend.name, reason: backend.lastError }, 'backend down');
    } else if (backend.state === 'failed') {
      this.levels.forget(backend.name);
      this.log.error({ backend: backend.name, reason: backend.lastError }, 'backend failed; not restarting it until the config is reloaded');
    } else if (backend.state === 'idle') {
      this.levels.forget(backend.name);
      this.log.info({ backend: backend.name, tools: backend.toolCount }, 'backend idle (lazy): starts on its next use');
    }
  }

  /** A client's roots changed (or a client with roots arrived): backends that may ask should re-ask. */
  onRootsChanged(session?: FrontSession): void {
    for (const backend of this.backends.values()) void backend.notify('notifications/roots/list_changed');
    if (session) for (const own of this.isolated.of(session)) void own.notify('notifications/roots/list_changed');
  }

  /** A shared backend runs at the most verbose level any session asked for; each session filters. */
  onLogLevelChanged(session?: FrontSession): void {
    for (const backend of this.backends.values()) void this.levels.applyShared(backend);
    if (session) for (const own of this.isolated.of(session)) this.levels.applyOwn(session, own);
  }

  /** Requests being answered right now, over every session. */
  activeRequests(): number {
    return activeRequests(this.sessions);
  }

  /**
   * The first half of a graceful shutdown (front/drain.ts): new sessions and requests are refused at
   * once, requests in flight get `graceMs` to finish, the rest are answered with SB_SHUTTING_DOWN.
   */
  async drain(reason: string, graceMs: number): Promise<void> {
    if (this.closed || this.refusal) return;
    this.refusal = new SwitchboardError('SB_SHUTTING_DOWN', `the router is shutting down (${reason}); reconnect in a moment`);
    await drainSessions(this.sessions, this.refusal, { reason, graceMs, log: this.log });
  }

  /**
   * Switch to a new config without dropping a session. Unchanged servers keep running; removed ones
   * stop (requests in flight fail saying so) and changed ones restart; added ones start. Sessions get
   * the view `refreshView` rebuilds for them (their workspace changed or went away), then hear
   * list_changed for exactly what changed in what they see. Resolves once the old processes are gone.
   * `next` keeps the settings that cannot change live (liveConfig in src/config/diff.ts).
   */
  async reload(next: RouterConfig, refreshView?: (view: CatalogView) => CatalogView | undefined): Promise<ServerDiff> {
    if (this.closed) throw shuttingDown('the router');
    const diff = diffServers(this.current.servers, next.servers);
    this.current = next;
    const stopping: Array<Promise<void>> = [];
    for (const server of diff.removed) stopping.push(this.retire(this.backend(server.name), `server "${server.name}" was removed from the config`));
    for (const { before, after } of diff.changed) {
      const old = this.backend(before.name);
      // Same prefix: the catalog keeps the old lists until the new process lists, so clients hear
      // list_changed only if its lists really differ. A new prefix renames everything: start afresh.
      const successor = before.prefix === after.prefix ? this.enlist(after) : undefined;
      stopping.push(this.retire(old, `server "${before.name}" was changed in the config and is restarting`, successor));
      if (!successor) this.enlist(after);
    }
    for (const server of diff.added) this.enlist(server);
    this.limits.configure(next.servers.filter((s) => s.enabled));
    // A reload is the second chance of a server that gave up (restart.maxRestarts), changed or not.
    for (const backend of this.backends.values()) if (backend.state === 'failed') void backend.revive();
    for (const session of this.sessions) {
      const view = refreshView?.(session.view);
      if (view) session.replaceView(view);
      else session.listsChanged(LIST_KINDS);
    }
    this.modern.listsChanged(LIST_KINDS);
    await Promise.all(stopping);
    return diff;
  }

  /** Start a server's shared connection; its lists enter the catalog once its first start is over. */
  private enlist(server: ServerConfig): Backend {
    this.catalog.addServer({ name: server.name, prefix: server.prefix });
    const backend = this.createSharedBackend(server);
    this.backends.set(server.name, backend);
    // A start that failed leaves empty lists: that also clears what a predecessor had listed.
    if (this.started) void backend.start().then(() => this.isCurrent(backend) && this.onListsChanged(backend, [...LIST_KINDS]));
    return backend;
  }

  /** Forget a server's connections (subscriptions, tasks, sessions' own) and stop its process(es). */
  private async retire(old: Backend, reason: string, successor?: Backend): Promise<void> {
    const name = old.name;
    this.engine.tasks.dropWhere((id) => resolveTaskId(this.catalog, id)?.server === name);
    if (successor) this.engine.subscriptions.move(old, successor);
    this.engine.subscriptions.dropServer(name, successor);
    if (!successor) {
      this.backends.delete(name);
      this.catalog.removeServer(name);
    }
    this.levels.forget(name);
    await Promise.all([old.close(reason), this.isolated.closeServer(name, reason)]);
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

