/**
 * The legacy HTTP+SSE front (protocol revision 2024-11-05) for clients that never moved to
 * Streamable HTTP: GET ssePath opens a session's event stream, whose first event names the URL to
 * POST messages to (messagePath?sessionId=...). Each stream is its own session; a POST for an
 * unknown or ended session gets 404, so the client knows to reconnect instead of waiting forever.
 *
 * It is an extra route on the HttpFront's server: Host, Origin and CORS were checked there; this
 * checks the bearer token on both the stream and every POST.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ListenConfig } from '../config/types.js';
import { SwitchboardError, sendHttpError, shuttingDown } from '../errors/index.js';
import type { FrontSession } from '../front/session.js';
import type { Logger } from '../log.js';
import type { ConnectSession } from './front-connect.js';
import { IdleReaper } from './front-connect.js';
import { createGuards, principalOf, type Guards } from './http-guards.js';
import type { AccessTokens } from './access-tokens.js';
import type { Principal } from '../util/principal.js';
import { SseServerTransport } from './sse-server.js';

export interface SseFrontOptions {
  listen: ListenConfig;
  log: Logger;
  connect: ConnectSession;
  ssePath: string;
  messagePath: string;
  /** When set, the endpoint event carries `${baseUrl}${messagePath}` (for clients behind a proxy). */
  baseUrl?: string;
  /** The access-token verifier shared by the port's fronts (listen.auth). */
  tokens?: AccessTokens;
}

interface SseSession {
  transport: SseServerTransport;
  session?: FrontSession;
  /** Whose token opened the stream: a POST with another subject's token is refused. */
  principal?: Principal;
}

export class SseFront {
  private readonly sessions = new Map<string, SseSession>();
  private readonly guards: Guards;
  private readonly log: Logger;
  private readonly reaper: IdleReaper<string>;
  private readonly endpoint: string;
  private closing = false;

  constructor(private readonly options: SseFrontOptions) {
    this.log = options.log.child({ front: 'sse' });
    this.guards = createGuards({ listen: options.listen, ...(options.tokens && { tokens: options.tokens }) });
    this.endpoint = options.baseUrl ? `${options.baseUrl.replace(/\/+$/, '')}${options.messagePath}` : options.messagePath;
    this.reaper = new IdleReaper(options.listen.sessionIdleMs, (id) => {
      this.log.info({ session: id.slice(0, 8) }, 'closing idle session');
      void this.sessions.get(id)?.transport.close();
    });
  }


  /** An HttpFront extra route: true when the request was ours (and answered). */
  readonly route = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    if (url.pathname === this.options.ssePath && req.method === 'GET') {
      if (await this.guards.auth(req, res)) await this.open(res, principalOf(req));
      return true;
    }
    if (url.pathname === this.options.messagePath && req.method === 'POST') {
      if (await this.guards.auth(req, res)) await this.post(req, res, url);
      return true;
    }
    if (url.pathname === this.options.ssePath || url.pathname === this.options.messagePath) {
      sendHttpError(
        res,
        new SwitchboardError('SB_METHOD_NOT_ALLOWED', `Method not allowed: GET ${this.options.ssePath} opens a stream, POST ${this.options.messagePath}?sessionId=... sends a message`),
        { headers: { Allow: url.pathname === this.options.ssePath ? 'GET' : 'POST' } },
      );
      return true;
    }
    return false;
  };

  private async open(res: ServerResponse, principal?: Principal): Promise<void> {
    if (this.closing) {
      sendHttpError(res, shuttingDown('the server'));
      return;
    }
    const transport = new SseServerTransport(this.endpoint, res, { maxBodyBytes: this.options.listen.maxBodyBytes, log: this.log });
    const id = transport.sessionId;
    const entry: SseSession = { transport, ...(principal && { principal }) };
    this.sessions.set(id, entry);
    this.reaper.touch(id);
    try {
      entry.session = await this.options.connect(transport, principal);
    } catch (err) {
      this.sessions.delete(id);
      this.reaper.forget(id);
      throw err;
    }
    const session = entry.session;
    this.reaper.watch(id, session);
    // connect() took over transport.onclose; the session's own close runs when the stream ends.
    session.onClose(() => {
      this.sessions.delete(id);
      this.reaper.forget(id);
    });
    this.log.debug({ session: id.slice(0, 8) }, 'sse session opened');
  }

  private async post(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    const id = url.searchParams.get('sessionId') ?? '';
    const entry = this.sessions.get(id);
    if (!entry || entry.principal?.sub !== principalOf(req)?.sub) {
      req.resume();
      sendHttpError(res, new SwitchboardError('SB_UNKNOWN_SESSION', `Session not found: open a new stream with GET ${this.options.ssePath}`));
      return;
    }
    this.reaper.touch(id);
    await entry.transport.handlePostMessage(req, res);
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.reaper.stop();
    await Promise.all([...this.sessions.values()].map((e) => (e.session ? e.session.close() : e.transport.close())));
    this.sessions.clear();
  }
}
