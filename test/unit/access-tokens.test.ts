/**
 * Finding the issuer's keys (discoverJwksUri): the metadata locations in the MCP authorization
 * spec's order, a document for another issuer skipped, and a refusal that says where it looked.
 * Token checks themselves run against a real authorization server in test/e2e/oauth-front.test.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { discoverJwksUri } from '../../src/transports/access-tokens.js';

let server: Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A metadata server answering `docs` by path (404 elsewhere); resolves with its origin and the paths asked. */
async function metadataServer(docs: (origin: string) => Record<string, unknown>): Promise<{ origin: string; asked: string[] }> {
  const asked: string[] = [];
  let origin = '';
  server = createServer((req, res) => {
    asked.push(req.url ?? '');
    const doc = docs(origin)[req.url ?? ''];
    if (doc === undefined) res.writeHead(404).end();
    else res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { origin, asked };
}

describe('discoverJwksUri', () => {
  it('tries RFC 8414 then OpenID discovery (inserted, then appended), skipping another issuer\'s document', async () => {
    const { origin, asked } = await metadataServer((o) => ({
      '/.well-known/oauth-authorization-server/tenant': { issuer: `${o}/other`, jwks_uri: `${o}/wrong-keys` },
      '/tenant/.well-known/openid-configuration': { issuer: `${o}/tenant`, jwks_uri: `${o}/tenant/keys` },
    }));
    expect(await discoverJwksUri(`${origin}/tenant`)).toBe(`${origin}/tenant/keys`);
    expect(asked).toEqual(['/.well-known/oauth-authorization-server/tenant', '/.well-known/openid-configuration/tenant', '/tenant/.well-known/openid-configuration']);
  });

  it('takes the RFC 8414 document of a path-less issuer first', async () => {
    const { origin, asked } = await metadataServer((o) => ({ '/.well-known/oauth-authorization-server': { issuer: o, jwks_uri: `${o}/jwks` } }));
    expect(await discoverJwksUri(origin)).toBe(`${origin}/jwks`);
    expect(asked).toEqual(['/.well-known/oauth-authorization-server']);
  });

  it('says where it looked and what to set when no document names the keys', async () => {
    const { origin } = await metadataServer(() => ({}));
    await expect(discoverJwksUri(origin)).rejects.toThrow(
      `listen.auth: found no jwks_uri for issuer ${origin} (tried ${origin}/.well-known/oauth-authorization-server, ${origin}/.well-known/openid-configuration); set listen.auth.jwksUrl`,
    );
  });
});
