import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config/index.js';
import { SwitchboardError } from '../../src/errors/index.js';

const parse = (yaml: string) => parseConfig(yaml, { env: {}, sourceName: 'router.yaml', baseDir: '/tmp' });

describe('server prefixes', () => {
  it('defaults to the server name made safe for public names', () => {
    const config = parse('servers:\n  "my.server v2":\n    command: x\n  github:\n    command: y\n');
    expect(config.servers.map((s) => s.prefix)).toEqual(['my_server_v2', 'github']);
  });

  it('accepts "" as no namespace', () => {
    expect(parse('servers:\n  a:\n    command: x\n    prefix: ""\n').servers[0]!.prefix).toBe('');
  });

  it('rejects an explicit prefix with characters clients refuse, naming the field', () => {
    let error: unknown;
    try {
      parse('servers:\n  a:\n    command: x\n    prefix: "git.hub"\n');
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe('SB_CONFIG_INVALID');
    expect((error as SwitchboardError).message).toContain('servers.a.prefix: expected letters, digits, "_" or "-" (at most 32), or "" for no namespace, got "git.hub"');
  });

  it('treats two names that sanitize to one prefix as a clash', () => {
    expect(() => parse('servers:\n  "a.b":\n    command: x\n  a_b:\n    command: y\n')).toThrow(/prefix "a_b" is already used by server "a.b"/);
  });
});
