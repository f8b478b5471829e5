/**
 * Router.reload in-process, for what the CLI tests cannot see from outside: a restarted server whose
 * lists come back the same sends no list_changed at all, and a removed `isolation: session` server
 * takes every session's own connection with it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { configFromServers, makeServerConfig, type ServerOptions } from '../../src/config/defaults.js';
import type { ServerConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { eventually } from '../helpers/eventually.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

function fixture(name: string, tools: string[], opts: ServerOptions = {}): ServerConfig {
  const { command, args } = fixtureStdioCommand(name, ['--tools', tools.join(',')]);
  return makeServerConfig(name, { kind: 'stdio', command, args, env: {} }, opts);
}

describe('Router.reload', () => {
  let router: Router;
  let client: Client;
  let changes = 0;
  const shared = fixture('shared', ['echo']);
  const iso = fixture('iso', ['echo'], { isolation: 'session' });

  const tools = async () => (await client.listTools()).tools.map((t) => t.name).sort();

  beforeAll(async () => {
    router = new Router(configFromServers([shared, iso]), { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await router.connect(serverSide);
    client = new Client({ name: 'reload-servers', version: '1.0.0' }, { capabilities: {} });
    client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    await client.connect(clientSide);
    expect(await tools()).toEqual(['iso__echo', 'shared__echo']);
  });

  afterAll(async () => {
    await client?.close();
    await router?.close();
  });

  it('restarts a changed server without list_changed when its lists come back the same', async () => {
    const old = router.backend('shared');
    const before = changes;
    const diff = await router.reload(configFromServers([{ ...shared, timeoutMs: 12_345 }, iso]));
    expect(diff.changed.map((c) => c.after.name)).toEqual(['shared']);
    expect(old.state).toBe('closed');
    await eventually(() => router.backend('shared').state === 'ready', { what: 'the new shared connection' });
    expect(router.backend('shared')).not.toBe(old);
    expect(router.backend('shared').config.timeoutMs).toBe(12_345);
    expect(router.backend('shared').pid).not.toBe(old.pid);
    // The list answer follows anything sent before it on the same pipe.
    expect(await tools()).toEqual(['iso__echo', 'shared__echo']);
    expect(changes).toBe(before);
    const result = await client.callTool({ name: 'shared__echo', arguments: { text: 'again' } });
    expect(result.structuredContent).toEqual({ server: 'shared', text: 'again' });
  });

  it('removing an isolated server closes every session connection to it and its tools', async () => {
    await client.callTool({ name: 'iso__echo', arguments: { text: 'own' } });
    expect(router.isolatedCount()).toBe(1);
    const before = changes;
    const diff = await router.reload(configFromServers([{ ...shared, timeoutMs: 12_345 }]));
    expect(diff.removed.map((s) => s.name)).toEqual(['iso']);
    expect(diff.unchanged.map((s) => s.name)).toEqual(['shared']);
    expect(router.isolatedCount()).toBe(0);
    expect(router.maybeBackend('iso')).toBeUndefined();
    await eventually(() => changes > before, { what: 'list_changed for iso' });
    expect(await tools()).toEqual(['shared__echo']);
    await expect(client.callTool({ name: 'iso__echo', arguments: { text: 'gone' } })).rejects.toThrow(/iso__echo/);
  });
});
