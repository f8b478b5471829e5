/**
 * What a non-interactive grant adds to the router's OAuth client: the token request of
 * client_credentials (OAuth 2.1 §4.2, SEP-1046) and of the RFC 7523 jwt-bearer grant (workload
 * identity federation, SEP-1933), and private_key_jwt client authentication (RFC 7523 §2.2). The
 * SDK's auth() runs the rest: discovery, the resource parameter, the token endpoint call, retries.
 * Key and assertion files are read at each token request: a rotated key or a refreshed projected
 * token (Kubernetes, a CI runner's OIDC token) is picked up without a restart.
 */
import { readFile } from 'node:fs/promises';
import type { AddClientAuthentication } from '@modelcontextprotocol/client';
import type { OAuthSettings } from '../../config/types.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/** True when `serve` gets tokens by itself: nobody is sent to a browser. */
export function isNonInteractive(settings: OAuthSettings): boolean {
  return settings.grant === 'client_credentials' || settings.grant === 'jwt_bearer';
}

/** The grant_types a registration or metadata document declares. */
export function grantTypes(settings: OAuthSettings): string[] {
  if (settings.grant === 'client_credentials') return ['client_credentials'];
  if (settings.grant === 'jwt_bearer') return [JWT_BEARER];
  return ['authorization_code', 'refresh_token'];
}

export function tokenEndpointAuthMethod(settings: OAuthSettings): string {
  if (settings.privateKeyFile) return 'private_key_jwt';
  return settings.clientSecret ? 'client_secret_basic' : 'none';
}

/** The body of a non-interactive grant's token request; undefined: authorization_code (the SDK's default). */
export async function tokenRequestParams(settings: OAuthSettings, scope: string | undefined): Promise<URLSearchParams | undefined> {
  if (!isNonInteractive(settings)) return undefined;
  const params = new URLSearchParams({ grant_type: settings.grant === 'jwt_bearer' ? JWT_BEARER : 'client_credentials' });
  if (settings.grant === 'jwt_bearer') params.set('assertion', (await readFile(settings.assertionFile!, 'utf8')).trim());
  if (scope) params.set('scope', scope);
  return params;
}

/** private_key_jwt over the SDK's signer, with the key read from its file each time; undefined without a key. */
export function privateKeyJwtAuthentication(settings: OAuthSettings): AddClientAuthentication | undefined {
  const { privateKeyFile, clientId } = settings;
  if (!privateKeyFile || !clientId) return undefined;
  return async (headers, params, url, metadata) => {
    const { createPrivateKeyJwtAuth } = await import('@modelcontextprotocol/client');
    const privateKey = await readFile(privateKeyFile, 'utf8');
    const sign = createPrivateKeyJwtAuth({ issuer: clientId, subject: clientId, privateKey, alg: settings.privateKeyAlgorithm ?? 'RS256' });
    await sign(headers, params, url, metadata);
  };
}
