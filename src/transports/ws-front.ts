/**
 * The WebSocket front: upgrades on one path of the HttpFront's server, subprotocol "mcp", one
 * session per socket. The HTTP guards (Host, Origin, bearer token) run on the upgrade request and
 * answer a refusal as a normal HTTP response, so a refused client sees 401/403 rather than a reset.
 * Sockets that stop answering pings are dropped; sessions with no message for sessionIdleMs are
 * closed even while the socket stays open.
 */
import { ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ListenConfig } from '../config/types.js';
import { SwitchboardError, sendHttpError, shuttingDown } from '../errors/index.js';
import type { Logger } from '../log.js';
import type { ConnectSession } from './front-connect.js';
import { IdleReaper } from './front-connect.js';
import { createGuards, principalOf, type Guards } from './http-guards.js';
import type { AccessTokens } from './access-tokens.js';
import type { Principal } from '../util/principal.js';
import { MCP_SUBPROTOCOL, WebSocketTransport } from './ws-transport.js';

export interface WsFrontOptions {
  listen: ListenConfig;
  log: Logger;
  connect: ConnectSession;
  path: string;
  server: HttpServer;
  /** The access-token verifier shared by the port's fronts (listen.auth). */
  tokens?: AccessTokens;
}

/** Ping interval; a socket that misses a pong by the next ping is terminated. */
const PING_INTERVAL_MS = 30_000;

export class WsFront {
  private readonly wss: WebSocketServer;
  private readonly guards: Guards;
  private readonly log: Logger;
  /** Open sockets, each with whether it answered the last ping. */
  private readonly sockets = new Map<WebSocket, boolean>();
  private readonly reaper: IdleReaper<WebSocket>;
  private readonly pinger: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly options: WsFrontOptions) {
    this.log = options.log.child({ front: 'ws' });
    this.guards = createGuards({ listen: options.listen, ...(options.tokens && { tokens: options.tokens }) });
    this.wss = new WebSocketServer({
      noServer: true,
      // Frames a little over the limit get a JSON-RPC error from the transport and the session goes
      // on; only a frame far beyond it (a client that ignores errors) closes the socket (1009).
      maxPayload: options.listen.maxBodyBytes * 2 + 64 * 1024,
      // Clients that offer no subprotocol (older bridges' clients) are served too; one that offers
      // only others gets none, and its library will refuse the connection as the RFC intends.
      handleProtocols: (protocols) => (protocols.has(MCP_SUBPROTOCOL) ? MCP_SUBPROTOCOL : false),
    });
    this.reaper = new IdleReaper(options.listen.sessionIdleMs, (ws) => {
      this.log.info('closing idle websocket session');
      ws.close(1001, 'session idle timeout');
    });
    this.pinger = setInterval(() => this.ping(), PING_INTERVAL_MS);
    this.pinger.unref();
    options.server.on('upgrade', this.onUpgrade);
  }


  private readonly onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    void this.upgrade(req, socket, head).catch((err) => {
      this.log.error({ err: String(err) }, 'websocket upgrade failed');
      socket.destroy();
    });
  };

  private async upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    // Answer refusals through a real ServerResponse so the guards' replies are proper HTTP.
    const res = new ServerResponse(req);
    res.assignSocket(socket as Socket);
    res.shouldKeepAlive = false;
    res.once('finish', () => socket.destroy());
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (this.closing) return sendHttpError(res, shuttingDown('the server'));
    if (url.pathname !== this.options.path) return sendHttpError(res, new SwitchboardError('SB_UNKNOWN_PATH', `Not found: WebSocket MCP is served at ${this.options.path}`));
    if (!this.guards.host(req, res) || !this.guards.origin(req, res)) return;
    // The token check may take a JWKS fetch: a client that resets meanwhile must not crash the
    // process with an unhandled socket error, and one that has gone is not upgraded.
    const onError = (): void => void socket.destroy();
    socket.on('error', onError);
    const authorized = await this.guards.auth(req, res);
    socket.off('error', onError);
    if (!authorized || socket.destroyed) return;
    res.removeAllListeners('finish');
    res.detachSocket(socket as Socket);
    const principal = principalOf(req);
    this.wss.handleUpgrade(req, socket, head, (ws) => void this.accept(ws, principal));
  }

  private async accept(ws: WebSocket, principal?: Principal): Promise<void> {
    this.sockets.set(ws, true);
    this.reaper.touch(ws);
    ws.on('pong', () => this.sockets.has(ws) && this.sockets.set(ws, true));
    ws.once('close', () => {
      this.sockets.delete(ws);
      this.reaper.forget(ws);
    });
    try {
      const transport = new WebSocketTransport(ws, this.options.listen.maxBodyBytes, { log: this.log });
      const session = await this.options.connect(transport, principal);
      ws.on('message', () => this.reaper.touch(ws));
      this.reaper.watch(ws, session);
    } catch (err) {
      this.log.warn({ err: String(err) }, 'could not open a session for a websocket client');
      const refusal = err instanceof SwitchboardError && err.httpStatus === 503;
      // 1013: try again later (session cap, shutdown); the reason says which.
      ws.close(refusal ? 1013 : 1011, closeReason(refusal ? err.message : 'could not open a session'));
    }
  }

  private ping(): void {
    for (const [ws, alive] of this.sockets) {
      if (!alive) {
        ws.terminate();
        continue;
      }
      this.sockets.set(ws, false);
      ws.ping();
    }
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    clearInterval(this.pinger);
    this.reaper.stop();
    this.options.server.off('upgrade', this.onUpgrade);
    const closed = [...this.sockets.keys()].map((ws) => new Promise<void>((resolve) => {
      ws.once('close', () => resolve());
      ws.close(1001, 'server shutting down');
      setTimeout(() => {
        ws.terminate();
        resolve();
      }, 1000).unref();
    }));
    await Promise.all(closed);
    this.wss.close();
  }
}

/** A WebSocket close reason holds at most 123 bytes of UTF-8; the full text is in the log. */
function closeReason(text: string): string {
  let out = text;
  while (Buffer.byteLength(out) > 123) out = out.slice(0, -1);
  return out;
}
