/**
 * One client session of the 2025-11-25 era: the router's side of the conversation with one client.
 * It answers the lifecycle itself (initialize, ping, logging/setLevel, roots changes) and hands every
 * other request to the engine's pipeline with a request context. Its state is plain data (view, log
 * level, capabilities, what the client has been told), read by the engine through that context.
 */
import type { ClientCapabilities, Implementation, LoggingLevel, RequestId, Result, Transport } from '@modelcontextprotocol/server';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../rpc/protocol-version.js';
import type { ListKind } from '../backends/lists.js';
import type { CatalogView } from '../catalog/view.js';
import { SwitchboardError } from '../errors/index.js';
import type { Logger, Redactor } from '../log.js';
import type { Principal } from '../util/principal.js';
import { flatUuid } from '../util/flat-uuid.js';
import type { RequestContext, SessionRef } from '../engine/context.js';
import type { Engine } from '../engine/engine.js';
import { LOGGING_LEVELS, logLevelAllows } from '../engine/log-levels.js';
import { describe, invalidParams } from '../engine/params.js';
import { RpcPeer, type InboundRequest, type PeerErrors, type PeerHandlers } from '../rpc/peer.js';
import { SessionRequest } from './session-request.js';
import { FRONT_CAPABILITIES, SERVER_INFO } from './capabilities.js';
import { redactedError } from './redact-error.js';
import type { ModernDispatcher } from './modern/dispatcher.js';
import { isModernMessage } from './modern/envelope.js';

/** A client that does not answer roots/list soon keeps the default workspace; no need to wait a minute. */
const ROOTS_TIMEOUT_MS = 10_000;

/** The lists a client is told about: templates have no notification of their own. */
export type ListChangedKind = 'tools' | 'prompts' | 'resources';

const LIST_CHANGED_KIND: Record<ListKind, ListChangedKind> = {
  tools: 'tools',
  prompts: 'prompts',
  resources: 'resources',
  resourceTemplates: 'resources',
};

/** The same for every session: one object, not three closures per session. */
const CLIENT_ERRORS: PeerErrors = {
  timeout: (method, ms) => new SwitchboardError('SB_CLIENT_TIMEOUT', `the client did not answer ${method} within ${ms} ms`),
  closed: (method) => new SwitchboardError('SB_CANCELLED', `the client disconnected before answering ${method}`),
  cancelled: (method) => new SwitchboardError('SB_CANCELLED', `${method} to the client was cancelled`),
};

/**
 * The peer's handlers for one session as one small object with prototype methods, where an object
 * literal of arrow functions cost four closures per session (an idle HTTP session is mostly this
 * kind of overhead; see the Scale section of docs/benchmarks.md).
 */
class SessionHandlers implements PeerHandlers {
  constructor(private readonly session: FrontSession) {}
  onRequest(request: InboundRequest): Promise<Result> | Result {
    return this.session.handleRequest(request);
  }
  onNotification(method: string): void {
    this.session.handleNotification(method);
  }
  onClose(): void {
    this.session.handleClosed();
  }
  onDiscard(reason: string, detail?: unknown): void {
    this.session.logger.debug({ detail: detail instanceof Error ? detail.message : detail }, reason);
  }
  outgoingError(error: unknown): unknown {
    return this.session.outgoingError(error);
  }
}

/** What a session needs from the router that owns it. */
export interface SessionHost {
  readonly engine: Engine;
  /** Serves 2026-07-28 requests (a connection that never initialized and sends the _meta envelope). */
  readonly modern?: ModernDispatcher;
  instructions(view: CatalogView): string | undefined;
  onLogLevelChanged(session: FrontSession): void;
  onRootsChanged(session: FrontSession): void;
}

export class FrontSession implements SessionRef {
  readonly id = flatUuid();
  view: CatalogView;
  logLevel?: LoggingLevel;
  clientCapabilities?: ClientCapabilities;
  clientInfo?: Implementation;
  protocolVersion?: string;
  readonly principal?: Principal;
  /** Versions of each list this client has seen or been told about; a change notifies once. */
  private readonly known: Record<ListKind, string | undefined> = { tools: undefined, prompts: undefined, resources: undefined, resourceTemplates: undefined };
  private initialized = false;
  /** Sequence of roots/list requests: only the newest answer may switch the view. */
  private rootsAsked = 0;
  /** Requests this session has handed to the engine: their router-unique log id (engine/context.ts). */
  private requestCount = 0;
  private closed = false;
  private peer?: RpcPeer;
  /** The session's child logger, made when first used: most sessions never log anything. */
  private log?: Logger;
  private readonly parentLog: Logger;
  /** Replaced, not pushed to, when one is added: a pushed-to array reserves room for 17. */
  private closeListeners: ReadonlyArray<() => void> = [];
  private readonly onListChangedSent?: (kind: ListChangedKind) => void;
  /** Set while the process shuts down: every new request is answered with it at once. */
  private refusal?: Error;
  private readonly redact?: Redactor;

