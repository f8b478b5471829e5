/**
 * Rules that span fields, which a per-field schema cannot express. They run on the value as parsed so
 * far, which may still hold raw, invalid parts when other fields failed: every read is defensive, so
 * these problems are reported together with the per-field ones instead of after a second attempt.
 */
import { sanitizePrefix } from './prefix.js';
import type { PathSegment } from './paths.js';

export interface CrossIssue {
  path: PathSegment[];
  message: string;
}

const STDIO_ONLY = ['args', 'env', 'inheritEnv', 'cwd'] as const;
const REMOTE_ONLY = ['type', 'headers', 'auth'] as const;

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

function checkServerForm(name: string, server: Record<string, unknown>, out: CrossIssue[]): void {
  const hasCommand = server['command'] !== undefined;
  const hasUrl = server['url'] !== undefined;
  if (hasCommand === hasUrl) {
    out.push({
      path: ['servers', name],
      message: `needs exactly one of "command" (start a local stdio server) or "url" (connect to a remote server), found ${hasCommand ? 'both' : 'neither'}`,
    });
    return;
  }
  const [misplaced, form, present] = hasUrl ? [STDIO_ONLY, 'stdio servers (those with "command")', 'url'] : [REMOTE_ONLY, 'remote servers (those with "url")', 'command'];
  for (const field of misplaced) {
    if (server[field] !== undefined) out.push({ path: ['servers', name, field], message: `only applies to ${form}; this server has "${present}"` });
  }
  if (hasUrl) checkOAuth(name, server, out);
}

/** OAuth tokens travel in Authorization: a configured one would fight them, and a secret needs its id. */
function checkOAuth(name: string, server: Record<string, unknown>, out: CrossIssue[]): void {
  const auth = server['auth'];
  if (auth === undefined) return;
  const headers = server['headers'];
  if (isRecord(headers) && Object.keys(headers).some((h) => h.toLowerCase() === 'authorization')) {
    out.push({ path: ['servers', name, 'headers'], message: 'sets Authorization, but "auth: oauth" sends the router\'s own token there; remove one of them' });
  }
  if (isRecord(auth) && auth['clientSecret'] !== undefined && auth['clientId'] === undefined) {
    out.push({ path: ['servers', name, 'auth', 'clientSecret'], message: 'needs "clientId" too: a client secret belongs to a pre-registered client id' });
  }
}

function checkPrefixes(servers: Record<string, unknown>, out: CrossIssue[]): void {
  const owner = new Map<string, string>();
  for (const [name, server] of Object.entries(servers)) {
    if (!isRecord(server)) continue;
    const explicit = typeof server['prefix'] === 'string';
    const prefix = explicit ? (server['prefix'] as string) : sanitizePrefix(name);
    const other = owner.get(prefix);
    if (other === undefined) {
      owner.set(prefix, name);
      continue;
    }
    const shown = prefix === '' ? '"" (no namespace)' : `"${prefix}"`;
    out.push({
      path: explicit ? ['servers', name, 'prefix'] : ['servers', name],
      message: `prefix ${shown} is already used by server "${other}"; give each server its own prefix (set "prefix:" on one of them)`,
    });
  }
}

function checkWorkspaceServers(known: string[], workspaces: Record<string, unknown>, out: CrossIssue[]): void {
  const knownText = known.length === 0 ? '(none)' : known.join(', ');
  for (const [wsName, ws] of Object.entries(workspaces)) {
    if (!isRecord(ws) || !Array.isArray(ws['servers'])) continue;
    ws['servers'].forEach((ref: unknown, i: number) => {
      if (typeof ref === 'string' && ref !== '' && !known.includes(ref)) {
        out.push({ path: ['workspaces', wsName, 'servers', i], message: `unknown server "${ref}"; known: ${knownText}` });
      }
    });
  }
}

/** Exactly-one-of command/url, form-specific fields, unique prefixes, workspace server references. */
export function crossCheck(root: unknown): CrossIssue[] {
  const out: CrossIssue[] = [];
  if (!isRecord(root)) return out;
  const servers = isRecord(root['servers']) ? root['servers'] : {};
  for (const [name, server] of Object.entries(servers)) if (isRecord(server)) checkServerForm(name, server, out);
  checkPrefixes(servers, out);
  if (isRecord(root['workspaces'])) checkWorkspaceServers(Object.keys(servers), root['workspaces'], out);
  return out;
}
