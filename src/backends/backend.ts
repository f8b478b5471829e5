/**
 * One backend: a connection to one MCP server, its lists, and its lifecycle.
 *
 * A Backend never throws from start(): a server that fails to come up is reported (state 'down' with a
 * reason) and retried with backoff, so one broken server never blocks or fails the others.
 *
 * The connection is our own peer (src/rpc/peer.ts) over the transport: the SDK supplies the HTTP and
 * SSE client transports and the types; correlation, progress, cancellation and timeouts are ours, so
 * a forwarded request costs one map entry and one write.
 */
import type { ClientCapabilities, Implementation, JSONRPCRequest, Result, ServerCapabilities, Transport } from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/types.js';
import { SwitchboardError, UpstreamError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { RpcPeer, type InboundRequest, type PeerErrors, type ProgressParams } from '../rpc/peer.js';
import { defaultTransportFactory, type TransportFactory, type TransportKind } from './transport-factory.js';
import { describeStartFailure, handshakeError } from './start-failure.js';
import { emptyLists, LIST_KINDS, listAll, type BackendLists, type CacheHint, type ListKind } from './lists.js';
import type { Handshake } from './handshake.js';
import { negotiateOver } from './negotiate.js';
import { ProtocolMemory, stateDirectory } from './protocol-memory.js';
import { LISTEN_ACK, ListenStream, ModernEnvelope } from './modern.js';
import { SHARED_CLIENT_CAPABILITIES, type RequestOptions } from './backend-options.js';
import { MODERN_PROTOCOL_VERSION, type ProtocolEra } from '../rpc/envelope.js';

export type BackendState = 'starting' | 'ready' | 'down' | 'closed';

export type { RequestOptions } from './backend-options.js';
export { SHARED_CLIENT_CAPABILITIES };

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
  /** Retry delays after a failure, in ms; the last one repeats. */
  retryDelaysMs?: number[];
  /** Where `protocol: auto` remembers what it found; default: the user's state directory. */
  protocolMemory?: ProtocolMemory;
}

const DEFAULT_RETRY_DELAYS = [1000, 2000, 5000, 10_000, 30_000];
/** How long a liveness ping after a transport error may take before the connection counts as dead. */
const PROBE_TIMEOUT_MS = 3000;

