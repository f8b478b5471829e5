/**
 * `lazy: true` against real processes: with no cache the server is started once to be listed and
 * stopped; its first call starts it; `idleTimeout` stops it again (never mid-call); a new router lists
 * it from the cache without starting any process; a failed start fails the call, naming the server.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ListCache, listingsDir } from '../../src/backends/list-cache.js';
import { defaultTransportFactory, type TransportFactory } from '../../src/backends/transport-factory.js';
import { formatSummary } from '../../src/cli/summary.js';
import { configFromServers, makeServerConfig, type ServerOptions } from '../../src/config/defaults.js';
import type { RouterConfig, ServerConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { eventually } from '../helpers/eventually.js';
import { ROOT, allToolNames, connectClient, fixtureProcesses, notesOf, rpcError, textOf, type RelayClient } from '../helpers/relay-harness.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

const IDLE_MS = 800;

function fixture(name: string, opts: ServerOptions = {}): ServerConfig {
  const { command, args } = fixtureStdioCommand(name, ['--tools', 'echo,sleep']);
  return makeServerConfig(name, { kind: 'stdio', command, args, env: {}, cwd: ROOT }, opts);
}

/** Counts connection attempts per server. */
function countingFactory(): { factory: TransportFactory; spawns: Map<string, number> } {
  const spawns = new Map<string, number>();
  return {
    spawns,
    factory: (server, hooks) => {
      spawns.set(server.name, (spawns.get(server.name) ?? 0) + 1);
      return defaultTransportFactory(server, hooks);
    },
  };
}

describe('lazy servers', () => {
  let stateDir: string;
  let config: RouterConfig;
  let router: Router;
  let c: RelayClient;
  let spawns: Map<string, number>;
  const lazyConfig = () => config.servers[0]!;

  async function startRouter(): Promise<void> {
    const counting = countingFactory();
    spawns = counting.spawns;
    router = new Router(config, { log: silentLogger(), transportFactory: counting.factory, stateDir });
    await router.start();
    c = await connectClient(router, 'lazy');
  }

  async function stopRouter(): Promise<void> {
    await c?.client.close();
    await router?.close();
  }

  beforeAll(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'sb-lazy-'));
    config = configFromServers([fixture('lz', { lazy: true, idleTimeoutMs: IDLE_MS }), fixture('eager')]);
    await startRouter();
  });

  afterAll(async () => {
    await stopRouter();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('with no cache yet, starts the server once to list it, writes the cache, and stops it', async () => {
    const lz = router.backend('lz');
    expect(lz.state).toBe('idle');
    expect(spawns.get('lz')).toBe(1);
    await eventually(() => fixtureProcesses('lz').length === 0, { what: 'the listing process to exit' });
    expect(fixtureProcesses('eager')).toHaveLength(1);
    expect(await allToolNames(c.client)).toEqual(['lz__echo', 'lz__sleep', 'eager__echo', 'eager__sleep']);

    const cache = new ListCache(listingsDir(stateDir));
    await router.backend('lz').start();
    await eventually(() => readdirSync(cache.dir).length === 1, { what: 'the cache file' });
    const path = cache.pathFor(lazyConfig());
    expect(readdirSync(cache.dir)).toEqual([path.slice(cache.dir.length + 1)]); // no temp file left behind
    expect(path).toMatch(/\/listings\/lz-[0-9a-f]{16}\.json$/);
    const file = JSON.parse(readFileSync(path, 'utf8')) as { server: string; lists: { tools: Array<{ name: string }> } };
    expect(file.server).toBe('lz');
    expect(file.lists.tools.map((t) => t.name)).toEqual(['echo', 'sleep']);
    expect(formatSummary(router.allBackends(), undefined)).toBe(
      [
        'mcp-switchboard: 1/2 backends up, 1 idle (lazy), 4 tools',
        '  idle  lz     stdio  2 tools, 1 prompts, 1 resources, 1 templates (lazy: starts on first use)',
        '  up    eager  stdio  2 tools, 1 prompts, 1 resources, 1 templates',
      ].join('\n'),
    );
  });

  it('starts on its first call, serves it, and stops after idleTimeout with its tools still listed', async () => {
    const lz = router.backend('lz');
    const result = await c.client.callTool({ name: 'lz__echo', arguments: { text: 'wake' } });
    const answeredAt = performance.now();
    expect(result.structuredContent).toEqual({ server: 'lz', text: 'wake' });
    expect(lz.state).toBe('ready');
    expect(spawns.get('lz')).toBe(2);
    expect(fixtureProcesses('lz')).toHaveLength(1);

    await eventually(() => lz.state === 'idle', { what: 'the lazy server to stop', timeoutMs: 5000 });
    expect(performance.now() - answeredAt).toBeGreaterThanOrEqual(IDLE_MS - 20);
    await eventually(() => fixtureProcesses('lz').length === 0, { what: 'its process to exit' });
    expect(await allToolNames(c.client)).toEqual(['lz__echo', 'lz__sleep', 'eager__echo', 'eager__sleep']);
    // Starting and stopping changed nothing a client can list: no list_changed.
    expect(notesOf(c, 'notifications/tools/list_changed')).toEqual([]);
  });

  it('calls that arrive together share one start; a call longer than idleTimeout is never cut', async () => {
    const lz = router.backend('lz');
    const spawned = spawns.get('lz')!;
    const [a, b, long] = [
      c.client.callTool({ name: 'lz__echo', arguments: { text: 'a' } }),
      c.client.callTool({ name: 'lz__echo', arguments: { text: 'b' } }),
      c.client.callTool({ name: 'lz__sleep', arguments: { ms: IDLE_MS * 2 } }),
    ];
    expect([textOf(await a), textOf(await b)]).toEqual(['echo:a', 'echo:b']);
    expect(spawns.get('lz')).toBe(spawned + 1);
    await new Promise((r) => setTimeout(r, IDLE_MS + 300));
    expect(lz.state).toBe('ready'); // the sleep is still in flight
    expect(textOf(await long)).toBe(`slept ${IDLE_MS * 2}ms`);
    await eventually(() => lz.state === 'idle', { what: 'the lazy server to stop after the long call', timeoutMs: 5000 });
  });

  it('a new router lists it from the cache without starting any process', async () => {
    await stopRouter();
    await eventually(() => fixtureProcesses('eager').length === 0, { what: 'the old router to stop its servers' });
    await startRouter();
    expect(router.backend('lz').state).toBe('idle');
    expect(spawns.get('lz')).toBeUndefined();
    expect(fixtureProcesses('lz')).toEqual([]);
    expect(await allToolNames(c.client)).toEqual(['lz__echo', 'lz__sleep', 'eager__echo', 'eager__sleep']);
    expect((await c.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['lz__greet', 'eager__greet']);
    expect((await c.client.callTool({ name: 'lz__echo', arguments: { text: 'from cache' } })).structuredContent).toEqual({ server: 'lz', text: 'from cache' });
    expect(spawns.get('lz')).toBe(1);
  });
});

describe('a lazy server that cannot start', () => {
  it('fails the call within connectTimeout, naming the server, and stays listed and idle', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'sb-lazy-hang-'));
    const hang = makeServerConfig('hang', { kind: 'stdio', command: process.execPath, args: ['-e', 'setInterval(() => {}, 1000)'], env: {} }, { lazy: true, connectTimeoutMs: 500 });
    // What an earlier, working version of the server was listed as.
    await new ListCache(listingsDir(stateDir)).write(hang, {
      handshake: { protocolVersion: '2025-06-18', capabilities: { tools: {} } },
      lists: { tools: [{ name: 'ping_me', inputSchema: { type: 'object' } }], prompts: [], resources: [], resourceTemplates: [] },
    });
    const router = new Router(configFromServers([hang]), { log: silentLogger(), stateDir });
    try {
      await router.start();
      const c = await connectClient(router, 'hang');
      expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['hang__ping_me']);
      const t0 = performance.now();
      const err = await rpcError(c.client.callTool({ name: 'hang__ping_me', arguments: {} }));
      expect(performance.now() - t0).toBeLessThan(1500); // connectTimeout, not its shutdown grace on top
      expect(err.code).toBe(-32010);
      expect(err.message).toBe('server "hang" is not connected: no handshake within 500 ms. Check servers.hang in the config; the next call starts it again.');
      expect(router.backend('hang').state).toBe('idle');
      expect((await c.client.listTools()).tools.map((t) => t.name)).toEqual(['hang__ping_me']);
      await c.client.close();
    } finally {
      await router.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});

