/**
 * One backend: a connection to one MCP server, its lists, and its lifecycle.
 *
 * A Backend never throws from start(): a server that fails to come up is reported (state 'down' with a
 * reason) and restarted with backoff (restart-policy.ts), so one broken server never blocks or fails
 * the others; after `restart.maxRestarts` failures in a row it is 'failed' until revive(). A `lazy`
 * backend runs only while used (list-cache.ts, idle-timer.ts).
 *
 * The connection is our own peer (src/rpc/peer.ts) over the transport: the SDK supplies the HTTP and
 * SSE client transports and the types; correlation, progress, cancellation and timeouts are ours, so
 * a forwarded request costs one map entry and one write.
 */
import { signalOf } from '../rpc/cancellation.js';
import type { ClientCapabilities, Implementation, JSONRPCRequest, Result, ServerCapabilities, Transport } from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { PeerErrors, RpcPeer } from '../rpc/peer.js';
import { abortable, isSessionLost, peerErrors, unavailable } from './backend-errors.js';
import { KeyedDebounce, backendPeer, peerOptions, type RequestOptions } from './backend-peer.js';
import { SHARED_CLIENT_CAPABILITIES, openConnection } from './connection.js';
import type { Handshake } from './handshake.js';
import { HealthCheck } from './health-check.js';
import { IdleTimer } from './idle-timer.js';
import { ListCache } from './list-cache.js';
import { LIST_KINDS, emptyLists, fetchLists, nonEmptyKinds, withHint, type BackendLists, type CacheHint, type ListKind } from './lists.js';
import { ModernEnvelope, type ListenStream } from './modern.js';
import type { ProtocolMemory } from './protocol-memory.js';
import { MODERN_PROTOCOL_VERSION, type ProtocolEra } from '../rpc/envelope.js';
import { RestartPolicy } from './restart-policy.js';
import { defaultTransportFactory, type TransportFactory, type TransportKind } from './transport-factory.js';

export { SHARED_CLIENT_CAPABILITIES, type RequestOptions };

/** starting: first connection. down: lost, restarting. idle: lazy and not running (lists from its cache).
 * failed: gave up after maxRestarts failures in a row, until revive(). closed: for good. */
export type BackendState = 'starting' | 'ready' | 'down' | 'idle' | 'failed' | 'closed';

export interface BackendHooks {
  /** The backend's lists changed (after a re-list, a disconnect or a reconnect). */
  onListsChanged?(backend: Backend, kinds: ListKind[]): void;
  /** A notification from the backend that the router relays (logging, resource updates, ...). */
  onNotification?(backend: Backend, method: string, params: Record<string, unknown> | undefined): void;
  /** A server->client request (sampling, elicitation, roots) that must reach the right front session. */
  onServerRequest?(backend: Backend, request: JSONRPCRequest, signal: AbortSignal): Promise<Result>;
  onStateChange?(backend: Backend): void;
}

export interface BackendOptions {
  log: Logger;
  hooks?: BackendHooks;
  transportFactory?: TransportFactory;
  /** Client capabilities declared to the backend. A shared backend declares all the router can relay. */
  clientCapabilities?: ClientCapabilities;
  clientInfo?: Implementation;
  /** Debounce for re-listing after list_changed: servers often announce several changes in a burst. */
  relistDebounceMs?: number;
  /** Fixed restart delays in ms instead of the server's backoff (tests; a session's own connection); the last repeats. */
  retryDelaysMs?: number[];
  /** Where a lazy backend's listing is cached; default: the XDG state directory. */
  listCache?: ListCache;
  /** Where `protocol: auto` remembers what it found; default: the user's state directory. */
  protocolMemory?: ProtocolMemory;
}

export class Backend {
  readonly name: string;
  state: BackendState = 'starting';
  /** Why the backend is down or failed, in words a user can act on. */
  lastError?: string;
  transportKind?: TransportKind;
  lists: BackendLists = emptyLists();
  /** How long a 2026-07-28 backend says each list may be cached, for the front to merge. */
  cacheHints: Partial<Record<ListKind, CacheHint>> = {};
  /** The era the current connection speaks (set once connected). */
  era?: ProtocolEra;
  pid?: number;

