/**
 * A random UUID held as one flat string. node's randomUUID() builds its result by concatenation, so
 * a UUID that is only stored (never used as a map key, which would flatten it) keeps a tree of about
 * fourteen string pieces alive: some 450 bytes for every idle session that holds one.
 */
import { randomUUID } from 'node:crypto';

export function flatUuid(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}
