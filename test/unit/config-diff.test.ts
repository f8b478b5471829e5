/** What a reload changes: servers and workspaces by name and whole config, restart-only settings, the summary. */
import { describe, expect, it } from 'vitest';
import { diffConfig, diffServers, diffWorkspaces, formatReloadSummary, formatRestartField, liveConfig, nothingChanged } from '../../src/config/diff.js';
import { configFromServers, makeServerConfig, parseConfig } from '../../src/config/index.js';
import type { ServerConfig } from '../../src/config/types.js';

const stdio = (name: string, args: string[] = [], opts: Parameters<typeof makeServerConfig>[2] = {}): ServerConfig =>
  makeServerConfig(name, { kind: 'stdio', command: 'node', args, env: {} }, opts);

const names = (servers: ServerConfig[]) => servers.map((s) => s.name);

const parse = (yaml: string) => parseConfig(yaml, { env: { TOKEN: 't' }, baseDir: '/cfg' });

describe('diffServers', () => {
  it('sorts servers into added, removed, changed and unchanged by name, in config order', () => {
    const before = [stdio('keep', ['a']), stdio('drop'), stdio('edit', ['v1'])];
    const after = [stdio('new'), stdio('edit', ['v2']), stdio('keep', ['a'])];
    const d = diffServers(before, after);
    expect(names(d.added)).toEqual(['new']);
    expect(names(d.removed)).toEqual(['drop']);
    expect(d.changed.map((c) => [c.before.target, c.after.target])).toEqual([
      [{ kind: 'stdio', command: 'node', args: ['v1'], env: {} }, { kind: 'stdio', command: 'node', args: ['v2'], env: {} }],
    ]);
    expect(names(d.unchanged)).toEqual(['keep']);
  });

  it('counts any difference in the normalized config as a change, env values and timeouts included', () => {
    const base = stdio('s');
    const variants: ServerConfig[] = [
      { ...base, target: { kind: 'stdio', command: 'node', args: [], env: { KEY: 'other' } } },
      { ...base, target: { kind: 'stdio', command: 'node', args: [], env: {}, cwd: '/elsewhere' } },
      { ...base, target: { kind: 'stdio', command: 'node', args: [], env: {}, inheritEnv: false } },
      { ...base, timeoutMs: base.timeoutMs + 1 },
      { ...base, connectTimeoutMs: 1 },
      { ...base, isolation: 'session' },
      { ...base, prefix: 'renamed' },
      { ...base, tags: ['t'] },
      { ...base, description: 'd' },
    ];
    for (const v of variants) expect(diffServers([base], [v]).changed.map((c) => c.after)).toEqual([v]);
  });

  it('treats remote headers and URL changes as changes, and equal copies as unchanged', () => {
    const remote = (headers: Record<string, string>, url = 'https://x.example/mcp') => makeServerConfig('r', { kind: 'http', url, headers });
    expect(diffServers([remote({ A: '1' })], [remote({ A: '2' })]).changed).toHaveLength(1);
    expect(diffServers([remote({})], [remote({}, 'https://y.example/mcp')]).changed).toHaveLength(1);
    expect(names(diffServers([remote({ A: '1' })], [structuredClone(remote({ A: '1' }))]).unchanged)).toEqual(['r']);
  });

  it('a disabled server has no backend: enabling adds it, disabling removes it, a disabled edit is nothing', () => {
    expect(names(diffServers([stdio('s', [], { enabled: false })], [stdio('s')]).added)).toEqual(['s']);
    expect(names(diffServers([stdio('s')], [stdio('s', [], { enabled: false })]).removed)).toEqual(['s']);
    const quiet = diffServers([stdio('s', ['1'], { enabled: false })], [stdio('s', ['2'], { enabled: false })]);
    expect(quiet).toEqual({ added: [], removed: [], changed: [], unchanged: [] });
  });
});

