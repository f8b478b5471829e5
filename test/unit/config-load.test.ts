import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { thrown, rejection } from '../helpers/thrown.js';
import { SwitchboardError } from '../../src/errors/index.js';
import { configFromServers, defaultListenConfig, loadConfig, makeServerConfig, parseConfig, resolveConfigPath } from '../../src/config/index.js';

const MINIMAL = 'servers:\n  a: { command: x }\n';



describe('loadConfig', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-config-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('resolves explicit path, then SWITCHBOARD_CONFIG, then <cwd>/router.yaml', async () => {
    await writeFile(join(dir, 'router.yaml'), 'servers:\n  fromDefault: { command: x }\n');
    await writeFile(join(dir, 'env.yaml'), 'servers:\n  fromEnv: { command: x }\n');
    await writeFile(join(dir, 'explicit.yaml'), 'servers:\n  fromArg: { command: x }\n');
    const env = { SWITCHBOARD_CONFIG: 'env.yaml' };

    const explicit = await loadConfig({ path: 'explicit.yaml', env, cwd: dir });
    expect(explicit.path).toBe(join(dir, 'explicit.yaml'));
    expect(explicit.config.servers[0]?.name).toBe('fromArg');

    const fromEnv = await loadConfig({ env, cwd: dir });
    expect(fromEnv.path).toBe(join(dir, 'env.yaml'));
    expect(fromEnv.config.servers[0]?.name).toBe('fromEnv');

    const fallback = await loadConfig({ env: {}, cwd: dir });
    expect(fallback.path).toBe(join(dir, 'router.yaml'));
    expect(fallback.config.servers[0]?.name).toBe('fromDefault');

    expect(resolveConfigPath({ path: '/abs/x.yaml', env, cwd: dir })).toEqual({ path: '/abs/x.yaml', source: 'argument' });
    expect(resolveConfigPath({ env: { SWITCHBOARD_CONFIG: '' }, cwd: dir })).toEqual({ path: join(dir, 'router.yaml'), source: 'default' });
  });

  it('explains a missing default file and how to fix it', async () => {
    const err = await rejection(loadConfig({ env: {}, cwd: dir }));
    expect(err.code).toBe('SB_CONFIG_NOT_FOUND');
    const path = join(dir, 'router.yaml');
    expect(err.message.split('\n')[0]).toBe(
      `config file ${path} does not exist. Create router.yaml in this directory, pass --config <file>, or set SWITCHBOARD_CONFIG=<file>.`,
    );
    expect(err.message).toContain('A minimal router.yaml:');
    expect(err.data).toEqual({ path, source: 'default' });
  });

  it('says where a missing path came from', async () => {
    const fromEnv = await rejection(loadConfig({ env: { SWITCHBOARD_CONFIG: 'nope.yaml' }, cwd: dir }));
    expect(fromEnv.code).toBe('SB_CONFIG_NOT_FOUND');
    expect(fromEnv.message).toBe(
      `config file ${join(dir, 'nope.yaml')} does not exist (from SWITCHBOARD_CONFIG). Fix or unset SWITCHBOARD_CONFIG, or pass --config <file>.`,
    );
    const fromArg = await rejection(loadConfig({ path: 'gone.yaml', env: {}, cwd: dir }));
    expect(fromArg.message).toBe(`config file ${join(dir, 'gone.yaml')} does not exist (given as the config path). Check the path passed with --config.`);
    const isDir = await rejection(loadConfig({ path: '.', env: {}, cwd: dir }));
    expect(isDir.code).toBe('SB_CONFIG_NOT_FOUND');
    expect(isDir.message).toContain('is a directory, not a file');
  });

  it('reports YAML syntax errors with file, line and column', async () => {
    const file = join(dir, 'router.yaml');
    await writeFile(file, 'servers:\n  a:\n    command: x\n  a:\n    command: y\n');
    const err = await rejection(loadConfig({ env: {}, cwd: dir }));
    expect(err.code).toBe('SB_CONFIG_INVALID');
    expect(err.message.split('\n')).toEqual([
      `${file}: not valid YAML (1 problem):`,
      `${file}:4:3: Map keys must be unique`,
      '      a:',
      '      ^',
    ]);
    expect(err.data).toEqual({ file, issues: [{ path: `${file}:4:3`, message: 'Map keys must be unique', line: 4, column: 3 }] });
  });

  it('resolves a relative cwd against the config file directory, not the process cwd', async () => {
    const sub = join(dir, 'conf');
    await mkdir(sub);
    await writeFile(join(sub, 'r.yaml'), 'servers:\n  a: { command: x, cwd: ./tools }\n  b: { command: x, cwd: /abs }\n  c: { command: x }\n');
    const { config } = await loadConfig({ path: 'conf/r.yaml', env: {}, cwd: dir });
    expect(config.servers.map((s) => (s.target.kind === 'stdio' ? s.target.cwd : 'remote'))).toEqual([join(sub, 'tools'), '/abs', undefined]);
  });

  it('interpolates from the env passed in and lists every unset variable', async () => {
    const file = join(dir, 'router.yaml');
    await writeFile(
      file,
      [
        'servers:',
        '  github:',
        '    command: npx',
        '    env: { GITHUB_TOKEN: "${GITHUB_TOKEN}", HOME: "${HOME}" }',
        '  remote:',
        '    url: "${REMOTE_URL:-http://localhost:3000/mcp}"',
        '    headers: { Authorization: "Bearer ${TOKEN}" }',
      ].join('\n'),
    );
    const ok = await loadConfig({ env: { GITHUB_TOKEN: 'g', HOME: '/h', TOKEN: 't' }, cwd: dir });
    expect(ok.config.servers.map((s) => s.target)).toEqual([
      { kind: 'stdio', command: 'npx', args: [], env: { GITHUB_TOKEN: 'g', HOME: '/h' } },
      { kind: 'auto', url: 'http://localhost:3000/mcp', headers: { Authorization: 'Bearer t' } },
    ]);

    const err = await rejection(loadConfig({ env: { HOME: '/h' }, cwd: dir }));
    expect(err.code).toBe('SB_CONFIG_UNSET_VAR');
    expect(err.message.split('\n')).toEqual([
      `${file}: 2 references to unset environment variables:`,
      'servers.github.env.GITHUB_TOKEN: environment variable GITHUB_TOKEN is not set (set it, or write ${GITHUB_TOKEN:-default})',
      'servers.remote.headers.Authorization: environment variable TOKEN is not set (set it, or write ${TOKEN:-default})',
    ]);
    expect(err.data).toEqual({
      file,
      issues: [
        { path: 'servers.github.env.GITHUB_TOKEN', message: 'environment variable GITHUB_TOKEN is not set (set it, or write ${GITHUB_TOKEN:-default})' },
        { path: 'servers.remote.headers.Authorization', message: 'environment variable TOKEN is not set (set it, or write ${TOKEN:-default})' },
      ],
    });
  });
});

