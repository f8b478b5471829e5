/**
 * The Streamable HTTP front: POST/GET/DELETE on one path (default /mcp), one router session per
 * Mcp-Session-Id. Unknown or ended sessions get 404 so clients re-initialize; DELETE ends a session;
 * idle sessions are reaped even while a GET stream is open (an open stream is not activity).
 */
import { flatUuid } from '../util/flat-uuid.js';
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StreamableHttpServerTransport } from './streamable-http-transport.js';
import { isInitializeRequest, type Transport } from '@modelcontextprotocol/server';
import type { ListenConfig } from '../config/types.js';
import type { FrontSession } from '../front/session.js';
import type { CatalogView } from '../catalog/view.js';
import type { Logger } from '../log.js';
import { IdleReaper } from './front-connect.js';
import { createGuards, principalOf, type Guards } from './http-guards.js';
import type { AccessTokens } from './access-tokens.js';
import type { Principal } from '../util/principal.js';
import { readJsonBody } from './http-util.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';
import { isModernMessage } from '../front/modern/envelope.js';
import { isModernProtocolVersion } from '../rpc/protocol-version.js';
import type { ModernHttp } from './modern-http.js';
import type { Cluster } from '../cluster/cluster.js';
import { SessionForwarding } from './session-forwarding.js';
import { MEMORY_EVENT_BOUNDS, MemoryEventStore, type EventStore } from './event-store.js';

/**
 * Opens the MCP session of a new client: `serve` connects it to its router (with the route's view,
 * else its default), the bridge gives each client its own router and child. See front-connect.ts.
 */
export type ConnectWithView = (transport: Transport, view?: CatalogView, principal?: Principal) => Promise<FrontSession>;

/**
 * Maps a request path to the view its sessions get (`view` absent: the connect default), or
 * undefined when the path is not an MCP endpoint. The view is built only when a session starts:
 * most requests belong to a session that already has one.
 */
export type HttpRoute = (pathname: string) => { view?: (principal?: Principal) => CatalogView } | undefined;

