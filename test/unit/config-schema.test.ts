import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../src/errors/index.js';
import { parseConfig } from '../../src/config/load.js';
import { RouterFileSchema } from '../../src/config/schema.js';
import { knownKeysAt } from '../../src/config/issues.js';

const opts = { env: {}, sourceName: 'router.yaml', baseDir: '/cfg' };

/** The thrown error, asserted to be a SwitchboardError. */
function errorOf(yaml: string): SwitchboardError {
  try {
    parseConfig(yaml, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(SwitchboardError);
    return err as SwitchboardError;
  }
  throw new Error('expected parseConfig to throw');
}

/** The problem lines of a validation error (the header line dropped). */
function problems(yaml: string): string[] {
  const err = errorOf(yaml);
  expect(err.code).toBe('SB_CONFIG_INVALID');
  return err.message.split('\n').slice(1);
}

describe('server forms', () => {
  it('normalizes a stdio server with defaults applied', () => {
    const c = parseConfig('servers:\n  github:\n    command: npx\n', opts);
    expect(c.servers).toEqual([
      {
        name: 'github',
        prefix: 'github',
        target: { kind: 'stdio', command: 'npx', args: [], env: {} },
        enabled: true,
        timeoutMs: 60000,
        connectTimeoutMs: 30000,
        isolation: 'shared',
        protocol: '2025-11-25',
        tags: [],
      },
    ]);
    expect(c.separator).toBe('__');
    expect(c.pageSize).toBe(1000);
    expect(c.search).toEqual({ autoThreshold: 60, maxActive: 20 });
    expect(c.workspaces).toEqual([]);
    expect(c.logLevel).toBeUndefined();
    expect(c.listen).toEqual({
      transport: 'stdio',
      host: '127.0.0.1',
      port: 8765,
      path: '/mcp',
      allowUnauthenticated: false,
      allowedOrigins: [],
      allowedHosts: [],
      healthEndpoints: ['/healthz'],
      maxBodyBytes: 4194304,
      sessionIdleMs: 1800000,
      maxSessions: 1000,
    });
  });

  it('normalizes every field of both forms, keeping file order', () => {
    const c = parseConfig(
      [
        'servers:',
        '  zeta:',
        '    command: node',
        '    args: ["server.js", 8080, true]',
        '    env: { PORT: 8080, DEBUG: true, NAME: x }',
        '    inheritEnv: "false"',
        '    cwd: ./sub',
        '    prefix: ""',
        '    enabled: false',
        '    timeout: 5000',
        '    connectTimeout: "2000"',
        '    isolation: session',
        '    tags: [code, git]',
        '    description: Local tools',
        '  alpha:',
        '    url: https://example.com/mcp',
        '    headers: { Authorization: Bearer x }',
        '  beta: { url: "http://localhost:3000/sse", type: sse }',
        '  gamma: { url: "http://localhost:3000/mcp", type: http }',
      ].join('\n'),
      opts,
    );
    expect(c.servers.map((s) => s.name)).toEqual(['zeta', 'alpha', 'beta', 'gamma']);
    expect(c.servers[0]).toEqual({
      name: 'zeta',
      prefix: '',
      target: { kind: 'stdio', command: 'node', args: ['server.js', '8080', 'true'], env: { PORT: '8080', DEBUG: 'true', NAME: 'x' }, inheritEnv: false, cwd: '/cfg/sub' },
      enabled: false,
      timeoutMs: 5000,
      connectTimeoutMs: 2000,
      isolation: 'session',
      protocol: '2025-11-25',
      tags: ['code', 'git'],
      description: 'Local tools',
    });
    expect(c.servers.map((s) => s.target)).toEqual([
      expect.objectContaining({ kind: 'stdio' }),
      { kind: 'auto', url: 'https://example.com/mcp', headers: { Authorization: 'Bearer x' } },
      { kind: 'sse', url: 'http://localhost:3000/sse', headers: {} },
      { kind: 'http', url: 'http://localhost:3000/mcp', headers: {} },
    ]);
  });

  it('normalizes listen, search, namespace, pagination, logLevel and workspaces', () => {
    const c = parseConfig(
      [
        'namespace: { separator: "-" }',
        'pagination: { pageSize: 10 }',
        'servers: { github: { command: x } }',
        'listen: { transport: http, port: 0, authToken: t, cors: [https://a.example], allowedHosts: [box] }',
        'logLevel: debug',
        'search: { autoThreshold: 0, maxActive: 5 }',
        'workspaces:',
        '  api:',
        '    servers: [github]',
        '    include: ["github-*"]',
        '    overrides: { github-create_issue: { name: new_issue, hidden: false, defaults: { repo: me/api } } }',
        '    maxTools: 40',
        '    search: true',
        '  empty: {}',
      ].join('\n'),
      opts,
    );
    expect(c.separator).toBe('-');
    expect(c.pageSize).toBe(10);
    expect(c.logLevel).toBe('debug');
    expect(c.search).toEqual({ autoThreshold: 0, maxActive: 5 });
    expect(c.listen).toMatchObject({ transport: 'http', port: 0, authToken: 't', cors: ['https://a.example'], allowedHosts: ['box'] });
    expect(c.workspaces).toEqual([
      {
        name: 'api',
        servers: ['github'],
        include: ['github-*'],
        exclude: [],
        pin: [],
        overrides: { 'github-create_issue': { name: 'new_issue', hidden: false, defaults: { repo: 'me/api' } } },
        maxTools: 40,
        search: true,
      },
      { name: 'empty', exclude: [], pin: [], overrides: {} },
    ]);
  });

  it('treats cors: false as no CORS', () => {
    const c = parseConfig('servers: {}\nlisten: { cors: false }\n', opts);
    expect(c.listen.cors).toBeUndefined();
  });
});

describe('validation messages', () => {
  it('requires exactly one of command or url', () => {
    expect(problems('servers:\n  a: { args: [x] }\n  b: { command: x, url: "http://h" }\n')).toEqual([
      'servers.a: needs exactly one of "command" (start a local stdio server) or "url" (connect to a remote server), found neither',
      'servers.b: needs exactly one of "command" (start a local stdio server) or "url" (connect to a remote server), found both',
    ]);
  });

  it('rejects fields of the other form', () => {
    expect(problems('servers:\n  r: { url: "http://h", args: [x], inheritEnv: false, cwd: . }\n  s: { command: x, headers: {}, type: sse }\n')).toEqual([
      'servers.r.args: only applies to stdio servers (those with "command"); this server has "url"',
      'servers.r.inheritEnv: only applies to stdio servers (those with "command"); this server has "url"',
      'servers.r.cwd: only applies to stdio servers (those with "command"); this server has "url"',
      'servers.s.headers: only applies to remote servers (those with "url"); this server has "command"',
      'servers.s.type: only applies to remote servers (those with "url"); this server has "command"',
    ]);
  });

  it('suggests the closest field for a typo, or lists the allowed fields', () => {
    expect(problems('servers:\n  github: { command: x, comand: y, conect_timeout: 5, zzz: 1 }\nlisen: {}\n')).toEqual([
      'servers.github.comand: unknown field; did you mean "command"?',
      'servers.github.conect_timeout: unknown field; did you mean "connectTimeout"?',
      'servers.github.zzz: unknown field; allowed fields: command, args, env, inheritEnv, cwd, url, type, headers, auth, prefix, enabled, timeout, connectTimeout, isolation, protocol, tags, description, maxConcurrency, maxQueue, restart, healthCheck, lazy, idleTimeout',
      'lisen: unknown field; did you mean "listen"?',
    ]);
  });

  it('rejects non-http URLs and garbage', () => {
    expect(problems('servers:\n  a: { url: "ftp://h/x" }\n  b: { url: "not a url" }\n')).toEqual([
      'servers.a.url: expected an http(s) URL such as https://example.com/mcp, got "ftp://h/x"',
      'servers.b.url: expected an http(s) URL such as https://example.com/mcp, got "not a url"',
    ]);
  });

  it('rejects duplicate effective prefixes, naming both servers', () => {
    expect(problems('servers:\n  gh: { command: x }\n  github: { command: y, prefix: gh }\n  a: { command: z, prefix: "" }\n  b: { command: z, prefix: "" }\n')).toEqual([
      'servers.github.prefix: prefix "gh" is already used by server "gh"; give each server its own prefix (set "prefix:" on one of them)',
      'servers.b.prefix: prefix "" (no namespace) is already used by server "a"; give each server its own prefix (set "prefix:" on one of them)',
    ]);
  });

  it('names the field of an unknown workspace server', () => {
    expect(problems('servers:\n  github: { command: x }\n  remote: { url: "http://h" }\nworkspaces:\n  api: { servers: [gitub, github] }\n')).toEqual([
      'workspaces.api.servers[0]: unknown server "gitub"; known: github, remote',
    ]);
  });

  it('reports every problem at once, in file order, with the value received', () => {
    const yaml = [
      'namespace: { separator: "::" }',
      'servers:',
      '  github:',
      '    command: npx',
      '    args: x',
      '    timeout: 0',
      '    env: { K: [1] }',
      '    inheritEnv: no',
      '    isolation: private',
      '    protocol: "2026"',
      '  "": { command: y }',
      '  other: 5',
      'listen: { port: 70000, transport: tcp, path: mcp }',
      'logLevel: loud',
      'pagination: { pageSize: 20000 }',
      'workspaces:',
      '  w: { maxTools: -1, overrides: { t: { name: "has space" } }, tags: code }',
    ].join('\n');
    expect(problems(yaml)).toEqual([
      'namespace.separator: expected 1-8 letters, digits, "_" or "-", got "::"',
      'servers.github.args: expected array of strings, got "x"',
      'servers.github.timeout: expected a positive whole number of milliseconds, got 0',
      'servers.github.env.K: expected a string (quote it in YAML), got [1]',
      'servers.github.inheritEnv: expected true or false, got "no"',
      'servers.github.isolation: expected one of: shared, session, got "private"',
      'servers.github.protocol: expected one of: auto, 2026-07-28, 2025-11-25, got "2026"',
      'servers[""]: server name must not be empty',
      'servers.other: expected a mapping of server settings (command: or url:, and options), got 5',
      'listen.port: expected a port number from 0 to 65535, got 70000',
      'listen.transport: expected one of: stdio, http, sse, ws, got "tcp"',
      'listen.path: expected a path starting with "/", got "mcp"',
      'logLevel: expected one of: trace, debug, info, warn, error, fatal, silent, got "loud"',
      'pagination.pageSize: expected a whole number from 1 to 10000, got 20000',
      'workspaces.w.maxTools: expected a positive whole number, got -1',
      'workspaces.w.overrides.t.name: expected a tool name of 1-64 letters, digits, "_" or "-", got "has space"',
      'workspaces.w.tags: expected array of strings, got "code"',
    ]);
  });

  it('has a header and attaches the issues as data', () => {
    const err = errorOf('servers:\n  a: { command: x, args: x }\n  b: { command: "" }\n');
    expect(err.message.split('\n')[0]).toBe('router.yaml: config is invalid (2 problems):');
    expect(err.data).toEqual({
      file: 'router.yaml',
      issues: [
        { path: 'servers.a.args', message: 'expected array of strings, got "x"' },
        { path: 'servers.b.command', message: 'must not be empty, got ""' },
      ],
    });
  });

  it('truncates long received values and redacts likely secrets', () => {
    const long = 'x'.repeat(100);
    expect(problems(`servers:\n  a: { command: x, args: "${long}" }\nlisten: { authToken: "" }\n`)).toEqual([
      `servers.a.args: expected array of strings, got "${'x'.repeat(56)}...`,
      'listen.authToken: must not be empty, got "<redacted>"',
    ]);
  });

  it('explains an empty file, a missing servers map and a non-mapping top level', () => {
    expect(problems('# nothing yet\n')).toEqual([
      'servers: missing; list the MCP servers to route to, e.g. servers: { everything: { command: npx, args: [-y, "@modelcontextprotocol/server-everything"] } }',
    ]);
    expect(problems('servers:\n')).toEqual(['servers: expected a mapping of server names to server settings, got null']);
    expect(problems('- a\n')).toEqual(['(top level): expected a mapping of settings (servers:, listen:, workspaces:, ...), got ["a"]']);
  });

  it('accepts string forms of numbers and booleans, as interpolation produces', () => {
    const c = parseConfig('servers:\n  a: { command: x, enabled: "${ON:-false}" }\nlisten: { port: "${PORT:-9000}" }\n', opts);
    expect(c.listen.port).toBe(9000);
    expect(c.servers[0]?.enabled).toBe(false);
  });
});

describe('helpers', () => {
  it('unknown fields get one close field name, ignoring case, _ and -, else the allowed fields', () => {
    expect(problems('servers:\n  a:\n    command: x\n    comand: y\n    arsg: [z]\n    Connect_Timeout: 5\n')).toEqual([
      'servers.a.comand: unknown field; did you mean "command"?',
      'servers.a.arsg: unknown field; did you mean "args"?',
      'servers.a.Connect_Timeout: unknown field; did you mean "connectTimeout"?',
    ]);
    expect(problems('pagination:\n  banana: 1\nservers: {}\n')).toEqual(['pagination.banana: unknown field; allowed fields: pageSize']);
  });

  it('knownKeysAt walks records, wrappers and objects', () => {
    expect(knownKeysAt(RouterFileSchema, ['listen'])).toContain('authToken');
    expect(knownKeysAt(RouterFileSchema, ['workspaces', 'x', 'overrides', 'tool'])).toEqual(['name', 'description', 'hidden', 'defaults']);
    expect(knownKeysAt(RouterFileSchema, ['nowhere'])).toEqual([]);
  });
});
