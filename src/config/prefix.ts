/** The default namespace prefix of a server: its name, made safe for public tool and prompt names. */
import { shortHash, withHashSuffix } from '../util/short-hash.js';

/** Longest prefix sanitizePrefix returns: leaves at least 30 characters for the tool's own name. */
export const MAX_PREFIX_LENGTH = 32;
const INVALID_RUN = /[^A-Za-z0-9_-]+/g;

/**
 * Default prefix for a server name. Underscore runs collapse to one so that a default prefix never
 * contains the default separator `__`: `github__create_issue` then splits unambiguously for a reader.
 */
export function sanitizePrefix(serverName: string): string {
  const cleaned = serverName.replace(INVALID_RUN, '_').replace(/_+/g, '_').replace(/^_+|_+$/g, '');
  if (cleaned === '') return `s${shortHash(serverName, 6)}`;
  if (cleaned.length <= MAX_PREFIX_LENGTH) return cleaned;
  return withHashSuffix(cleaned, shortHash(serverName, 6), MAX_PREFIX_LENGTH);
}