describe('diffWorkspaces', () => {
  it('compares whole definitions by name', () => {
    const before = parse('servers: { a: { command: x } }\nworkspaces:\n  same: { servers: [a] }\n  gone: {}\n  edit: { include: ["a__*"] }\n').workspaces;
    const after = parse('servers: { a: { command: x } }\nworkspaces:\n  edit: { include: ["a__x*"] }\n  same: { servers: [a] }\n  fresh: {}\n').workspaces;
    expect(diffWorkspaces(before, after)).toEqual({ added: ['fresh'], removed: ['gone'], changed: ['edit'], unchanged: ['same'] });
  });

  it('tells an absent filter from an empty one', () => {
    const before = parse('servers: { a: { command: x } }\nworkspaces:\n  w: {}\n').workspaces;
    const after = parse('servers: { a: { command: x } }\nworkspaces:\n  w: { servers: [] }\n').workspaces;
    expect(diffWorkspaces(before, after).changed).toEqual(['w']);
  });
});

describe('diffConfig: settings that need a restart', () => {
  it('names each listen, namespace, pagination and logLevel field that differs, by its router.yaml name', () => {
    const before = parse('servers: { a: { command: x } }\n');
    const after = parse(
      'servers: { a: { command: x } }\nlisten: { port: 9000, host: 0.0.0.0, authToken: "${TOKEN}", cors: ["https://a.example"] }\nnamespace: { separator: "_-" }\npagination: { pageSize: 5 }\nlogLevel: debug\n',
    );
    const diff = diffConfig(before, after);
    expect(diff.restartNeeded.map((f) => f.field).sort()).toEqual(['listen.authToken', 'listen.cors', 'listen.host', 'listen.port', 'logLevel', 'namespace.separator', 'pagination.pageSize']);
    expect(diff.restartNeeded.find((f) => f.field === 'listen.port')).toEqual({ field: 'listen.port', before: 8765, after: 9000 });
    expect(nothingChanged(diff)).toBe(false);
  });

  it('never prints a token, and says what keeps running', () => {
    const line = formatRestartField({ field: 'listen.authToken', before: undefined, after: 'secret-value' });
    expect(line).toBe('listen.authToken changed (unset -> set); it applies only after a restart, the router keeps unset until then');
    expect(formatRestartField({ field: 'listen.port', before: 8765, after: 9000 })).toBe(
      'listen.port changed (8765 -> 9000); it applies only after a restart, the router keeps 8765 until then',
    );
  });

  it('an identical file changes nothing', () => {
    const text = 'servers:\n  a: { command: x, args: [1] }\nworkspaces:\n  w: { servers: [a] }\nlisten: { port: 1234 }\n';
    const diff = diffConfig(parse(text), parse(text));
    expect(nothingChanged(diff)).toBe(true);
    expect(formatReloadSummary(diff)).toBe('servers 0 added, 0 removed, 0 changed, 1 unchanged; workspaces 0 added, 0 removed, 0 changed, 1 unchanged');
  });
});

describe('liveConfig', () => {
  it('takes servers, workspaces and search from the new file and keeps every restart-only setting', () => {
    const running = configFromServers([stdio('a')], { separator: '__', pageSize: 100, logLevel: 'info', listen: { port: 1 } });
    const next = configFromServers([stdio('b')], { separator: '_-', pageSize: 7, logLevel: 'debug', listen: { port: 2 }, search: { maxActive: 3 } });
    const live = liveConfig(running, next);
    expect(names(live.servers)).toEqual(['b']);
    expect(live.search.maxActive).toBe(3);
    expect([live.separator, live.pageSize, live.logLevel, live.listen.port]).toEqual(['__', 100, 'info', 1]);
    expect(diffConfig(running, live).restartNeeded).toEqual([]);
  });

  it('keeps an unset logLevel unset', () => {
    const running = configFromServers([]);
    const live = liveConfig(running, configFromServers([], { logLevel: 'debug' }));
    expect('logLevel' in live).toBe(false);
  });
});

describe('formatReloadSummary', () => {
  it('counts both kinds and names what was added, removed or changed', () => {
    const before = configFromServers([stdio('keep'), stdio('drop'), stdio('edit', ['1'])]);
    const after = configFromServers([stdio('keep'), stdio('edit', ['2']), stdio('new1'), stdio('new2')], { workspaces: [{ name: 'w', exclude: [], pin: [], overrides: {} }] });
    expect(formatReloadSummary(diffConfig(before, after))).toBe(
      'servers 2 added (new1, new2), 1 removed (drop), 1 changed (edit), 1 unchanged; workspaces 1 added (w), 0 removed, 0 changed, 0 unchanged',
    );
  });
});
