/**
 * A real OAuth authorization server for tests: oidc-provider on a loopback port, issuing JWT access
 * tokens by the client_credentials grant with resource indicators (RFC 8707), so `aud` is whatever
 * resource the client asked for. Each client's `groups` claim comes from the table it was built with.
 * Its signing key is ours, so a test can also sign a token the issuer would have issued (an expired
 * one), and a stranger's key is one generateKeyPair away.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWTPayload } from 'jose';
import Provider from 'oidc-provider';

export interface TestClient {
  id: string;
  secret: string;
  groups: string[];
}

export interface TestIssuer {
  issuer: string;
  /** An access token for `client`, minted through the token endpoint for `resource`. */
  token(client: TestClient, resource: string, scope?: string): Promise<string>;
  /** A token signed with the issuer's own key, with exactly these claims (iss set to the issuer unless given). */
  signed(claims: JWTPayload): Promise<string>;
  close(): Promise<void>;
}

const KID = 'test-issuer-key';

export async function startTestIssuer(clients: TestClient[], scopes: string[] = ['mcp']): Promise<TestIssuer> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), kid: KID, alg: 'RS256', use: 'sig' };
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const groups = new Map(clients.map((c) => [c.id, c.groups]));
  const provider = new Provider(issuer, {
    clients: clients.map((c) => ({ client_id: c.id, client_secret: c.secret, grant_types: ['client_credentials'], redirect_uris: [], response_types: [] })),
    jwks: { keys: [jwk] },
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      resourceIndicators: {
        enabled: true,
        // Any resource is a resource server here: the test asks for the wrong one on purpose.
        getResourceServerInfo: () => ({ scope: scopes.join(' '), accessTokenFormat: 'jwt', accessTokenTTL: 300, jwt: { sign: { alg: 'RS256' } } }),
      },
    },
    ttl: { ClientCredentials: 300 },
    extraTokenClaims: (_ctx, token) => ({ groups: groups.get(token.clientId ?? '') ?? [] }),
  });
  server.on('request', provider.callback());
  return {
    issuer,
    async token(client, resource, scope = scopes.join(' ')) {
      const res = await fetch(`${issuer}/token`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: `Basic ${Buffer.from(`${client.id}:${client.secret}`).toString('base64')}` },
        body: new URLSearchParams({ grant_type: 'client_credentials', resource, scope }).toString(),
      });
      const body = (await res.json()) as { access_token?: string; error?: string; error_description?: string };
      if (!body.access_token) throw new Error(`the test issuer refused a token: ${res.status} ${body.error}: ${body.error_description}`);
      return body.access_token;
    },
    signed(claims) {
      return new SignJWT({ iss: issuer, ...claims }).setProtectedHeader({ alg: 'RS256', kid: KID, typ: 'at+jwt' }).sign(privateKey);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A token from an issuer nobody trusts: its own key, its own `iss`. */
export async function foreignToken(claims: JWTPayload): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ iss: 'http://issuer.invalid', ...claims }).setProtectedHeader({ alg: 'RS256', kid: 'stranger' }).sign(privateKey);
}
