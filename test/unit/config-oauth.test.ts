import { describe, expect, it } from 'vitest';
import { thrown } from '../helpers/thrown.js';
import { parseConfig } from '../../src/config/index.js';
import { configSecrets } from '../../src/config/redact.js';
import type { RemoteTarget } from '../../src/config/types.js';
import { SwitchboardError } from '../../src/errors/index.js';


function target(yaml: string, env: Record<string, string> = {}): RemoteTarget {
  return parseConfig(yaml, { env }).servers[0]!.target as RemoteTarget;
}

describe('auth: oauth on a network server', () => {
  it('accepts the short form with no client settings', () => {
    expect(target('servers:\n  gh: { url: "https://mcp.example.com/mcp", auth: oauth }\n')).toEqual({
      kind: 'auto',
      url: 'https://mcp.example.com/mcp',
      headers: {},
      oauth: {},
    });
  });

  it('takes clientId, a ${VAR} clientSecret, scopes and clientMetadataUrl from the mapping form', () => {
    const yaml = [
      'servers:',
      '  gh:',
      '    url: https://mcp.example.com/mcp',
      '    auth:',
      '      type: oauth',
      '      clientId: switchboard',
      '      clientSecret: ${GH_SECRET}',
      '      scopes: [repo, "read:org"]',
      '      clientMetadataUrl: https://example.com/switchboard/client.json',
    ].join('\n');
    const t = target(yaml, { GH_SECRET: 's3cret-value' });
    expect(t.oauth).toEqual({
      clientId: 'switchboard',
      clientSecret: 's3cret-value',
      scopes: ['repo', 'read:org'],
      clientMetadataUrl: 'https://example.com/switchboard/client.json',
    });
    expect(configSecrets(parseConfig(yaml, { env: { GH_SECRET: 's3cret-value' } }))).toContain('s3cret-value');
  });

  it('reports every misuse at once, naming the field and never echoing the secret', () => {
    const yaml = [
      'servers:',
      '  local: { command: node, auth: oauth }',
      '  a: { url: "https://a.example/mcp", auth: basic }',
      '  b: { url: "https://b.example/mcp", auth: oauth, headers: { authorization: "Bearer x" } }',
      '  c: { url: "https://c.example/mcp", auth: { type: oauth, clientSecret: hunter22, clientMetadataUrl: "http://x.example/c.json" } }',
    ].join('\n');
    const err = thrown(() => parseConfig(yaml, { env: {}, sourceName: 'r.yaml' }));
    expect(err.code).toBe('SB_CONFIG_INVALID');
    expect(err.message.split('\n')).toEqual([
      'r.yaml: config is invalid (5 problems):',
      'servers.local.auth: only applies to remote servers (those with "url"); this server has "command"',
      'servers.a.auth: expected "oauth", got "basic"',
      'servers.b.headers: sets Authorization, but "auth: oauth" sends the router\'s own token there; remove one of them',
      'servers.c.auth.clientSecret: needs "clientId" too: a client secret belongs to a pre-registered client id',
      'servers.c.auth.clientMetadataUrl: expected an https URL with a path, such as https://example.com/switchboard/client.json, got "http://x.example/c.json"',
    ]);
    expect(err.message).not.toContain('hunter22');
  });

  it('takes a non-interactive grant with key and assertion files resolved against the config directory', () => {
    const yaml = [
      'servers:',
      '  m2m: { url: "https://m2m.example/mcp", auth: { type: oauth, grant: client_credentials, clientId: svc, privateKeyFile: keys/svc.pem, privateKeyAlgorithm: ES256, issuer: "https://id.example" } }',
      '  wl: { url: "https://wl.example/mcp", auth: { type: oauth, grant: jwt_bearer, clientId: wl, assertionFile: /var/run/secrets/token, dpop: "true" } }',
    ].join('\n');
    const [m2m, wl] = parseConfig(yaml, { env: {}, baseDir: '/etc/switchboard' }).servers.map((s) => (s.target as RemoteTarget).oauth);
    expect(m2m).toEqual({ grant: 'client_credentials', clientId: 'svc', privateKeyFile: '/etc/switchboard/keys/svc.pem', privateKeyAlgorithm: 'ES256', issuer: 'https://id.example' });
    expect(wl).toEqual({ grant: 'jwt_bearer', clientId: 'wl', assertionFile: '/var/run/secrets/token', dpop: true });
  });

  it('says which credentials each grant needs', () => {
    const yaml = [
      'servers:',
      '  a: { url: "https://a.example/mcp", auth: { type: oauth, grant: client_credentials } }',
      '  b: { url: "https://b.example/mcp", auth: { type: oauth, grant: jwt_bearer, clientId: b, clientMetadataUrl: "https://x.example/c.json" } }',
      '  c: { url: "https://c.example/mcp", auth: { type: oauth, clientId: c, clientSecret: hunter22, privateKeyFile: k.pem, assertionFile: t.jwt } }',
      '  d: { url: "https://d.example/mcp", auth: { type: oauth, grant: password } }',
      '  e: { url: "https://e.example/mcp", auth: { type: oauth, clientId: e, privateKeyFile: e.pem, privateKeyAlgorithm: HS256 } }',
    ].join('\n');
    const err = thrown(() => parseConfig(yaml, { env: {}, sourceName: 'r.yaml' }));
    expect(err.message.split('\n')).toEqual([
      'r.yaml: config is invalid (8 problems):',
      'servers.a.auth.grant: "client_credentials" needs "clientSecret" or "privateKeyFile" to authenticate the client',
      'servers.a.auth.clientId: "grant: client_credentials" needs a pre-registered "clientId": nobody is there to register one',
      'servers.b.auth.clientMetadataUrl: does not apply with "grant: jwt_bearer": the client id is pre-registered',
      'servers.b.auth.assertionFile: "grant: jwt_bearer" needs "assertionFile": the JWT to present (e.g. a projected service account token)',
      'servers.c.auth.privateKeyFile: the client authenticates with "clientSecret" or "privateKeyFile", not both',
      'servers.c.auth.assertionFile: only applies with "grant: jwt_bearer"',
      'servers.d.auth.grant: expected one of: authorization_code, client_credentials, jwt_bearer, got "password"',
      'servers.e.auth.privateKeyAlgorithm: expected one of: RS256, RS384, RS512, PS256, PS384, PS512, ES256, ES384, ES512, got "HS256"',
    ]);
    expect(err.message).not.toContain('hunter22');
  });
});
