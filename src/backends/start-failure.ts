/**
 * Turns a failed backend start into one sentence a user can act on: what failed, the config field to
 * look at, and the last words the server wrote to stderr.
 */
import { existsSync } from 'node:fs';
import type { ServerConfig, StdioTarget } from '../config/types.js';
import { stripSdkPrefix } from '../errors/index.js';
import { backendEnvironment } from './backend-env.js';
import { needsLoginMessage } from './oauth/needs-login.js';
import type { SpawnError } from './stdio-transport.js';
import type { TransportKind } from './transport-factory.js';

/**
 * Where the command was looked for. A bare name is searched on the backend's own PATH (which
 * `inheritEnv: false` or an `env: { PATH }` may have changed), so show that PATH: "not found" alone
 * leaves the user guessing, most often about a PATH that differs from their shell's.
 */
function notFound(target: StdioTarget, err: unknown, field: string): string {
  if (target.cwd !== undefined && !existsSync(target.cwd)) return `directory ${target.cwd} does not exist (${field}.cwd)`;
  if (/[\\/]/.test(target.command)) return `command "${target.command}" does not exist (${field}.command): check the path`;
  const searched = (err as SpawnError | undefined)?.searchPath ?? backendEnvironment(target).PATH;
  const where = searched ? `on PATH (${searched})` : 'because PATH is empty';
  return `command "${target.command}" was not found ${where} (${field}.command): install it or give its full path`;
}

export function describeStartFailure(server: ServerConfig, kind: TransportKind, err: unknown, stderr: readonly string[]): string {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? stripSdkPrefix(err.message) : String(err);
  const field = `servers.${server.name}`;
  const tail = stderr.length ? `; its stderr ended with: ${stderr.slice(-3).join(' | ').slice(0, 400)}` : '';
  const target = server.target;
  if (target.kind === 'stdio') {
    if (code === 'ENOENT' || /spawn .* ENOENT/.test(message)) return notFound(target, err, field);
    if (code === 'EACCES') return `command "${target.command}" is not executable (${field}.command)`;
    if (/closed|exited|EPIPE/i.test(message)) return `the process exited during the MCP handshake${tail || ' without writing anything to stderr'} (${field}.command/args)`;
    return `${message}${tail}`;
  }
  const needsLogin = needsLoginMessage(err);
  if (needsLogin) return needsLogin;
  const via = kind === 'sse' ? 'legacy SSE' : 'Streamable HTTP';
  // A refused client_credentials or jwt-bearer grant, or a pinned issuer: the auth settings are what to fix.
  const oauth = oauthErrorCode(err);
  if (target.oauth && (oauth || /auth\.issuer is/.test(message))) return `${via}: ${oauth ? `the authorization server refused the router's grant (${oauth}): ` : ''}${message} (${field}.auth)`;
  if (/ECONNREFUSED|fetch failed|ENOTFOUND|EAI_AGAIN/i.test(message + String((err as { cause?: unknown })?.cause ?? ''))) {
    return `${via}: cannot reach ${target.url} (${field}.url): is the server running?`;
  }
  if (/\b401\b|\b403\b|unauthorized/i.test(message)) return `${via}: ${target.url} refused our credentials (${field}.headers): ${message}`;
  return `${via}: ${message} (${field}.url)`;
}

/** The OAuth error code (invalid_client, ...) of an SDK OAuthError in `err`'s cause chain. */
function oauthErrorCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (e.name === 'OAuthError' && typeof code === 'string') return code;
  }
  return undefined;
}

/**
 * The config field a start failure points at, for a "what to fix" hint: the one the description
 * names in parentheses (describeStartFailure always names one when it knows it), else the timeout
 * for a server that never answered, else the server's whole entry.
 */
export function failureField(description: string, server: string): string {
  const named = /\((servers\.[^\s)]+)\)/.exec(description)?.[1];
  if (named) return named;
  if (/no handshake within/.test(description)) return `servers.${server}.connectTimeout`;
  return `servers.${server}`;
}