describe('parseConfig', () => {
  it('reports a malformed ${ as an invalid config, not an unset variable', () => {
    const err = thrown(() => parseConfig('servers:\n  a: { command: "${OOPS" }\n', { env: {}, sourceName: 'r.yaml' }));
    expect(err.code).toBe('SB_CONFIG_INVALID');
    expect(err.message.split('\n')[1]).toBe(
      'servers.a.command: malformed variable reference "${OOPS": write ${NAME} or ${NAME:-default} (NAME is letters, digits and _), or $${ for a literal "${"',
    );
  });

  it('reports unset variables, schema problems and cross-field checks in one error, in file order', () => {
    const yaml = [
      'servers:',
      '  api:',
      '    url: "https://${API_HOST}/mcp"',
      '    headers: { Authorization: "Bearer ${API_TOKEN}" }',
      '    tmeout: 5000',
      '  local:',
      '    command: node',
      '    args: "server.js"',
      '    url: https://example.com/mcp',
      'listen:',
      '  port: 99999',
      'workspaces:',
      '  dev: { servers: [api, nope] }',
    ].join('\n');
    const err = thrown(() => parseConfig(yaml, { env: {}, sourceName: 'r.yaml' }));
    expect(err.code).toBe('SB_CONFIG_INVALID');
    expect(err.message.split('\n')).toEqual([
      'r.yaml: config is invalid (7 problems):',
      'servers.api.url: environment variable API_HOST is not set (set it, or write ${API_HOST:-default})',
      'servers.api.headers.Authorization: environment variable API_TOKEN is not set (set it, or write ${API_TOKEN:-default})',
      'servers.api.tmeout: unknown field; did you mean "timeout"?',
      'servers.local: needs exactly one of "command" (start a local stdio server) or "url" (connect to a remote server), found both',
      'servers.local.args: expected array of strings, got "server.js"',
      'listen.port: expected a port number from 0 to 65535, got 99999',
      'workspaces.dev.servers[1]: unknown server "nope"; known: api, local',
    ]);
    expect((err.data as { issues: unknown[] }).issues).toHaveLength(7);
  });

  it('reports an unset variable once, not also the empty value it leaves behind', () => {
    const err = thrown(() => parseConfig('servers:\n  a:\n    command: "${CMD}"\nlisten:\n  port: "${PORT}"\n', { env: {}, sourceName: 'r.yaml' }));
    expect(err.code).toBe('SB_CONFIG_UNSET_VAR');
    expect(err.message.split('\n')).toEqual([
      'r.yaml: 2 references to unset environment variables:',
      'servers.a.command: environment variable CMD is not set (set it, or write ${CMD:-default})',
      'listen.port: environment variable PORT is not set (set it, or write ${PORT:-default})',
    ]);
  });

  it('reads each server\'s protocol era, 2025-11-25 when absent', () => {
    const yaml = 'servers:\n  a: { command: x, protocol: auto }\n  b: { url: "http://h/mcp", protocol: "2026-07-28" }\n  c: { command: y }\n';
    expect(parseConfig(yaml, { env: {} }).servers.map((s) => [s.name, s.protocol])).toEqual([
      ['a', 'auto'],
      ['b', '2026-07-28'],
      ['c', '2025-11-25'],
    ]);
  });

  it('parses a minimal config', () => {
    expect(parseConfig(MINIMAL, { env: {} }).servers).toHaveLength(1);
  });
});

