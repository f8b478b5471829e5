/**
 * Keeping configured secrets out of what the router shows (the status page, /status.json). Error
 * text can carry anything a backend printed, and a backend that fails often prints its own env or
 * the URL it was given. So every value the config hands to a backend as env or a header, and the
 * front's bearer token, is replaced by *** wherever it appears; nothing tries to guess which of
 * them are secret.
 */
import type { RouterConfig } from './types.js';

export const REDACTED = '***';

/** Shorter values are replaced only as whole words: "1" must not turn "10000 ms" into "***0000 ms". */
const WHOLE_WORD_BELOW = 4;

/** Every env and header value of every server, a header's token also without its scheme, OAuth client secrets, and listen.authToken. */
export function configSecrets(config: Pick<RouterConfig, 'servers' | 'listen'>): string[] {
  const values: string[] = [];
  for (const server of config.servers) {
    const target = server.target;
    if (target.kind === 'stdio') values.push(...Object.values(target.env));
    else {
      for (const value of Object.values(target.headers)) {
        values.push(value);
        const scheme = /^(?:Bearer|Basic|Token)\s+(\S.*)$/i.exec(value);
        if (scheme?.[1]) values.push(scheme[1]);
      }
      if (target.oauth?.clientSecret) values.push(target.oauth.clientSecret);
    }
  }
  if (config.listen.authToken) values.push(config.listen.authToken);
  return [...new Set(values.filter((v) => v.trim() !== ''))];
}

/** A function that replaces each of `secrets` in a text by ***; longer secrets first, so none leaves a tail. */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const sorted = [...new Set(secrets)].filter((s) => s !== '').sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  const pattern = sorted.map((s) => (s.length < WHOLE_WORD_BELOW ? `(?<![\\w])${escape(s)}(?![\\w])` : escape(s))).join('|');
  const regex = new RegExp(pattern, 'g');
  return (text) => text.replace(regex, REDACTED);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
