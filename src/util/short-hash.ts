/**
 * Stable short digests for names that must be cut to fit: the same input gives the same hash on
 * every machine and across restarts. sha256 over UTF-16LE code units is lossless even for lone
 * surrogates.
 */
import { createHash } from 'node:crypto';

const HASH_LENGTH = 8;

/** A short, stable base36 digest of `input` (8 chars carry ~41 bits: plenty against accidents). */
export function shortHash(input: string, length = HASH_LENGTH): string {
  const digest = createHash('sha256').update(Buffer.from(input, 'utf16le')).digest();
  return digest.readBigUInt64BE(0).toString(36).padStart(13, '0').slice(-length);
}

/** Join head and hash with `-`, cutting the head so the whole fits in `max` characters. */
export function withHashSuffix(head: string, hash: string, max: number): string {
  // Trailing `_`/`-` would only make "github___-k3j..." noise; the hash already marks the cut.
  const kept = head.slice(0, max - hash.length - 1).replace(/[_-]+$/, '');
  return kept === '' ? hash : `${kept}-${hash}`;
}
