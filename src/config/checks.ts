/**
 * Rules that span fields, which a per-field schema cannot express. They run on the value as parsed so
 * far, which may still hold raw, invalid parts when other fields failed: every read is defensive, so
 * these problems are reported together with the per-field ones instead of after a second attempt.
 */
import { DEFAULT_RESTART } from './defaults.js';
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
  if (isRecord(auth)) checkOAuthGrant(['servers', name, 'auth'], auth, out);
}

/** Which credentials each grant needs; a secret or key belongs to a pre-registered client id. */
function checkOAuthGrant(path: string[], auth: Record<string, unknown>, out: CrossIssue[]): void {
  const has = (field: string) => auth[field] !== undefined;
  const grant = auth['grant'] ?? 'authorization_code';
  if (grant !== 'authorization_code' && grant !== 'client_credentials' && grant !== 'jwt_bearer') return; // the schema says so
  for (const field of ['clientSecret', 'privateKeyFile']) {
    if (has(field) && !has('clientId')) out.push({ path: [...path, field], message: `needs "clientId" too: ${field === 'clientSecret' ? 'a client secret' : 'a signing key'} belongs to a pre-registered client id` });
  }
  if (has('clientSecret') && has('privateKeyFile')) out.push({ path: [...path, 'privateKeyFile'], message: 'the client authenticates with "clientSecret" or "privateKeyFile", not both' });
  if (has('privateKeyAlgorithm') && !has('privateKeyFile')) out.push({ path: [...path, 'privateKeyAlgorithm'], message: 'only applies with "privateKeyFile"' });
  if (grant !== 'jwt_bearer' && has('assertionFile')) out.push({ path: [...path, 'assertionFile'], message: 'only applies with "grant: jwt_bearer"' });
  if (grant === 'authorization_code') return;
  if (!has('clientId')) out.push({ path: [...path, 'clientId'], message: `"grant: ${grant}" needs a pre-registered "clientId": nobody is there to register one` });
  if (has('clientMetadataUrl')) out.push({ path: [...path, 'clientMetadataUrl'], message: `does not apply with "grant: ${grant}": the client id is pre-registered` });
  if (grant === 'client_credentials' && !has('clientSecret') && !has('privateKeyFile')) {
    out.push({ path: [...path, 'grant'], message: '"client_credentials" needs "clientSecret" or "privateKeyFile" to authenticate the client' });
  }
  if (grant === 'jwt_bearer' && !has('assertionFile')) out.push({ path: [...path, 'assertionFile'], message: '"grant: jwt_bearer" needs "assertionFile": the JWT to present (e.g. a projected service account token)' });
}

/** A number as the schema will read it (YAML number or interpolated text), or undefined. */
function numberOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isFinite(n) ? n : undefined;
}

function isOn(v: unknown): boolean {
  return v === true || v === 'true';
}

/** Options that only mean something together with another one. */
function checkServerOptions(name: string, server: Record<string, unknown>, out: CrossIssue[]): void {
  if (server['maxQueue'] !== undefined && server['maxConcurrency'] === undefined) {
    out.push({ path: ['servers', name, 'maxQueue'], message: 'only applies together with "maxConcurrency" (calls beyond it wait in this queue); set maxConcurrency too' });
  }
  if (server['idleTimeout'] !== undefined && !isOn(server['lazy'])) {
    out.push({ path: ['servers', name, 'idleTimeout'], message: 'only applies to lazy servers (it stops them again when unused); set "lazy: true" or remove it' });
  }
  const restart = server['restart'];
  if (isRecord(restart)) {
    const initial = restart['initialDelayMs'] === undefined ? DEFAULT_RESTART.initialDelayMs : numberOf(restart['initialDelayMs']);
    const max = restart['maxDelayMs'] === undefined ? DEFAULT_RESTART.maxDelayMs : numberOf(restart['maxDelayMs']);
    if (initial !== undefined && max !== undefined && max < initial) {
      out.push({ path: ['servers', name, 'restart', 'maxDelayMs'], message: `must be at least restart.initialDelayMs (${initial})` });
    }
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

/** Exactly-one-of command/url, form-specific fields, options that need another, unique prefixes, workspace server references. */
export function crossCheck(root: unknown): CrossIssue[] {
  const out: CrossIssue[] = [];
  if (!isRecord(root)) return out;
  const servers = isRecord(root['servers']) ? root['servers'] : {};
  for (const [name, server] of Object.entries(servers)) {
    if (!isRecord(server)) continue;
    checkServerForm(name, server, out);
    checkServerOptions(name, server, out);
  }
  checkPrefixes(servers, out);
  if (isRecord(root['workspaces'])) checkWorkspaceServers(Object.keys(servers), root['workspaces'], out);
  return out;
}
