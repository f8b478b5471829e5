/**
 * Keys every replica derives alike from `cluster.secret`, one per purpose (HKDF-SHA256), so a MAC
 * made for a cursor can never pass as a session id or a requestState, and a leaked derived key does
 * not reveal the secret or the other keys.
 */
import { hkdfSync } from 'node:crypto';

export type KeyPurpose = 'session-id' | 'cursor' | 'request-state' | 'held-call' | 'task-id' | 'event-store';

const SALT = 'mcp-switchboard/cluster/v1';
/** 32 characters of `openssl rand -hex 32` carry 128 bits; less is guessable offline from one MAC. */
export const STRONG_SECRET_LENGTH = 32;

/** What to tell the operator about a cluster.secret, or undefined when it is fine. */
export function weakSecretWarning(secret: string): string | undefined {
  if (secret.length >= STRONG_SECRET_LENGTH) return undefined;
  return `cluster.secret is ${secret.length} characters long: anyone who guesses it can forge session ids, cursors and requestState; use ${STRONG_SECRET_LENGTH} or more (e.g. \`openssl rand -hex 32\`), the same on every replica`;
}
const KEY_BYTES = 32;

export class ClusterKeys {
  readonly #secret: Buffer;
  readonly #derived = new Map<KeyPurpose, Buffer>();

  constructor(secret: string) {
    this.#secret = Buffer.from(secret, 'utf8');
  }

  derive(purpose: KeyPurpose): Buffer {
    let key = this.#derived.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.#secret, SALT, purpose, KEY_BYTES));
      this.#derived.set(purpose, key);
    }
    return key;
  }
}