  private peer?: RpcPeer;
  private handshake?: Handshake;
  private readonly log: Logger;
  private readonly hooks: BackendHooks;
  private readonly transportFactory: TransportFactory;
  private readonly relistSoon: KeyedDebounce<ListKind>;
  private readonly restarts: RestartPolicy;
  private readonly cache?: ListCache;
  private retryTimer?: NodeJS.Timeout;
  private readonly idle: IdleTimer;
  private health?: HealthCheck;
  private firstStart?: Promise<void>;
  private recovering?: Promise<boolean>;
  /** A lazy backend's start on first use, shared by every request that arrives meanwhile. */
  private waking?: Promise<void>;
  /** Requests in flight through request(): a lazy backend is parked only at zero. */
  private active = 0;
  /** Lists are known (a listing, or the cache): a lazy backend can sit idle with them. */
  private listed = false;
  /** Why the router is dropping the connection itself (a failed health check), for onDisconnect. */
  private dropReason?: string;
  private readonly peerErrors: PeerErrors;
  private readonly modern: ModernEnvelope;
  private listen?: ListenStream;
  /** Why the router closed this connection on purpose (a reload): what requests cut short are told. */
  private closedBecause?: string;

  constructor(
    readonly config: ServerConfig,
    private readonly options: BackendOptions,
  ) {
    this.name = config.name;
    this.log = options.log.child({ backend: config.name });
    this.hooks = options.hooks ?? {};
    this.transportFactory = options.transportFactory ?? defaultTransportFactory;
    this.peerErrors = peerErrors(config.name, () => this.closedBecause);
    this.modern = new ModernEnvelope(options.clientCapabilities ?? SHARED_CLIENT_CAPABILITIES, options.clientInfo ?? { name: 'mcp-switchboard', version: '0.1.0' });
    this.relistSoon = new KeyedDebounce(options.relistDebounceMs ?? 50, (kind) => {
      this.relist([kind], true).catch((err) => this.log.warn({ err: String(err), kind }, 're-list after list_changed failed'));
    });
    this.restarts = new RestartPolicy(config.restart, options.retryDelaysMs ? { fixedDelaysMs: options.retryDelaysMs } : {});
    if (config.lazy) this.cache = options.listCache ?? new ListCache();
    // Checked again when it fires: a request may have started since it was armed.
    this.idle = new IdleTimer(config.lazy ? config.idleTimeoutMs : undefined, () => this.active === 0 && this.state === 'ready' && this.park());
  }

  get capabilities(): ServerCapabilities | undefined { return this.handshake?.capabilities; }
  get serverInfo(): Implementation | undefined { return this.handshake?.serverInfo; }
  get instructions(): string | undefined { return this.handshake?.instructions; }
  get toolCount(): number { return this.lists.tools.length; }

  /** Resolves once the first connection attempt (for a lazy backend: its listing) succeeded or failed; never rejects. */
  start(): Promise<void> {
    this.firstStart ??= this.config.lazy ? this.startLazy() : this.connect();
    return this.firstStart;
  }

  /** Listed from the cache without a process; with no cache yet, started once to list it, then parked. */
  private async startLazy(): Promise<void> {
    const cached = await this.cache!.read(this.config);
    if (this.state === 'closed') return;
    if (!cached) return this.connect();
    this.lists = cached.lists;
    this.handshake = cached.handshake;
    this.listed = true;
    this.setState('idle');
    this.hooks.onListsChanged?.(this, nonEmptyKinds(this.lists));
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    clearTimeout(this.retryTimer);
    // A retry does not make a down backend 'starting' again: it stays down, with the reason, until a
    // connection succeeds (the start-up summary and health reporting read this state).
    if (this.state !== 'down') this.setState('starting');
    const opened = await openConnection(this.config, {
      factory: this.transportFactory,
      newPeer: (transport) => this.newPeer(transport),
      envelope: this.modern.envelope(),
      ...(this.options.protocolMemory && { protocolMemory: this.options.protocolMemory }),
      log: this.log,
      isClosed: () => this.state === 'closed',
      prepare: async ({ peer, handshake, era, kind }) => {
        this.handshake = handshake;
        [this.era, this.transportKind] = [era, kind];
        this.listen = this.modern.listenOn(peer, era, kind, handshake.capabilities, this.log);
        await this.relist(LIST_KINDS, false, peer);
      },
    });
    if ('closed' in opened) return;
    if ('failure' in opened) {
      this.lastError = opened.failure;
      this.afterFailure();
      return;
    }
    const { peer, kind, pid } = opened.connection;
    if ((this.state as BackendState) === 'closed') return void peer.close().catch(() => undefined);
    this.peer = peer;
    this.transportKind = kind;
    this.pid = pid;
    this.onConnected(peer);
  }