  constructor(
    private readonly host: SessionHost,
    options: { log: Logger; view: CatalogView; principal?: Principal; onListChangedSent?: (kind: ListChangedKind) => void; redact?: Redactor },
  ) {
    this.view = options.view;
    this.onListChangedSent = options.onListChangedSent;
    if (options.principal) this.principal = options.principal;
    this.parentLog = options.log;
    if (options.redact) this.redact = options.redact;
  }

  get logger(): Logger {
    this.log ??= this.parentLog.child({ session: this.id.slice(0, 8), ...(this.principal && { sub: this.principal.sub }) });
    return this.log;
  }

  get isInitialized(): boolean {
    return this.initialized && !this.closed;
  }

  get clientName(): string | undefined {
    return this.clientInfo?.name;
  }

  /** Requests being answered right now: an idle reaper must never close a session mid-request. */
  get activeRequests(): number {
    return this.peer?.activeInbound ?? 0;
  }

  async connect(transport: Transport): Promise<void> {
    this.peer = new RpcPeer(transport, new SessionHandlers(this), CLIENT_ERRORS);
    await this.peer.start();
  }

  /** From now on, answer every new request with `error` (requests in flight go on). */
  refuseNew(error: Error): void {
    this.refusal = error;
  }

  /** Answer every request still in flight with `error` now, cancelling the work behind it. */
  failInFlight(error: Error): void {
    this.peer?.failInbound(error);
  }

  /** @internal The peer's handlers (SessionHandlers) call these. */
  handleRequest(request: InboundRequest): Promise<Result> | Result {
    if (this.refusal) throw this.refusal;
    return this.answer(request);
  }

  /**
   * @internal Every error answer on its way out. Errors may quote what the config holds (a backend's
   * stderr tail, a URL with credentials, a backend echoing its token): the client gets them with
   * every known secret replaced.
   */
  outgoingError(error: unknown): unknown {
    return this.redact ? redactedError(error, this.redact) : error;
  }

  private answer(request: InboundRequest): Promise<Result> | Result {
    // A 2026-07-28 client on this connection (stdio) never initializes: each request stands alone.
    if (this.host.modern && this.protocolVersion === undefined && isModernMessage(request)) {
      const sink = { notify: (method: string, params: Record<string, unknown>) => void this.peer?.notify(method, params, request.id) };
      return this.host.modern.dispatch(request, { view: this.view, sink, cancellation: request.cancellation });
    }
    switch (request.method) {
      case 'initialize':
        return this.initialize(request.params);
      case 'ping':
        return {};
      case 'logging/setLevel':
        return this.setLevel(request.params);
    }
    const ctx = new SessionRequest(this, request, ++this.requestCount);
    return this.host.engine.handle(ctx, request.params);
  }

  private initialize(raw: unknown): Result {
    const params = (raw ?? {}) as { protocolVersion?: unknown; capabilities?: unknown; clientInfo?: unknown };
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalidParams(`initialize: params must be an object, got ${describe(raw)}`);
    if (typeof params.protocolVersion !== 'string') throw invalidParams(`initialize: params.protocolVersion must be a string, got ${describe(params.protocolVersion)}`);
    this.clientCapabilities = (params.capabilities ?? {}) as ClientCapabilities;
    if (typeof params.clientInfo === 'object' && params.clientInfo !== null) this.clientInfo = params.clientInfo as Implementation;
    const requested = params.protocolVersion;
    // Answer with the client's version when we speak it, else our latest (the client then decides).
    this.protocolVersion = SUPPORTED_PROTOCOL_VERSIONS.includes(requested) ? requested : LATEST_PROTOCOL_VERSION;
    const instructions = this.host.instructions(this.view);
    return { protocolVersion: this.protocolVersion, capabilities: FRONT_CAPABILITIES, serverInfo: SERVER_INFO, ...(instructions && { instructions }) };
  }

  private setLevel(raw: unknown): Result {
    const level = (raw as { level?: unknown } | undefined)?.level;
    if (typeof level !== 'string' || !(LOGGING_LEVELS as readonly string[]).includes(level)) {
      throw invalidParams(`logging/setLevel: params.level must be one of ${LOGGING_LEVELS.join(', ')}; got ${describe(level)}`);
    }
    this.logLevel = level as LoggingLevel;
    this.host.onLogLevelChanged(this);
    return {};
  }

