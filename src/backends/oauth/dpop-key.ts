/**
 * The DPoP key pair (RFC 9449) of one backend's grant. A DPoP-bound token is only good with the key
 * it was bound to (its cnf.jkt), and `login` and `serve` are different processes, so the private
 * key is kept in the token store's 0600 file next to the tokens it binds; `logout` forgets both.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK } from 'jose';
import type { DpopKeyPair } from '@modelcontextprotocol/client';
import type { OAuthTokenStore, StoredDpopKey } from './token-store.js';

const ALG = 'ES256';

/** The stored key pair, or a new one (stored) when there is none yet. */
export async function dpopKeyPair(store: OAuthTokenStore): Promise<DpopKeyPair> {
  let stored = (await store.read())?.dpopKey;
  if (!stored) {
    const { privateKey } = await generateKeyPair(ALG, { extractable: true });
    const created: StoredDpopKey = { alg: ALG, privateJwk: await exportJWK(privateKey) };
    // Another connection may have stored one meanwhile: the stored key is the one tokens get bound to.
    stored = (await store.update((r) => (r.dpopKey ? r : { ...r, dpopKey: created }))).dpopKey!;
  }
  const { d: _d, ...publicJwk } = stored.privateJwk;
  return {
    privateKey: (await importJWK(stored.privateJwk, stored.alg)) as DpopKeyPair['privateKey'],
    publicKey: (await importJWK(publicJwk, stored.alg)) as DpopKeyPair['publicKey'],
    publicJwk: publicJwk as DpopKeyPair['publicJwk'],
    thumbprint: await calculateJwkThumbprint(publicJwk, 'sha256'),
    alg: stored.alg,
  };
}