/** A route tried before the MCP endpoint (health, legacy SSE, ...): true when it answered. */
export type ExtraRoute = (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<boolean> | boolean;

export interface HttpFrontOptions {
  listen: ListenConfig;
  log: Logger;
  connect: ConnectWithView;
  /** Default: only `listen.path`, with the connect default's view. */
  route?: HttpRoute;
  /** 2026-07-28 requests (no session): served here, with the route's view or `defaultView`. */
  modern?: { http: ModernHttp; defaultView: (principal?: Principal) => CatalogView };
  /** The access-token verifier shared by the port's fronts (listen.auth). */
  tokens?: AccessTokens;
  /** One replica of a cluster: session ids name their owner, and other replicas' sessions are forwarded. */
  cluster?: Cluster;
}

interface HttpSession {
  transport: StreamableHttpServerTransport;
  session: FrontSession;
  /** Whose token opened it: a request with another subject's token is refused. */
  principal?: Principal;
}

export class HttpFront {
  private readonly server: HttpServer;
  private readonly sessions = new Map<string, HttpSession>();
  private readonly guards: Guards;
  private readonly log: Logger;
  private readonly reaper: IdleReaper<string>;
  /** With a cluster: session ids that name this replica, and other replicas' sessions relayed to them. */
  private readonly forwarding?: SessionForwarding;
  /** SSE events kept for clients that resume a broken stream (Last-Event-ID). */
  private readonly events: EventStore;
  private closing = false;

  constructor(private readonly options: HttpFrontOptions) {
    this.log = options.log.child({ front: 'http' });
    this.guards = createGuards({ listen: options.listen, ...(options.tokens && { tokens: options.tokens }) });
    this.server = createServer((req, res) => void this.handle(req, res).catch((err) => this.fail(res, err)));
    this.reaper = new IdleReaper(options.listen.sessionIdleMs, (id) => this.closeSession(id, 'closing idle session'));
    if (options.cluster) this.forwarding = new SessionForwarding(options.cluster, this.log);
    this.events = this.forwarding?.eventStore() ?? new MemoryEventStore(MEMORY_EVENT_BOUNDS);
  }

  /** Start listening; resolves with the MCP endpoint URL (the real port when 0 was asked). */
  async listen(): Promise<string> {
    const { host, port } = this.options.listen;
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => resolve());
    });
    const address = this.server.address() as AddressInfo;
    const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    return `http://${shownHost}:${address.port}${this.options.listen.path}`;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** The node:http server, so other fronts (legacy SSE, WebSocket) can share the port. */
  get httpServer(): HttpServer {
    return this.server;
  }

  /** Extra routes (health, legacy SSE, ...) get first look; return true when handled. */
  extraRoutes: ExtraRoute[] = [];

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && this.options.listen.healthEndpoints.includes(url.pathname)) {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      return;
    }
    if (!this.guards.host(req, res) || !this.guards.cors(req, res) || !this.guards.origin(req, res)) return;
    for (const route of this.extraRoutes) if (await route(req, res, url)) return;
    const route = this.options.route ? this.options.route(url.pathname) : url.pathname === this.options.listen.path ? {} : undefined;
    if (!route) {
      sendHttpError(res, new SwitchboardError('SB_UNKNOWN_PATH', `Not found: MCP is served at ${this.options.listen.path}`));
      return;
    }
    if (!(await this.guards.auth(req, res))) return;
    await this.handleMcp(req, res, route.view, principalOf(req));
  }

  private async handleMcp(req: IncomingMessage, res: ServerResponse, view?: (principal?: Principal) => CatalogView, principal?: Principal): Promise<void> {
    let body: unknown;
    if (req.method === 'POST') {
      const parsed = await readJsonBody(req, res, this.options.listen.maxBodyBytes);
      if (!parsed) return;
      body = parsed.value;
    }
    const sessionId = header(req, 'mcp-session-id');
    if (sessionId) {
      const entry = this.sessions.get(sessionId);
      if (!entry && this.forwarding && (await this.forwarding.forward(req, res, body, sessionId))) return;
      // Someone else's session id is treated as unknown: its existence is not news to share.
      if (!entry || entry.principal?.sub !== principal?.sub) {
        sendHttpError(res, new SwitchboardError('SB_UNKNOWN_SESSION', 'Session not found: it ended or never existed; initialize a new session'));
        return;
      }
      this.reaper.touch(sessionId);
      await entry.transport.handleRequest(req, res, body);
      return;
    }
    const modern = this.options.modern;
    if (modern && req.method === 'POST' && (isModernMessage(body) || isModernProtocolVersion(header(req, 'mcp-protocol-version') ?? ''))) {
      // No session to remember who it was: each request is checked (auth above) and viewed on its own.
      await modern.http.handle(req, res, body, view?.(principal) ?? modern.defaultView(principal), principal);
      return;
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      sendHttpError(res, new SwitchboardError('SB_SESSION_REQUIRED', 'Bad Request: send an initialize request without Mcp-Session-Id first, then the Mcp-Session-Id header it returns'));
      return;
    }
    await this.startSession(req, res, body, view?.(principal), principal);
  }

  private closeSession(id: string, why: string): void {
    const entry = this.sessions.get(id);
    if (!entry) return;
    this.log.info({ session: id.slice(0, 8) }, why);
    this.sessions.delete(id);
    this.reaper.forget(id);
    void entry.transport.close().catch(() => undefined);
    void entry.session.close();
  }

  /**
   * At listen.maxSessions, a new client takes the place of the least recently active idle session
   * (its client, if still there, gets 404 and re-initializes); when every session is answering a
   * request, the newcomer is refused with 503 rather than cutting someone's call.
   */
  private makeRoom(): void {
    const max = this.options.listen.maxSessions;
    while (this.sessions.size >= max) {
      const oldest = this.reaper.oldestIdle();
      if (oldest === undefined) {
        throw new SwitchboardError('SB_TOO_MANY_SESSIONS', `this router already serves ${max} sessions and every one is answering a request; retry shortly, or raise listen.maxSessions`);
      }
      this.closeSession(oldest, 'closing the least recently active idle session: listen.maxSessions reached');
    }
  }

  private async startSession(req: IncomingMessage, res: ServerResponse, body: unknown, view?: CatalogView, principal?: Principal): Promise<void> {
    this.makeRoom();
    const transport = new StreamableHttpServerTransport(this.forwarding?.mintSessionId() ?? flatUuid(), this.events);
    const id = transport.sessionId;
    const session = await this.options.connect(transport, view, principal);
    // Registered only once connected: a refused session (cap reached, shutting down) leaves nothing behind.
    this.sessions.set(id, { transport, session, ...(principal && { principal }) });
    this.reaper.touch(id);
    this.reaper.watch(id, session);
    session.onClose(() => {
      this.sessions.delete(id);
      this.reaper.forget(id);
      this.events.forget(id);
    });
    await transport.handleRequest(req, res, body);
  }

  private fail(res: ServerResponse, err: unknown): void {
    // Refusals the client can act on (a session cap, a shutdown) carry their status and say why;
    // anything else is a 500 whose details stay in the log.
    if (err instanceof SwitchboardError) this.log.warn({ err: err.message, code: err.code }, 'refused a request');
    else this.log.error({ err: String(err) }, 'http request failed');
    sendHttpError(res, err);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.reaper.stop();
    await Promise.all([...this.sessions.values()].map((e) => e.transport.close().catch(() => undefined)));
    this.sessions.clear();
    this.forwarding?.close();
    await this.events.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
