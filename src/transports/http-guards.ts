/**
 * Checks every HTTP front applies before a request reaches MCP: DNS-rebinding protection (Host),
 * Origin, bearer auth and CORS. Each guard answers the request itself when it refuses, and returns
 * false, so callers write `if (!guard(req, res)) return;` (`if (!(await guards.auth(req, res)))`).
 *
 * Bearer auth is the static listen.authToken, or with listen.auth an OAuth access token: its
 * principal is attached to the request (principalOf) for the session it opens.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { localhostAllowedHostnames, validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';
import type { ListenAuthConfig, ListenConfig } from '../config/types.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';
import type { Principal } from '../util/principal.js';
import { AccessTokens } from './access-tokens.js';
import { bearerChallenge } from './protected-resource.js';

export interface GuardOptions {
  listen: Pick<ListenConfig, 'host' | 'authToken' | 'cors' | 'allowedOrigins' | 'allowedHosts' | 'auth'>;
  /** One verifier shared by every front of a port, so they share its JWKS cache (default: a new one). */
  tokens?: AccessTokens;
}

const PRINCIPAL = Symbol('mcp-switchboard.principal');
type WithPrincipal = IncomingMessage & { [PRINCIPAL]?: Principal };

/** Who the request's access token proved to be (after guards.auth passed it), or undefined without listen.auth. */
export function principalOf(req: IncomingMessage): Principal | undefined {
  return (req as WithPrincipal)[PRINCIPAL];
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export function createGuards({ listen, tokens }: GuardOptions) {
  const loopback = isLoopbackHost(listen.host);
  const bracket = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  const hosts = [...localhostAllowedHostnames(), ...listen.allowedHosts.map(bracket), ...(loopback ? [] : [bracket(listen.host)])];
  // Browsers on localhost pages may call a localhost router; anything else must be configured.
  const corsOrigins = Array.isArray(listen.cors) ? listen.cors.map(originHostname) : [];
  const origins = [...localhostAllowedHostnames(), ...listen.allowedOrigins, ...corsOrigins];
  const token = listen.authToken ? Buffer.from(listen.authToken) : undefined;
  const oauth = listen.auth && { auth: listen.auth, tokens: tokens ?? new AccessTokens(listen.auth) };

  return {
    /** Host header check (DNS rebinding). On a non-loopback bind with no allowedHosts, clients reach us by names we cannot know: skip. */
    host(req: IncomingMessage, res: ServerResponse): boolean {
      if (!loopback && listen.allowedHosts.length === 0) return true;
      const result = validateHostHeader(req.headers.host, hosts);
      if (result.ok) return true;
      sendHttpError(res, new SwitchboardError('SB_FORBIDDEN_HOST', `${result.message}. Add the hostname to listen.allowedHosts if it is legitimate.`));
      return false;
    },
    origin(req: IncomingMessage, res: ServerResponse): boolean {
      if (listen.cors === true) return true;
      const result = validateOriginHeader(req.headers.origin, origins);
      if (result.ok) return true;
      sendHttpError(res, new SwitchboardError('SB_FORBIDDEN_ORIGIN', `${result.message}. Add it to listen.allowedOrigins (or --cors) if it is legitimate.`));
      return false;
    },
    async auth(req: IncomingMessage, res: ServerResponse): Promise<boolean> {
      if (oauth) return checkAccessToken(req, res, oauth.auth, oauth.tokens);
      if (!token) return true;
      const header = req.headers.authorization ?? '';
      const presented = Buffer.from(header.startsWith('Bearer ') ? header.slice(7) : '');
      if (presented.length === token.length && timingSafeEqual(presented, token)) return true;
      sendHttpError(res, new SwitchboardError('SB_UNAUTHORIZED', 'Unauthorized: send "Authorization: Bearer <token>" with the token given to --auth-token / listen.authToken'), {
        headers: { 'WWW-Authenticate': 'Bearer realm="mcp-switchboard"' },
      });
      return false;
    },
    /** Adds CORS headers; answers preflight requests. Returns false when the request was a preflight. */
    cors(req: IncomingMessage, res: ServerResponse): boolean {
      if (!listen.cors) return true;
      const origin = req.headers.origin;
      const allowed = listen.cors === true ? '*' : origin && listen.cors.includes(origin) ? origin : undefined;
      if (allowed) {
        res.setHeader('Access-Control-Allow-Origin', allowed);
        res.setHeader('Access-Control-Expose-Headers', 'Mcp-Session-Id, Mcp-Protocol-Version, WWW-Authenticate');
        if (allowed !== '*') res.setHeader('Vary', 'Origin');
      }
      if (req.method !== 'OPTIONS') return true;
      res.setHeader('Access-Control-Allow-Methods', 'GET, POST, DELETE, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Content-Type, Authorization, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID');
      res.setHeader('Access-Control-Max-Age', '86400');
      res.writeHead(204).end();
      return false;
    },
  };
}

export type Guards = ReturnType<typeof createGuards>;

async function checkAccessToken(req: IncomingMessage, res: ServerResponse, auth: ListenAuthConfig, tokens: AccessTokens): Promise<boolean> {
  // Checked once per request: a route that passes a request on (/w/NAME/mcp) does not verify it twice.
  if (principalOf(req)) return true;
  const header = req.headers.authorization ?? '';
  const presented = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  if (!presented) {
    sendHttpError(res, new SwitchboardError('SB_UNAUTHORIZED', 'Unauthorized: send "Authorization: Bearer <access token>"; the resource_metadata URL in WWW-Authenticate names the authorization server to get one from'), {
      headers: { 'WWW-Authenticate': bearerChallenge(auth) },
    });
    return false;
  }
  let principal: Principal;
  try {
    principal = await tokens.verify(presented);
  } catch (err) {
    // Anything but a bad token (the issuer's keys unreachable) is ours: the front logs it and answers 500.
    if (!(err instanceof SwitchboardError && err.code === 'SB_UNAUTHORIZED')) throw err;
    sendHttpError(res, err, { headers: { 'WWW-Authenticate': bearerChallenge(auth, 'invalid_token') } });
    return false;
  }
  const missing = auth.scopes.filter((s) => !principal.scope.includes(s));
  if (missing.length) {
    sendHttpError(res, new SwitchboardError('SB_INSUFFICIENT_SCOPE', `Forbidden: the access token lacks the scope ${missing.join(' ')} (listen.auth.scopes)`), {
      headers: { 'WWW-Authenticate': bearerChallenge(auth, 'insufficient_scope') },
    });
    return false;
  }
  (req as WithPrincipal)[PRINCIPAL] = principal;
  return true;
}

function originHostname(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
}
