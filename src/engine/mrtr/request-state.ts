/**
 * The opaque `requestState` of an MRTR round: what lets a 2026-07-28 client's retry find the legacy
 * call the router holds open for it. The client must not be able to forge, alter or replay it:
 *
 * - integrity: HMAC-SHA256 under a key only this process knows (random per process), or, in a
 *   cluster, a key every replica derives from the shared secret; compared in constant time;
 * - ownership: in a cluster it names the replica holding the call (inside the MAC), so a retry that
 *   lands on another replica is forwarded there (transports/held-call-forwarding.ts);
 * - binding: it names one held call and the request it answers (a digest of method and params), so
 *   it cannot be spent on another call or another request;
 * - freshness: it carries an expiry and a nonce; the held call accepts each nonce once, so a replayed
 *   state (even a genuine one) is refused.
 *
 * Nothing secret is inside (a call id, a nonce, a time, a digest): it is signed, not encrypted.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '../../errors/index.js';

export interface RequestStateClaims {
  /** The held call. */
  call: string;
  /** This round's nonce: good for one retry. */
  nonce: string;
  /** Epoch milliseconds after which the state is refused. */
  expires: number;
  /** Digest of the request (method + params without the retry fields): a retry must repeat it. */
  request: string;
  /** The replica holding the call (a cluster); absent for a router on its own. */
  owner?: string;
}

/** Params a retry adds or changes that are not part of "the same request". */
const RETRY_FIELDS = new Set(['inputResponses', 'requestState', '_meta']);

export class RequestStateCodec {
  private readonly key: Buffer;

  constructor(key: Buffer = randomBytes(32)) {
    this.key = key;
  }

  sign(claims: RequestStateClaims): string {
    const fields = [claims.call, claims.nonce, claims.expires, claims.request, ...(claims.owner === undefined ? [] : [claims.owner])];
    const payload = Buffer.from(JSON.stringify(fields)).toString('base64url');
    return `${payload}.${this.mac(payload)}`;
  }

  /** Whether `state` carries this codec's signature (whatever its claims say): a held call's, not another kind. */
  signedHere(state: unknown): boolean {
    if (typeof state !== 'string') return false;
    const dot = state.indexOf('.');
    if (dot <= 0) return false;
    const given = Buffer.from(state.slice(dot + 1), 'base64url');
    const expected = Buffer.from(this.mac(state.slice(0, dot)), 'base64url');
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /** The claims of a state this process signed, or SB_BAD_REQUEST_STATE saying what is wrong with it. */
  verify(state: unknown, now = Date.now()): RequestStateClaims {
    if (typeof state !== 'string') throw bad('params.requestState must be the string an input_required result gave');
    const claims = this.open(state);
    if (!claims) throw bad('requestState was altered or was not issued by this router; send the request again without inputResponses and requestState');
    if (claims.expires <= now) throw bad('requestState has expired: the router no longer holds that call; send the request again without inputResponses and requestState');
    return claims;
  }

  /**
   * The replica a genuine state names, without the checks only the owner can make (nonce, request,
   * expiry): undefined for anything this key did not sign, or a state of a router on its own.
   */
  ownerOf(state: unknown): string | undefined {
    return typeof state === 'string' ? this.open(state)?.owner : undefined;
  }

  private open(state: string): RequestStateClaims | undefined {
    const dot = state.indexOf('.');
    const payload = dot > 0 ? state.slice(0, dot) : '';
    // Compared as text: base64url decoding skips stray characters, so "MAC + junk" would still pass.
    const given = Buffer.from(dot > 0 ? state.slice(dot + 1) : '');
    const expected = Buffer.from(this.mac(payload));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const [call, nonce, expires, request, owner] = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as [string, string, number, string, string?];
    return { call, nonce, expires, request, ...(owner !== undefined && { owner }) };
  }

  private mac(payload: string): string {
    return createHmac('sha256', this.key).update(payload).digest('base64url');
  }
}

/** What "the same request" means for a retry: its method and params, minus the retry fields. */
export function requestDigest(method: string, params: Record<string, unknown> | undefined): string {
  const kept: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(params ?? {})) if (!RETRY_FIELDS.has(k)) kept[k] = v;
  return createHash('sha256').update(method).update('\n').update(stableJson(kept)).digest('base64url');
}

/** JSON with object keys sorted, so a client that rebuilds its params in another order still matches. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function bad(message: string): SwitchboardError {
  return new SwitchboardError('SB_BAD_REQUEST_STATE', message);
}
