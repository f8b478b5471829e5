/**
 * The router's own pages on its HTTP port: /metrics (Prometheus text), the status page (at `/`
 * unless moved) and /status.json, the data that page polls and that tools read. They sit behind the
 * same guards as MCP: Host, Origin and CORS in HttpFront, the bearer token here. What they show
 * (tool names, errors, traffic) is for the people who run the router, not for anyone who can reach
 * the port.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ListenConfig } from '../config/types.js';
import { STATUS_PAGE_CSP, statusPageHtml } from '../status/page.js';
import type { ExtraRoute } from './http-front.js';
import { createGuards } from './http-guards.js';
import type { AccessTokens } from './access-tokens.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';

export const METRICS_PATH = '/metrics';
export const STATUS_JSON_PATH = '/status.json';
export const DEFAULT_STATUS_PATH = '/';

export interface StatusRoutesOptions {
  listen: ListenConfig;
  /** Where the status page is served (default `/`). */
  statusPath?: string;
  snapshot(): unknown;
  metrics(): Promise<{ contentType: string; body: string }>;
  /** The access-token verifier shared by the port's fronts (listen.auth). */
  tokens?: AccessTokens;
}

/** The paths these routes take: `serve` refuses a --status-path that collides with them. */
export function reservedPaths(listen: ListenConfig): string[] {
  return [listen.path, ...listen.healthEndpoints, METRICS_PATH, STATUS_JSON_PATH];
}

export function statusRoutes(options: StatusRoutesOptions): ExtraRoute {
  const guards = createGuards({ listen: options.listen, ...(options.tokens && { tokens: options.tokens }) });
  const statusPath = options.statusPath ?? DEFAULT_STATUS_PATH;
  const page = statusPageHtml(STATUS_JSON_PATH);
  return async (req: IncomingMessage, res: ServerResponse, url: URL) => {
    const path = url.pathname;
    if (path !== statusPath && path !== STATUS_JSON_PATH && path !== METRICS_PATH) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      // A client that POSTs MCP to `/` learns where MCP is, not that `/` exists.
      if (path === statusPath) return false;
      sendHttpError(res, new SwitchboardError('SB_METHOD_NOT_ALLOWED', `Method not allowed: ${path} answers GET and HEAD`), { headers: { Allow: 'GET, HEAD' } });
      return true;
    }
    if (!(await guards.auth(req, res))) return true;
    const headers = { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' };
    if (path === METRICS_PATH) {
      const { contentType, body } = await options.metrics();
      send(req, res, { ...headers, 'Content-Type': contentType }, body);
    } else if (path === STATUS_JSON_PATH) {
      send(req, res, { ...headers, 'Content-Type': 'application/json' }, JSON.stringify(options.snapshot()));
    } else {
      send(req, res, { ...headers, 'Content-Type': 'text/html; charset=utf-8', 'Content-Security-Policy': STATUS_PAGE_CSP, 'Referrer-Policy': 'no-referrer' }, page);
    }
    return true;
  };
}

function send(req: IncomingMessage, res: ServerResponse, headers: Record<string, string>, body: string): void {
  res.writeHead(200, { ...headers, 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(req.method === 'HEAD' ? undefined : body);
}
