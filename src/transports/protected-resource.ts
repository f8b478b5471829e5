/**
 * The OAuth protected resource side of listen.auth: the metadata document clients read to learn
 * which authorization server to ask for a token (RFC 9728), and the WWW-Authenticate challenges that
 * point them at it (RFC 6750, as the MCP authorization spec asks). The metadata is public: a client
 * reads it before it has a token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { ListenAuthConfig, ListenConfig } from '../config/types.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';

export const METADATA_PREFIX = '/.well-known/oauth-protected-resource';

/** Where the metadata of `audience` lives: the well-known prefix inserted before its path (RFC 9728 section 3.1). */
export function metadataUrl(auth: ListenAuthConfig): string {
  const resource = new URL(auth.audience);
  return `${resource.origin}${METADATA_PREFIX}${resource.pathname.replace(/\/+$/, '')}`;
}

export function metadataDocument(auth: ListenAuthConfig): Record<string, unknown> {
  return {
    resource: auth.audience,
    authorization_servers: [auth.issuer],
    bearer_methods_supported: ['header'],
    ...(auth.scopes.length ? { scopes_supported: auth.scopes } : {}),
    resource_name: 'mcp-switchboard',
  };
}

/**
 * The challenge of a refusal: with no token only where to read the metadata; with a bad one also
 * error="invalid_token"; with too few scopes error="insufficient_scope" and the scopes needed.
 */
export function bearerChallenge(auth: ListenAuthConfig, error?: 'invalid_token' | 'insufficient_scope'): string {
  const parts = [`resource_metadata="${metadataUrl(auth)}"`];
  if (error) parts.push(`error="${error}"`);
  if (error === 'insufficient_scope') parts.push(`scope="${auth.scopes.join(' ')}"`);
  return `Bearer ${parts.join(', ')}`;
}

/**
 * Serves the metadata at the root well-known path and at its path-suffixed forms for the resource's
 * own path and the MCP endpoint (/.well-known/oauth-protected-resource/mcp), whichever a client builds.
 */
export function protectedResourceRoute(listen: ListenConfig & { auth: ListenAuthConfig }): (req: IncomingMessage, res: ServerResponse, url: URL) => boolean {
  const suffixes = new Set(['', new URL(listen.auth.audience).pathname.replace(/\/+$/, ''), listen.path]);
  const paths = new Set([...suffixes].map((s) => `${METADATA_PREFIX}${s}`));
  const body = JSON.stringify(metadataDocument(listen.auth));
  return (req: IncomingMessage, res: ServerResponse, url: URL) => {
    if (!paths.has(url.pathname)) return false;
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      sendHttpError(res, new SwitchboardError('SB_METHOD_NOT_ALLOWED', `Method not allowed: ${url.pathname} answers GET and HEAD`), { headers: { Allow: 'GET, HEAD' } });
      return true;
    }
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)), 'Cache-Control': 'max-age=300' });
    res.end(req.method === 'HEAD' ? undefined : body);
    return true;
  };
}
