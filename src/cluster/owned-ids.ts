/**
 * Ids that say which replica owns what they name (a 2025 session, a task, a held call):
 * `<replicaId>:<random>:<mac>`. Any replica reads the owner without asking Redis, so a request that
 * lands on the wrong replica is forwarded in one hop, and a replica that dies takes nothing with it
 * but what it owned. The MAC (a key derived from the shared secret) means a client cannot aim a
 * request at a replica of its choosing by editing the id.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const RANDOM_BYTES = 16;
const MAC_BYTES = 12;

export class OwnedIds {
  readonly #key: Buffer;

  constructor(
    readonly self: string,
    key: Buffer,
  ) {
    this.#key = Buffer.from(key);
  }

  /** A new id owned by this replica. */
  mint(): string {
    const body = `${this.self}:${randomBytes(RANDOM_BYTES).toString('base64url')}`;
    return `${body}:${this.#mac(body)}`;
  }

  /** The replica an id names, or undefined when it is not one of ours (forged, edited, foreign). */
  ownerOf(id: string): string | undefined {
    const cut = id.lastIndexOf(':');
    const owner = id.indexOf(':');
    if (cut <= 0 || owner <= 0 || owner === cut) return undefined;
    const body = id.slice(0, cut);
    // Compared as text: base64url decoding ignores stray trailing characters, the text does not.
    const mac = Buffer.from(id.slice(cut + 1));
    const expected = Buffer.from(this.#mac(body));
    if (mac.length !== expected.length || !timingSafeEqual(mac, expected)) return undefined;
    return id.slice(0, owner);
  }

  /** Whether this replica owns the id (false for ids that are not ours at all). */
  isMine(id: string): boolean {
    return this.ownerOf(id) === this.self;
  }

  #mac(body: string): string {
    return createHmac('sha256', this.#key).update(body).digest().subarray(0, MAC_BYTES).toString('base64url');
  }
}
