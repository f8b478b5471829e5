import { describe, expect, it } from 'vitest';
import { interpolate, interpolateString } from '../../src/config/interpolate.js';
import { formatPath } from '../../src/config/paths.js';

const env = { HOME: '/home/me', EMPTY: '', TOKEN: 'secret' };

describe('interpolateString', () => {
  it('substitutes set variables, several per string', () => {
    expect(interpolateString('${HOME}/src:${TOKEN}', env)).toEqual({ value: '/home/me/src:secret', problems: [] });
  });

  it('uses the default when unset or empty, like the shell', () => {
    expect(interpolateString('${NOPE:-fallback}', env).value).toBe('fallback');
    expect(interpolateString('${EMPTY:-fallback}', env).value).toBe('fallback');
    expect(interpolateString('${HOME:-fallback}', env).value).toBe('/home/me');
  });

  it('accepts an empty default', () => {
    expect(interpolateString('a${NOPE:-}b', env)).toEqual({ value: 'ab', problems: [] });
  });

  it('keeps a set-but-empty variable without a default', () => {
    expect(interpolateString('[${EMPTY}]', env)).toEqual({ value: '[]', problems: [] });
  });

  it('treats $${ as a literal ${ and leaves lone dollars alone', () => {
    expect(interpolateString('$${HOME} costs $5 and $HOME', env).value).toBe('${HOME} costs $5 and $HOME');
  });

  it('takes the default literally, up to the first }', () => {
    expect(interpolateString('${NOPE:-a:b-c d}', env).value).toBe('a:b-c d');
  });

  it('reports an unset variable once per string', () => {
    const r = interpolateString('${X}-${X}', env);
    expect(r.problems).toEqual([
      { kind: 'unset', variable: 'X', message: 'environment variable X is not set (set it, or write ${X:-default})' },
    ]);
  });

  it('reports malformed references', () => {
    expect(interpolateString('${1BAD}', env).problems[0]?.kind).toBe('syntax');
    const r = interpolateString('abc ${OPEN', env);
    expect(r.problems).toEqual([
      {
        kind: 'syntax',
        message:
          'malformed variable reference "${OPEN": write ${NAME} or ${NAME:-default} (NAME is letters, digits and _), or $${ for a literal "${"',
      },
    ]);
  });
});

describe('interpolate', () => {
  it('walks nested objects and arrays, leaving keys and non-strings alone', () => {
    const input = { '${HOME}': { list: ['${HOME}', 1, true, null, { deep: '${TOKEN:-x}' }] }, n: 5 };
    expect(interpolate(input, env)).toEqual({
      value: { '${HOME}': { list: ['/home/me', 1, true, null, { deep: 'secret' }] }, n: 5 },
      issues: [],
    });
  });

  it('collects every unset variable with its field path', () => {
    const input = {
      servers: {
        github: { env: { GITHUB_TOKEN: '${GITHUB_TOKEN}' }, args: ['--a', '${A}', '${B}'] },
        remote: { headers: { Authorization: 'Bearer ${TOKEN}', 'X-Key': '${KEY}', 'a.b': '${AB}' } },
      },
    };
    const r = interpolate(input, env);
    expect(r.issues.map((i) => `${formatPath(i.path)}: ${i.message}`)).toEqual([
      'servers.github.env.GITHUB_TOKEN: environment variable GITHUB_TOKEN is not set (set it, or write ${GITHUB_TOKEN:-default})',
      'servers.github.args[1]: environment variable A is not set (set it, or write ${A:-default})',
      'servers.github.args[2]: environment variable B is not set (set it, or write ${B:-default})',
      'servers.remote.headers.X-Key: environment variable KEY is not set (set it, or write ${KEY:-default})',
      'servers.remote.headers["a.b"]: environment variable AB is not set (set it, or write ${AB:-default})',
    ]);
    expect(r.issues.map((i) => i.variable)).toEqual(['GITHUB_TOKEN', 'A', 'B', 'KEY', 'AB']);
    // Unset variables become '' so the rest of the tree is still usable.
    expect(r.value.servers.github.args).toEqual(['--a', '', '']);
  });

  it('never reads process.env', () => {
    process.env['SB_TEST_ONLY_IN_PROCESS'] = 'leak';
    try {
      expect(interpolate('${SB_TEST_ONLY_IN_PROCESS:-none}', {}).value).toBe('none');
    } finally {
      delete process.env['SB_TEST_ONLY_IN_PROCESS'];
    }
  });
});
