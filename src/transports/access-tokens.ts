/**
 * Verifies the OAuth access tokens of listen.auth: JWTs signed by the issuer's keys (fetched through
 * JWKS with jose's cache and cooldown), issued by exactly `issuer`, naming this gateway's resource URL
 * in `aud` (the MCP authorization spec's resource indicator: a token minted for another server is
 * refused even when the same authorization server signed it), not expired (a little clock skew is
 * forgiven). The JWKS URL is configured or found in the issuer's metadata on first use.
 */
import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import type { ListenAuthConfig } from '../config/types.js';
import { SwitchboardError } from '../errors/index.js';
import type { Principal } from '../util/principal.js';

/** Seconds of clock difference between us and the issuer that `exp`/`nbf`/`iat` checks forgive. */
export const CLOCK_TOLERANCE_S = 30;
const DISCOVERY_TIMEOUT_MS = 5000;

export class AccessTokens {
  private keys?: Promise<JWTVerifyGetKey>;

  constructor(private readonly auth: ListenAuthConfig) {}

  /**
   * The principal a token proves. Throws SB_UNAUTHORIZED when the token is bad (the client should
   * get a new one); anything else (the issuer unreachable) is our problem, not the client's.
   */
  async verify(token: string): Promise<Principal> {
    const keys = await this.jwks();
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, keys, { issuer: this.auth.issuer, audience: this.auth.audience, clockTolerance: CLOCK_TOLERANCE_S }));
    } catch (err) {
      if (err instanceof errors.JWKSTimeout || err instanceof errors.JWKSInvalid || !(err instanceof errors.JOSEError)) throw err;
      throw new SwitchboardError('SB_UNAUTHORIZED', `Unauthorized: the access token was refused (${refusalOf(err)})`, { cause: err });
    }
    if (typeof payload.sub !== 'string' || payload.sub === '') throw new SwitchboardError('SB_UNAUTHORIZED', 'Unauthorized: the access token has no "sub" claim');
    return { sub: payload.sub, groups: stringsOf(payload['groups']), scope: scopesOf(payload) };
  }

  private jwks(): Promise<JWTVerifyGetKey> {
    if (!this.keys) {
      const url = this.auth.jwksUrl ? Promise.resolve(this.auth.jwksUrl) : discoverJwksUri(this.auth.issuer);
      this.keys = url.then((u) => createRemoteJWKSet(new URL(u)));
      // A failed discovery is retried by the next request rather than remembered forever.
      this.keys.catch(() => (this.keys = undefined));
    }
    return this.keys;
  }
}

/** What was wrong, in words a client developer can act on (jose's codes are for machines). */
function refusalOf(err: InstanceType<typeof errors.JOSEError>): string {
  if (err instanceof errors.JWTExpired) return 'it has expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'aud') return 'its audience is not this server: request it with this server\'s resource URL as the resource indicator';
    if (err.claim === 'iss') return 'it was issued by another authorization server';
    return `its "${err.claim}" claim is invalid: ${err.reason}`;
  }
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) return 'its signature is not from the authorization server\'s keys';
  return 'it is not a valid JWT';
}

function stringsOf(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** `scope` is space-separated (RFC 9068); some servers send a `scp` array instead. */
function scopesOf(payload: JWTPayload): string[] {
  if (typeof payload['scope'] === 'string') return payload['scope'].split(' ').filter(Boolean);
  return stringsOf(payload['scp']);
}

/**
 * The issuer's jwks_uri, from its metadata in the order the MCP authorization spec gives: RFC 8414
 * (path inserted), OpenID discovery (path inserted), OpenID discovery (path appended). A document
 * whose `issuer` differs is not this issuer's (RFC 8414 section 3.3) and is skipped.
 */
export async function discoverJwksUri(issuer: string): Promise<string> {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, '');
  const candidates = [`/.well-known/oauth-authorization-server${path}`, `/.well-known/openid-configuration${path}`, ...(path ? [`${path}/.well-known/openid-configuration`] : [])];
  const tried: string[] = [];
  for (const candidate of candidates) {
    const where = `${url.origin}${candidate}`;
    tried.push(where);
    const meta = await fetchJson(where);
    if (meta && meta['issuer'] === issuer && typeof meta['jwks_uri'] === 'string') return meta['jwks_uri'];
  }
  throw new Error(`listen.auth: found no jwks_uri for issuer ${issuer} (tried ${tried.join(', ')}); set listen.auth.jwksUrl`);
}

async function fetchJson(url: string): Promise<Record<string, unknown> | undefined> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { Accept: 'application/json' } });
    if (!res.ok) return undefined;
    const body = (await res.json()) as unknown;
    return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