export class Backend {
  readonly name: string;
  state: BackendState = 'starting';
  /** Why the backend is down, in words a user can act on. */
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
  private readonly relistTimers = new Map<ListKind, NodeJS.Timeout>();
  private retryTimer?: NodeJS.Timeout;
  private attempts = 0;
  private firstStart?: Promise<void>;
  private recovering?: Promise<boolean>;
  private probing = false;
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
    this.modern = new ModernEnvelope(options.clientCapabilities ?? SHARED_CLIENT_CAPABILITIES, options.clientInfo ?? { name: 'mcp-switchboard', version: '0.1.0' });
    this.peerErrors = {
      timeout: (method, ms) =>
        new SwitchboardError('SB_BACKEND_TIMEOUT', `server "${this.name}" did not answer ${method} within ${ms} ms (raise servers.${this.name}.timeout if it needs longer)`),
      closed: (method) =>
        new SwitchboardError('SB_BACKEND_UNAVAILABLE', this.closedBecause ?? `server "${this.name}" disconnected during ${method}; the router is reconnecting`),
      cancelled: (method, reason) =>
        new SwitchboardError('SB_CANCELLED', `${method} to server "${this.name}" was cancelled${typeof reason === 'string' ? `: ${reason}` : ''}`),
    };
  }

  get capabilities(): ServerCapabilities | undefined {
    return this.handshake?.capabilities;
  }

  get serverInfo(): Implementation | undefined {
    return this.handshake?.serverInfo;
  }

  get instructions(): string | undefined {
    return this.handshake?.instructions;
  }

  get toolCount(): number {
    return this.lists.tools.length;
  }

  /** Resolves once the first connection attempt has succeeded or failed; never rejects. */
  start(): Promise<void> {
    this.firstStart ??= this.connect();
    return this.firstStart;
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    // A retry does not make a down backend 'starting' again: it stays down, with the reason, until a
    // connection succeeds (the start-up summary and health reporting read this state).
    if (this.state !== 'down') this.setState('starting');
    const stderr: string[] = [];
    const hooks = {
      onStderrLine: (line: string) => {
        stderr.push(line);
        this.log.debug({ stderr: line }, 'backend stderr');
      },
    };
    const attempts = this.transportFactory(this.config, hooks);
    const failures: string[] = [];
    const setting = this.config.protocol;
    const memory = setting === 'auto' ? (this.options.protocolMemory ?? new ProtocolMemory(stateDirectory())) : undefined;
    const remembered = await memory?.recall(this.config.target);
    for (const attempt of attempts) {
      try {
        const { peer, handshake, era } = await negotiateOver({
          attempt,
          fresh: () => this.transportFactory(this.config, hooks).find((a) => a.kind === attempt.kind)!.transport,
          newPeer: (transport) => this.newPeer(transport),
          setting,
          remembered,
          envelope: this.modern.envelope(),
          connectTimeoutMs: this.config.connectTimeoutMs,
          log: this.log,
        });
        if ((this.state as BackendState) === 'closed') {
          await peer.close();
          return;
        }
        this.peer = peer;
        this.handshake = handshake;
        this.era = era;
        this.transportKind = attempt.kind;
        this.pid = (peer.transport as { pid?: number }).pid;
        if (memory && attempt.kind !== 'sse' && era !== remembered) {
          memory.remember(this.name, this.config.target, era).catch((err: unknown) => this.log.warn({ err: String(err) }, 'could not remember the protocol era'));
        }
        // Listen before listing, so no change can fall between the lists and the stream.
        this.listen = era === MODERN_PROTOCOL_VERSION ? new ListenStream((m, p, signal) => this.send(peer, m, p, { signal }), handshake.capabilities, this.log) : undefined;
        this.listen?.open();
        await this.relist(LIST_KINDS, false);
        this.attempts = 0;
        this.lastError = undefined;
        this.setState('ready');
        this.hooks.onListsChanged?.(this, LIST_KINDS.filter((k) => this.lists[k].length > 0));
        return;
      } catch (err) {
        // negotiateOver closed what it opened; a failure past it (re-listing) leaves ours to close.
        const peer = this.peer;
        this.peer = undefined;
        await peer?.close().catch(() => undefined);
        failures.push(describeStartFailure(this.config, attempt.kind, handshakeError(err, this.config.connectTimeoutMs), stderr));
      }
    }
    this.lastError = failures.join('; then ');
    this.setState('down');
    this.scheduleRetry();
  }

  /** One request on a connection: a 2026-07-28 backend gets the envelope on every one (no session). */
  private send(peer: RpcPeer, method: string, params: Record<string, unknown> | undefined, opts: Parameters<RpcPeer['request']>[2], caps?: ClientCapabilities): Promise<Result> {
    if (this.era !== MODERN_PROTOCOL_VERSION) return peer.request(method, params, opts);
    // Over HTTP a 2026 request is cancelled by closing its own stream; there is no session to notify.
    return peer.request(method, this.modern.params(params, caps), this.transportKind === 'http' ? { ...opts, abortStreamOnCancel: true } : opts);
  }

  private newPeer(transport: Transport): RpcPeer {
    const peer: RpcPeer = new RpcPeer(
      transport,
      {
        onRequest: (request) => this.onServerRequest(request),
        onNotification: (method, params) => this.onBackendNotification(method, params),
        onClose: () => this.onDisconnect(peer),
        onDiscard: (reason, detail) => this.log.debug({ detail: detail instanceof Error ? detail.message : detail }, reason),
        onTransportError: () => void this.probe(peer),
      },
      this.peerErrors,
    );
    return peer;
  }

  /**
   * A network transport reports errors without closing (a POST's stream broke, the server went
   * away): the calls it carried would wait for their timeout. One ping tells; if nothing answers,
   * the connection is closed, its calls fail now naming the server, and reconnection starts.
   */
  private async probe(peer: RpcPeer): Promise<void> {
    if (this.probing || this.peer !== peer || this.state !== 'ready' || this.transportKind === 'stdio') return;
    this.probing = true;
    try {
      await this.send(peer, 'ping', undefined, { timeoutMs: Math.min(PROBE_TIMEOUT_MS, this.config.timeoutMs) });
    } catch (err) {
      // An error answer is still an answer: the server is there.
      if (!(err instanceof UpstreamError) && this.peer === peer) {
        this.log.warn({ err: err instanceof Error ? err.message : String(err) }, 'backend stopped answering after a transport error; reconnecting');
        await peer.close();
      }
    } finally {
      this.probing = false;
    }
  }

  private onServerRequest(request: InboundRequest): Promise<Result> | Result {
    // A server may ping us to check we are alive; that is ours to answer, not a client's.
    if (request.method === 'ping') return {};
    const handler = this.hooks.onServerRequest;
    if (!handler) throw new SwitchboardError('SB_CAPABILITY_MISSING', `the router cannot relay ${request.method}`);
    const message = { jsonrpc: '2.0', id: request.id, method: request.method, ...(request.params !== undefined && { params: request.params }) } as JSONRPCRequest;
    return handler(this, message, request.signal);
  }

  private onBackendNotification(method: string, params: Record<string, unknown> | undefined): void {
    if (method === LISTEN_ACK) return;
    const kinds = LIST_CHANGED[method];
    if (kinds) {
      for (const kind of kinds) this.scheduleRelist(kind);
      return;
    }
    this.hooks.onNotification?.(this, method, params);
  }

  private scheduleRelist(kind: ListKind): void {
    clearTimeout(this.relistTimers.get(kind));
    const timer = setTimeout(() => {
      this.relistTimers.delete(kind);
      this.relist([kind], true).catch((err) => this.log.warn({ err: String(err), kind }, 're-list after list_changed failed'));
    }, this.options.relistDebounceMs ?? 50);
    timer.unref();
    this.relistTimers.set(kind, timer);
  }

  /** Fetch every page of the given lists (only those the server offers) and replace ours. */
  private async relist(kinds: readonly ListKind[], notify: boolean): Promise<void> {
    const peer = this.peer;
    if (!peer) return;
    const caps = this.capabilities ?? {};
    const changed: ListKind[] = [];
    const request = (method: string, params: Record<string, unknown>) => this.send(peer, method, params, { timeoutMs: this.config.timeoutMs }) as Promise<Record<string, unknown>>;
    await Promise.all(
      kinds.map(async (kind) => {
        const offered = kind === 'resourceTemplates' ? caps.resources : caps[kind];
        const { items, hint } = offered ? await listAll(request, kind) : { items: [], hint: undefined };
        const { [kind]: _old, ...others } = this.cacheHints;
        this.cacheHints = hint ? { ...others, [kind]: hint } : others;
        this.lists = { ...this.lists, [kind]: items };
        changed.push(kind);
      }),
    );
    if (notify && this.state === 'ready') this.hooks.onListsChanged?.(this, changed);
  }

  private onDisconnect(peer: RpcPeer): void {
    if (this.peer !== peer || this.state === 'closed') return;
    this.peer = undefined;
    this.pid = undefined;
    this.lastError = 'the connection closed (the server exited or the network dropped); reconnecting';
    this.log.warn('backend disconnected; will reconnect');
    const had = LIST_KINDS.filter((k) => this.lists[k].length > 0);
    this.lists = emptyLists();
    this.cacheHints = {};
    this.setState('down');
    if (had.length) this.hooks.onListsChanged?.(this, had);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.state === 'closed') return;
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
    const delay = delays[Math.min(this.attempts, delays.length - 1)] ?? 30_000;
    this.attempts += 1;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private setState(state: BackendState): void {
    if (this.state === state) return;
    this.state = state;
    this.hooks.onStateChange?.(this);
  }

  /** Send a request under the backend's own names; the result comes back untouched. */
  async request(method: string, params: Record<string, unknown> | undefined, opts: RequestOptions = {}): Promise<Result> {
    const peer = this.peer;
    if (!peer || this.state !== 'ready') throw this.unavailable();
    if (method === 'logging/setLevel' && this.era === MODERN_PROTOCOL_VERSION) return this.modern.setLevel(params);
    if (this.listen && (method === 'resources/subscribe' || method === 'resources/unsubscribe')) return this.listen.change(method, params);
    try {
      return await this.send(
        peer,
        method,
        params,
        { signal: opts.signal, timeoutMs: opts.timeoutMs ?? this.config.timeoutMs, onprogress: opts.onprogress, resetTimeoutOnProgress: opts.onprogress !== undefined },
        opts.clientCapabilities,
      );
    } catch (err) {
      // A Streamable HTTP server that restarted forgets our session and answers 404 to everything.
      // It did not process the request, so re-initialize once and send it again instead of looping.
      if (isSessionLost(err) && !opts.isRetry && (await this.recoverSession(peer))) {
        return this.request(method, params, { ...opts, isRetry: true });
      }
      throw err;
    }
  }

  private unavailable(): SwitchboardError {
    if (this.closedBecause) return new SwitchboardError('SB_BACKEND_UNAVAILABLE', this.closedBecause);
    return new SwitchboardError(
      'SB_BACKEND_UNAVAILABLE',
      `server "${this.name}" is not connected${this.lastError ? `: ${this.lastError}` : ''}. Check servers.${this.name} in the config; the router keeps retrying.`,
    );
  }

  /** Replace a connection whose server-side session is gone; true when the new one is up. */
  private recoverSession(lost: RpcPeer): Promise<boolean> {
    if (this.peer !== lost) return Promise.resolve(this.state === 'ready');
    this.recovering ??= (async () => {
      this.log.warn('backend no longer knows our session (HTTP 404); re-initializing');
      this.peer = undefined;
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
    for (const t of this.relistTimers.values()) clearTimeout(t);
    this.relistTimers.clear();
    const peer = this.peer;
    this.peer = undefined;
    await peer?.close().catch(() => undefined);
  }
}

/** Templates have no notification of their own: resources/list_changed covers both lists. */
const LIST_CHANGED: Record<string, readonly ListKind[] | undefined> = {
  'notifications/tools/list_changed': ['tools'],
  'notifications/prompts/list_changed': ['prompts'],
  'notifications/resources/list_changed': ['resources', 'resourceTemplates'],
};

function isSessionLost(err: unknown): boolean {
  return (err as { data?: { status?: unknown } })?.data?.status === 404;
}