  /** @internal */
  handleNotification(method: string): void {
    if (method === 'notifications/initialized') {
      this.initialized = true;
      if (this.clientCapabilities?.roots) this.host.onRootsChanged(this);
      for (const kind of ['tools', 'prompts', 'resources', 'resourceTemplates'] as const) this.known[kind] = this.view.version(kind);
      void this.chooseViewByRoots();
    } else if (method === 'notifications/roots/list_changed') {
      this.host.onRootsChanged(this);
      void this.chooseViewByRoots();
    }
  }

  /**
   * When no workspace was chosen explicitly, the client's roots may choose one: ask for them (after
   * initialization, and again on roots/list_changed) and switch views, telling the client which
   * lists changed. A client that fails roots/list keeps the view it has; a newer answer wins.
   */
  private async chooseViewByRoots(): Promise<void> {
    if (!this.view.selectByRoots || !this.clientCapabilities?.roots || !this.peer) return;
    const asked = ++this.rootsAsked;
    let uris: string[];
    try {
      const result = (await this.peer.request('roots/list', undefined, { timeoutMs: ROOTS_TIMEOUT_MS })) as { roots?: Array<{ uri?: unknown }> };
      uris = (result.roots ?? []).flatMap((r) => (typeof r.uri === 'string' ? [r.uri] : []));
    } catch (err) {
      this.logger.debug({ err: String(err) }, 'roots/list failed; keeping the current workspace');
      return;
    }
    if (asked !== this.rootsAsked || this.closed) return;
    const next = this.view.selectByRoots?.(uris);
    if (next) this.replaceView(next);
  }

  /** Switch this session to another view (roots chose one, or a reload rebuilt it) and tell the client what changed. */
  replaceView(view: CatalogView): void {
    this.view = view;
    this.listsChanged(['tools', 'prompts', 'resources', 'resourceTemplates']);
  }

  markListed(kind: ListKind): void {
    this.known[kind] = this.view.version(kind);
  }

  /** Tell this client about list changes it can see, once per change. */
  listsChanged(kinds: readonly ListKind[]): void {
    if (!this.initialized || this.closed) return;
    const sent = new Set<ListChangedKind>();
    for (const kind of kinds) {
      const version = this.view.version(kind);
      if (this.known[kind] === version) continue;
      this.known[kind] = version;
      const notice = LIST_CHANGED_KIND[kind];
      if (sent.has(notice)) continue;
      sent.add(notice);
      void this.peer?.notify(`notifications/${notice}/list_changed`);
      this.onListChangedSent?.(notice);
    }
  }

  /** A backend's log message, tagged with the backend's name, if this client's level lets it through. */
  relayLog(backendName: string, params: Record<string, unknown>): void {
    if (!this.initialized || this.closed) return;
    // A workspace is a boundary: logs of a backend outside it are not this client's business.
    if (this.view.includesServer && !this.view.includesServer(backendName)) return;
    const level = params.level as LoggingLevel;
    if (this.logLevel && !logLevelAllows(this.logLevel, level)) return;
    const logger = typeof params.logger === 'string' && params.logger !== backendName ? `${backendName}/${params.logger}` : backendName;
    void this.peer?.notify('notifications/message', { ...params, logger });
  }

  notify(method: string, params: Record<string, unknown>, relatedRequestId?: RequestId): void {
    // Messages about a request in flight (progress) go out even before `initialized` arrives.
    if (this.closed || (!this.initialized && relatedRequestId === undefined)) return;
    void this.peer?.notify(method, params, relatedRequestId);
  }

  request(method: string, params: unknown, opts: { signal: AbortSignal; relatedRequestId?: RequestId }): Promise<Result> {
    if (!this.peer) return Promise.reject(new SwitchboardError('SB_CANCELLED', `the client is not connected, so ${method} cannot be asked`));
    return this.peer.request(method, params as Record<string, unknown> | undefined, opts);
  }

  /** Runs `listener` once when the session ends: client gone, DELETE, idle timeout or shutdown. */
  onClose(listener: () => void): void {
    this.closeListeners = this.closeListeners.concat(listener);
  }

  /** @internal */
  handleClosed(): void {
    if (this.closed) return;
    this.closed = true;
    for (const listener of this.closeListeners) listener();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    if (this.peer) await this.peer.close();
    this.handleClosed();
  }
}

