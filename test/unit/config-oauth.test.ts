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
});
