/**
 * The secret VALUES a config carries: env values of stdio servers, header values and URL credentials
 * of remote servers, and listen.authToken. The logger (src/log.ts) turns them into a redactor that
 * replaces each occurrence with "***" in every log line, and the router in every error message a
 * client gets, so a secret that a backend echoes on stderr or in an error never travels further.
 *
 * Values are collected, not keys: a token is a token whatever the field is called, and a backend
 * that prints its environment prints values. Values shorter than MIN_SECRET_LENGTH are skipped:
 * nothing that short is a credential, and replacing "1" or "true" everywhere would garble every line.
 */
import type { RouterConfig } from './types.js';

export const MIN_SECRET_LENGTH = 6;

export interface SecretOptions {
  /** More values (a --auth-token flag, say). */
  extra?: ReadonlyArray<string | undefined>;
  /**
   * false: skip stdio env values. The bridge hands its child the router's whole environment (as
   * supergateway does); those are the user's own variables (PATH, HOME, ...), not config secrets.
   */
  env?: boolean;
}

/** Every secret value of `config`, longest first, deduplicated. */
export function configSecrets(config: Pick<RouterConfig, 'servers' | 'listen'>, options: SecretOptions = {}): string[] {
  const found = new Set<string>();
  const add = (value: string | undefined): void => {
    if (value === undefined) return;
    const trimmed = value.trim();
    if (trimmed.length >= MIN_SECRET_LENGTH) found.add(trimmed);
  };
  for (const server of config.servers) {
    const target = server.target;
    if (target.kind === 'stdio') {
      if (options.env !== false) for (const value of Object.values(target.env)) add(value);
      continue;
    }
    for (const value of Object.values(target.headers)) {
      add(value);
      // "Bearer TOKEN", "Basic XYZ": a backend that echoes the credential often echoes only the token.
      add(/^[A-Za-z][\w-]*\s+(\S.*)$/.exec(value.trim())?.[1]);
    }
    for (const credential of urlCredentials(target.url)) add(credential);
  }
  add(config.listen.authToken);
  for (const value of options.extra ?? []) add(value);
  // Longest first: a secret that contains another is replaced whole, not left half-visible.
  return [...found].sort((a, b) => b.length - a.length);
}

/** user, password and user:password of a URL, raw and percent-decoded. */
function urlCredentials(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const out: string[] = [];
  for (const part of [parsed.username, parsed.password, parsed.username && parsed.password ? `${parsed.username}:${parsed.password}` : '']) {
    if (!part) continue;
    out.push(part);
    try {
      out.push(decodeURIComponent(part));
    } catch {
      // a malformed escape: the raw form is what would be printed anyway
    }
  }
  return out;
}
