import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { RequestStateSigner } from '../../src/engine/request-state.js';

describe('RequestStateSigner', () => {
  const signer = new RequestStateSigner(randomBytes(32));

  it('verifies what it signed, payload intact', () => {
    const payload = { server: 'a', state: 'name:Ada', n: [1, 2] };
    expect(signer.verify(signer.sign(payload))).toEqual(payload);
  });

  it('refuses a token whose payload was changed to name another backend', () => {
    const token = signer.sign({ server: 'a', state: 's' });
    const [, mac] = token.split('.');
    const forged = `${Buffer.from(JSON.stringify({ server: 'b', state: 's' })).toString('base64url')}.${mac}`;
    expect(signer.verify(forged)).toBeUndefined();
  });

  it('refuses tokens signed with another key, truncated, or not tokens at all', () => {
    const other = new RequestStateSigner(randomBytes(32));
    const token = signer.sign({ server: 'a' });
    expect(other.verify(token)).toBeUndefined();
    expect(signer.verify(token.slice(0, -2))).toBeUndefined();
    expect(signer.verify('plain-backend-state')).toBeUndefined();
    expect(signer.verify(`${token}.x`)).toBeUndefined();
    // base64url decoders skip stray characters: the MAC must match as written.
    expect(signer.verify(`${token}x`)).toBeUndefined();
    expect(signer.verify('')).toBeUndefined();
  });

  it('needs a key of at least 32 bytes', () => {
    expect(() => new RequestStateSigner(randomBytes(16))).toThrow('at least 32 bytes, got 16');
  });
});
