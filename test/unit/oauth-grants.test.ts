// The non-interactive grants and DPoP of the router's OAuth client (docs/auth.md): what the provider
// hands the SDK's auth() for client_credentials, jwt_bearer and private_key_jwt, the issuer pin,
// and the DPoP key kept with the tokens. End to end they run in test/conformance/auth-client.test.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader, exportPKCS8, generateKeyPair } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { RouterOAuthProvider } from '../../src/backends/oauth/provider.js';
import { OAuthTokenStore } from '../../src/backends/oauth/token-store.js';
import type { OAuthSettings } from '../../src/config/types.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-oauth-grants-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function provider(settings: OAuthSettings, dir = temp()) {
  const store = new OAuthTokenStore(dir, 'svc', 'https://mcp.example/mcp');
  return { store, provider: new RouterOAuthProvider({ serverName: 'svc', store, settings }) };
}

describe('client_credentials', () => {
  it('has no redirect, asks for the grant with the scope, and authenticates with the secret', async () => {
    const { provider: p } = provider({ grant: 'client_credentials', clientId: 'svc-1', clientSecret: 's3cret', issuer: 'https://id.example' });
    expect(p.redirectUrl).toBeUndefined();
    expect(p.clientMetadata).toEqual({ client_name: 'mcp-switchboard', redirect_uris: [], grant_types: ['client_credentials'], token_endpoint_auth_method: 'client_secret_basic' });
    expect(String(await p.prepareTokenRequest('tools.read'))).toBe('grant_type=client_credentials&scope=tools.read');
    expect(p.addClientAuthentication).toBeUndefined();
    expect(await p.clientInformation({ issuer: 'https://id.example/' })).toEqual({ client_id: 'svc-1', client_secret: 's3cret', issuer: 'https://id.example/' });
  });

  it('refuses to hand the credentials to an authorization server other than the pinned issuer', async () => {
    const { provider: p } = provider({ grant: 'client_credentials', clientId: 'svc-1', clientSecret: 's3cret', issuer: 'https://id.example' });
    await expect(p.clientInformation({ issuer: 'https://evil.example' })).rejects.toThrow(
      'the server names the authorization server https://evil.example, but auth.issuer is https://id.example: the router\'s credentials are not sent there',
    );
  });

  it('with a key file, signs a private_key_jwt assertion for the token endpoint, reading the key each time', async () => {
    const dir = temp();
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    writeFileSync(join(dir, 'key.pem'), await exportPKCS8(privateKey));
    const { provider: p } = provider({ grant: 'client_credentials', clientId: 'svc-1', privateKeyFile: join(dir, 'key.pem'), privateKeyAlgorithm: 'ES256' }, dir);
    expect(p.clientMetadata.token_endpoint_auth_method).toBe('private_key_jwt');
    const params = new URLSearchParams();
    await p.addClientAuthentication!(new Headers(), params, 'https://id.example/token', { issuer: 'https://id.example' } as never);
    expect(params.get('client_assertion_type')).toBe('urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    const assertion = params.get('client_assertion')!;
    expect(decodeProtectedHeader(assertion).alg).toBe('ES256');
    expect(decodeJwt(assertion)).toMatchObject({ iss: 'svc-1', sub: 'svc-1', aud: 'https://id.example' });
  });
});

describe('jwt_bearer', () => {
  it('presents the current content of the assertion file', async () => {
    const dir = temp();
    const file = join(dir, 'token');
    writeFileSync(file, 'eyJ.first.jwt\n');
    const { provider: p } = provider({ grant: 'jwt_bearer', clientId: 'wl', assertionFile: file }, dir);
    expect(p.redirectUrl).toBeUndefined();
    expect(p.clientMetadata.grant_types).toEqual(['urn:ietf:params:oauth:grant-type:jwt-bearer']);
    expect(p.clientMetadata.token_endpoint_auth_method).toBe('none');
    expect(Object.fromEntries(await p.prepareTokenRequest(undefined) as URLSearchParams)).toEqual({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: 'eyJ.first.jwt' });
    writeFileSync(file, 'eyJ.rotated.jwt');
    expect((await p.prepareTokenRequest('a b'))?.get('assertion')).toBe('eyJ.rotated.jwt');
  });
});

describe('authorization_code', () => {
  it('leaves the token request to the SDK (code exchange) and has no DPoP session unless asked', async () => {
    const { provider: p } = provider({});
    expect(await p.prepareTokenRequest('x')).toBeUndefined();
    expect(p.dpop()).toBeUndefined();
  });
});

describe('dpop: true', () => {
  it('keeps one key pair in the token store, so login and serve present the key the token is bound to', async () => {
    const dir = temp();
    const login = provider({ dpop: true }, dir);
    const first = await login.provider.dpop()!;
    expect(first.alg).toBe('ES256');
    expect((await login.store.read())?.dpopKey?.privateJwk).toMatchObject({ kty: 'EC', crv: 'P-256' });
    const serve = provider({ dpop: true }, dir);
    const second = await serve.provider.dpop()!;
    expect(second.thumbprint).toBe(first.thumbprint);
    expect(second.publicJwk).not.toHaveProperty('d');
    const proof = await second.buildProof({ htm: 'POST', htu: 'https://mcp.example/mcp' });
    expect(decodeProtectedHeader(proof)).toMatchObject({ typ: 'dpop+jwt', alg: 'ES256', jwk: first.publicJwk });
  });
});