  private onConnected(peer: RpcPeer): void {
    this.restarts.connected();
    this.lastError = undefined;
    this.listed = true;
    // Every kind: a list that became empty since the cached listing must empty the catalog's too.
    const kinds = [...LIST_KINDS];
    if (this.config.lazy) {
      this.saveListing();
      // Started only to be listed (no cache yet, a retry, a revive): nobody waits, so it sleeps again.
      if (this.active === 0) {
        this.park();
        this.hooks.onListsChanged?.(this, kinds);
        return;
      }
    }
    this.setState('ready');
    if (this.config.healthCheck) this.health = new HealthCheck(peer, this.config.healthCheck, () => this.onUnresponsive());
    this.hooks.onListsChanged?.(this, kinds);
    this.armIdle();
  }

  /** One more failure in a row: restart after the policy's delay, or give up (state 'failed'). */
  private afterFailure(): void {
    if (this.state === 'closed') return;
    const delay = this.restarts.next();
    if (delay === undefined) {
      this.lastError = `${this.lastError ?? 'it failed'}; gave up after ${this.restarts.count} restarts in a row (servers.${this.name}.restart.maxRestarts)`;
      this.setState('failed');
      return;
    }
    // A lazy backend keeps its lists and starts again on its next use; nobody needs it before that.
    if (this.config.lazy && this.listed) {
      this.setState('idle');
      return;
    }
    this.setState('down');
    this.log.info({ restart: this.restarts.count, delayMs: delay }, `restarting in ${delay} ms`);
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  /**
   * Try again now with a whole restart budget: a backend that failed (the hot-reload calls this after
   * the config changed) or one waiting for its next restart. Other states are left alone.
   */
  async revive(): Promise<void> {
    if (this.state !== 'failed' && this.state !== 'down') return;
    clearTimeout(this.retryTimer);
    this.restarts.reset();
    await this.connect();
  }

  private newPeer(transport: Transport): RpcPeer {
    const onServerRequest = this.hooks.onServerRequest;
    return backendPeer(transport, this.peerErrors, this.log, {
      ...(onServerRequest && { onServerRequest: (request: JSONRPCRequest, signal: AbortSignal) => onServerRequest(this, request, signal) }),
      onListChanged: (kinds) => this.relistSoon.schedule(...kinds),
      onNotification: (method, params) => this.hooks.onNotification?.(this, method, params),
      onClose: (peer) => this.onDisconnect(peer),
      probeable: (peer) => this.peer === peer && this.state === 'ready' && this.transportKind !== 'stdio',
      timeoutMs: this.config.timeoutMs,
    });
  }

  /** Fetch every page of the given lists (only those the server offers) and replace ours. */
  private async relist(kinds: readonly ListKind[], notify: boolean, peer = this.peer): Promise<void> {
    if (!peer) return;
    const send = this.modern.via(peer, this.era, this.transportKind);
    const request = (method: string, params: Record<string, unknown>) => send(method, params, { timeoutMs: this.config.timeoutMs }) as Promise<Record<string, unknown>>;
    const fetched = await fetchLists(request, this.capabilities ?? {}, kinds, (kind, hint) => (this.cacheHints = withHint(this.cacheHints, kind, hint)));
    this.lists = { ...this.lists, ...fetched };
    if (notify && this.state === 'ready') {
      if (this.config.lazy) this.saveListing();
      this.hooks.onListsChanged?.(this, [...kinds]);
    }
  }

  private saveListing(): void {
    const cache = this.cache;
    if (!cache || !this.handshake) return;
    cache.save(this.config, { lists: this.lists, handshake: this.handshake }, (err) => this.log.warn({ err: String(err), dir: cache.dir }, 'could not write the listing cache; this lazy server will be started to list it next time'));
  }

  private onDisconnect(peer: RpcPeer): void {
    if (this.peer !== peer || this.state === 'closed') return;
    this.peer = undefined;
    this.pid = undefined;
    this.stopTimers();
    this.lastError = this.dropReason ?? 'the connection closed (the server exited or the network dropped)';
    this.dropReason = undefined;
    this.log.warn({ reason: this.lastError }, 'backend disconnected');
    // A lazy backend keeps its lists (it is listed from them while idle) and starts again when used.
    if (this.config.lazy && this.listed) return this.afterFailure();
    const had = nonEmptyKinds(this.lists);
    this.lists = emptyLists();
    this.cacheHints = {};
    this.afterFailure();
    if (had.length) this.hooks.onListsChanged?.(this, had);
  }

  /** A failed health check: the check kills the connection, and the disconnect says why. */
  private onUnresponsive(): void {
    this.dropReason = `it did not answer a ping within ${this.config.healthCheck?.timeoutMs} ms, so the router killed it (servers.${this.name}.healthCheck)`;
    this.log.warn('backend stopped answering pings; killing it and restarting');
  }

  /** Stop a lazy backend but keep its lists: it shows as idle and starts again on first use. */
  private park(): void {
    const peer = this.peer;
    this.peer = undefined;
    this.pid = undefined;
    this.stopTimers();
    this.setState('idle');
    this.log.info('lazy backend parked: not running, listed from its last listing');
    void peer?.close().catch(() => undefined);
  }

  private armIdle(): void {
    if (this.active === 0 && this.state === 'ready') this.idle.arm();
  }

  private stopTimers(): void {
    this.health?.stop();
    this.health = undefined;
    this.idle.cancel();
  }

  private setState(state: BackendState): void {
    if (this.state === state) return;
    this.state = state;
    this.hooks.onStateChange?.(this);
  }

  /** Send a request under the backend's own names; the result comes back untouched. A lazy backend is started first. */
  request(method: string, params: Record<string, unknown> | undefined, opts: RequestOptions = {}): Promise<Result> {
    // The hot path: a connected, eagerly started 2025-era stdio backend needs no bookkeeping, no envelope and no retry.
    if (!this.config.lazy && this.peer !== undefined && this.state === 'ready' && this.transportKind === 'stdio' && this.era !== MODERN_PROTOCOL_VERSION) {
      return this.peer.request(method, params, peerOptions(opts, this.config.timeoutMs));
    }
    return this.requestWithCare(method, params, opts);
  }

  /** Lazy start, idle accounting, and the one retry after a lost HTTP session. */
  private async requestWithCare(method: string, params: Record<string, unknown> | undefined, opts: RequestOptions): Promise<Result> {
    this.active++; // an idle timer that fires meanwhile sees it and leaves the backend running
    try {
      const peer = this.peer !== undefined && this.state === 'ready' ? this.peer : await this.wake(method, opts.signal ?? (opts.cancellation && signalOf(opts.cancellation)));
      const local = this.era === MODERN_PROTOCOL_VERSION ? this.modern.answerLocally(method, params, this.listen) : undefined;
      if (local) return local;
      return await this.send(peer, method, params, opts);
    } finally {
      this.active--;
      if (this.config.lazy) this.armIdle();
    }
  }

  private async send(peer: RpcPeer, method: string, params: Record<string, unknown> | undefined, opts: RequestOptions): Promise<Result> {
    try {
      return await this.modern.via(peer, this.era, this.transportKind)(method, params, peerOptions(opts, this.config.timeoutMs), opts.clientCapabilities);
    } catch (err) {
      // A Streamable HTTP server that restarted forgets our session and answers 404 to everything.
      // It did not process the request, so re-initialize once and send it again instead of looping.
      if (isSessionLost(err) && !opts.isRetry && (await this.recoverSession(peer)) && this.peer) {
        return this.send(this.peer, method, params, { ...opts, isRetry: true });
      }
      throw err;
    }
  }

  /** The connection for a request when there is no ready one: a lazy backend is started (bounded by connectTimeout). */
  private async wake(method: string, signal: AbortSignal | undefined): Promise<RpcPeer> {
    if (this.config.lazy && (this.state === 'idle' || this.waking)) {
      this.waking ??= this.connect().finally(() => {
        this.waking = undefined;
      });
      await abortable(this.waking, signal, () => this.peerErrors.cancelled(method, signal?.reason));
    }
    if (this.peer && this.state === 'ready') return this.peer;
    throw unavailable(this.name, this.state, this.lastError, this.closedBecause);
  }

  /** Replace a connection whose server-side session is gone; true when the new one is up. */
  private recoverSession(lost: RpcPeer): Promise<boolean> {
    if (this.peer !== lost) return Promise.resolve(this.state === 'ready');
    this.recovering ??= (async () => {
      this.log.warn('backend no longer knows our session (HTTP 404); re-initializing');
      this.peer = undefined;
      this.stopTimers();
      await lost.close().catch(() => undefined);
      await this.connect();
      return this.state === 'ready';
    })().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  notify(method: string, params?: Record<string, unknown>): Promise<void> {
    if (!this.peer || this.state !== 'ready') return Promise.resolve();
    return this.peer.notify(method, params);
  }

  /** The transport in use, for the bench and tests that need the raw pipe. */
  get transport(): Transport | undefined {
    return this.peer?.transport;
  }

  /** Stop for good. `reason` (a reload removed or changed the server) is the error requests in flight get. */
  async close(reason?: string): Promise<void> {
    if (this.state === 'closed') return;
    this.closedBecause = reason;
    this.setState('closed');
    clearTimeout(this.retryTimer);
    this.stopTimers();
    this.relistSoon.clear();
    const peer = this.peer;
    this.peer = undefined;
    await peer?.close().catch(() => undefined);
  }
}