describe('configFromServers', () => {
  it('builds a full RouterConfig with defaults', () => {
    const server = makeServerConfig('only', { kind: 'stdio', command: 'x', args: [], env: {} }, { prefix: '' });
    expect(server).toEqual({
      name: 'only',
      prefix: '',
      target: { kind: 'stdio', command: 'x', args: [], env: {} },
      enabled: true,
      timeoutMs: 60000,
      connectTimeoutMs: 30000,
      isolation: 'shared',
      protocol: '2025-11-25',
      tags: [],
    });
    const config = configFromServers([server], { listen: { transport: 'http', port: 0 } });
    expect(config).toEqual({
      separator: '__',
      pageSize: 1000,
      servers: [server],
      listen: { ...defaultListenConfig(), transport: 'http', port: 0 },
      search: { autoThreshold: 60, maxActive: 20 },
      shutdownGraceMs: 5000,
      workspaces: [],
    });
  });

  it('matches what parseConfig produces for the same server', () => {
    const fromYaml = parseConfig(MINIMAL, { env: {} });
    const inCode = configFromServers([makeServerConfig('a', { kind: 'stdio', command: 'x', args: [], env: {} })]);
    expect(inCode).toEqual(fromYaml);
  });

  it('rejects duplicate prefixes', () => {
    const t = { kind: 'auto', url: 'http://h', headers: {} } as const;
    const err = thrown(() => configFromServers([makeServerConfig('a', t), makeServerConfig('b', t, { prefix: 'a' })]));
    expect(err.code).toBe('SB_CONFIG_INVALID');
    expect(err.message).toBe('servers "a" and "b" both use prefix "a"; each server needs its own prefix');
  });

  it('returns fresh defaults each call', () => {
    const a = defaultListenConfig();
    a.healthEndpoints.push('/x');
    expect(defaultListenConfig().healthEndpoints).toEqual(['/healthz']);
  });
});
