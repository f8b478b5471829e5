/**
 * Signed tokens for state that round-trips through a client (MRTR requestState): whatever the router
 * hands out comes back as attacker-controlled input, so it carries an HMAC-SHA256 over its payload
 * and is refused unless the signature is ours. The key is given at construction: one random key per
 * router is enough for one process; replicas that share clients must share a key.
 *
 * Token: base64url(JSON payload) "." base64url(HMAC-SHA256(key, first part)).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

const MIN_KEY_BYTES = 32;

export class RequestStateSigner {
  private readonly key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength < MIN_KEY_BYTES) throw new RangeError(`a request-state key needs at least ${MIN_KEY_BYTES} bytes, got ${key.byteLength}`);
    this.key = Buffer.from(key);
  }

  sign(payload: unknown): string {
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.mac(body).toString('base64url')}`;
  }

  /** The payload signed into `token`, or undefined when the token is not one of ours, unaltered. */
  verify(token: string): unknown {
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return undefined;
    const body = token.slice(0, dot);
    // Compared as text: base64url decoding skips stray characters, so "MAC + junk" would still pass.
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.mac(body).toString('base64url'));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    try {
      return JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
  }

  private mac(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }
}
