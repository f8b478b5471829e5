/**
 * Keys every replica derives alike from `cluster.secret`, one per purpose (HKDF-SHA256), so a MAC
 * made for a cursor can never pass as a session id or a requestState, and a leaked derived key does
 * not reveal the secret or the other keys.
 */
import { hkdfSync } from 'node:crypto';

export type KeyPurpose = 'session-id' | 'cursor' | 'request-state' | 'held-call' | 'task-id' | 'event-store';

const SALT = 'mcp-switchboard/cluster/v1';
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
