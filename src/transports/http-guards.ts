/**
 * Checks every HTTP front applies before a request reaches MCP: DNS-rebinding protection (Host),
 * Origin, bearer auth and CORS. Each guard answers the request itself when it refuses, and returns
 * false, so callers write `if (!guard(req, res)) return;`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { localhostAllowedHostnames, validateHostHeader, validateOriginHeader } from '@modelcontextprotocol/server';
import type { ListenConfig } from '../config/types.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';

export interface GuardOptions {
  listen: Pick<ListenConfig, 'host' | 'authToken' | 'cors' | 'allowedOrigins' | 'allowedHosts'>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host) || host.startsWith('127.');
}

export function createGuards({ listen }: GuardOptions) {
  const loopback = isLoopbackHost(listen.host);
  const bracket = (h: string) => (h.includes(':') && !h.startsWith('[') ? `[${h}]` : h);
  const hosts = [...localhostAllowedHostnames(), ...listen.allowedHosts.map(bracket), ...(loopback ? [] : [bracket(listen.host)])];
  // Browsers on localhost pages may call a localhost router; anything else must be configured.
  const corsOrigins = Array.isArray(listen.cors) ? listen.cors.map(originHostname) : [];
  const origins = [...localhostAllowedHostnames(), ...listen.allowedOrigins, ...corsOrigins];
  const token = listen.authToken ? Buffer.from(listen.authToken) : undefined;

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
    auth(req: IncomingMessage, res: ServerResponse): boolean {
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

function originHostname(origin: string): string {
  try {
    return new URL(origin).hostname;
  } catch {
    return origin;
  }
}
