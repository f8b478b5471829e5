/** listen.auth and workspaces.NAME.allow in router.yaml, and the start-up rules serve applies to them. */
import { describe, expect, it } from 'vitest';
import { assertAuthConsistent } from '../../src/cli/listeners.js';
import { parseConfig } from '../../src/config/load.js';
import { SwitchboardError } from '../../src/errors/index.js';

const opts = { env: {}, sourceName: 'router.yaml', baseDir: '/cfg' };
const SERVERS = 'servers:\n  a:\n    command: x\n';

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(SwitchboardError);
    return (err as Error).message.split('\n').slice(1);
  }
  throw new Error('expected parseConfig to throw');
}

describe('listen.auth and allow in router.yaml', () => {
  it('normalizes both, with scopes defaulting to none', () => {
    const c = parseConfig(
      `${SERVERS}listen:\n  auth: { issuer: "https://id.example.com", audience: "https://mcp.example.com/mcp" }\nworkspaces:\n  ops:\n    allow: { groups: [ops], sub: [ann] }\n`,
      opts,
    );
    expect(c.listen.auth).toEqual({ issuer: 'https://id.example.com', audience: 'https://mcp.example.com/mcp', scopes: [] });
    expect(c.workspaces[0]!.allow).toEqual({ groups: ['ops'], sub: ['ann'] });
  });

  it('names the field of a bad issuer, a missing audience and an unknown allow key', () => {
    expect(problems(`${SERVERS}listen:\n  auth: { issuer: "id.example.com" }\nworkspaces:\n  ops:\n    allow: { group: [ops] }\n`)).toEqual([
      'listen.auth.issuer: expected an http(s) URL such as https://example.com/mcp, got "id.example.com"',
      'listen.auth.audience: expected a string',
      'workspaces.ops.allow.group: unknown field; did you mean "groups"?',
    ]);
  });
});

describe('assertAuthConsistent', () => {
  const listen = parseConfig(SERVERS, opts).listen;
  const auth = { issuer: 'https://id.example.com', audience: 'https://mcp.example.com/mcp', scopes: [] };
  const restricted = [{ name: 'ops', exclude: [], pin: [], overrides: {}, allow: { groups: ['ops'] } }];

  it('refuses allow lists without listen.auth, and listen.auth with a static token', () => {
    expect(() => assertAuthConsistent(listen, restricted)).toThrow(/workspaces ops set "allow", which needs token claims: set listen.auth/);
    expect(() => assertAuthConsistent({ ...listen, auth, authToken: 't' }, [])).toThrow(/listen.auth .* and --auth-token \/ listen.authToken exclude each other/);
    expect(() => assertAuthConsistent({ ...listen, auth }, restricted)).not.toThrow();
    expect(() => assertAuthConsistent(listen, [])).not.toThrow();
  });
});