describe('a lazy server whose listing changed since it was cached', () => {
  it('replaces the cached lists when it starts, with list_changed, and rewrites the cache', async () => {
    const stateDir = await mkdtemp(join(tmpdir(), 'sb-lazy-stale-'));
    const lz = fixture('stale', { lazy: true });
    const cache = new ListCache(listingsDir(stateDir));
    // An older version of the server: one more tool, a prompt it no longer has, no resources.
    await cache.write(lz, {
      handshake: { protocolVersion: '2025-06-18', capabilities: { tools: {}, prompts: {} } },
      lists: {
        tools: ['echo', 'gone', 'sleep'].map((name) => ({ name, inputSchema: { type: 'object' as const } })),
        prompts: [{ name: 'old_prompt' }],
        resources: [],
        resourceTemplates: [],
      },
    });
    const router = new Router(configFromServers([lz]), { log: silentLogger(), stateDir });
    try {
      await router.start();
      const c = await connectClient(router, 'stale');
      expect(await allToolNames(c.client)).toEqual(['stale__echo', 'stale__gone', 'stale__sleep']);
      expect((await c.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['stale__old_prompt']);

      expect(textOf(await c.client.callTool({ name: 'stale__echo', arguments: { text: 'x' } }))).toBe('echo:x');
      await eventually(() => notesOf(c, 'notifications/tools/list_changed').length === 1 && notesOf(c, 'notifications/prompts/list_changed').length === 1, {
        what: 'list_changed for tools and prompts',
      });
      expect(await allToolNames(c.client)).toEqual(['stale__echo', 'stale__sleep']);
      expect((await c.client.listPrompts()).prompts.map((p) => p.name)).toEqual(['stale__greet']);
      await eventually(async () => (await cache.read(lz))?.lists.tools.map((t) => t.name).join() === 'echo,sleep', { what: 'the rewritten cache' });
      await c.client.close();
    } finally {
      await router.close();
      await rm(stateDir, { recursive: true, force: true });
    }
  });
});
