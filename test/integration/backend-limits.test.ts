/**
 * maxConcurrency / maxQueue against real stdio fixture processes: a full queue refuses at once with
 * the busy error while other servers keep serving; a call cancelled while queued never reaches the
 * server; a queued call's timeout counts from the moment it is sent; every forwarded kind queues.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromServers, makeServerConfig, type ServerOptions } from '../../src/config/defaults.js';
import type { ServerConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { eventually } from '../helpers/eventually.js';
import { ROOT, connectClient, rpcError, textOf, type RelayClient } from '../helpers/relay-harness.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

function fixture(name: string, tools: string, opts: ServerOptions = {}): ServerConfig {
  const { command, args } = fixtureStdioCommand(name, ['--tools', tools]);
  return makeServerConfig(name, { kind: 'stdio', command, args, env: {}, cwd: ROOT }, opts);
}

describe('maxConcurrency and maxQueue', () => {
  let router: Router;
  let c: RelayClient;
  const stats = () => router.limits.stats('slow');
  const received = async () => JSON.parse(textOf(await c.client.callTool({ name: 'slow__received', arguments: {} }))) as string[];

  beforeAll(async () => {
    const config = configFromServers([
      // timeout 1500 ms: shorter than a queued call's whole wait plus its run, longer than its run.
      fixture('slow', 'sleep,echo,received', { maxConcurrency: 2, maxQueue: 1, timeoutMs: 1500 }),
      fixture('fast', 'echo'),
    ]);
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    c = await connectClient(router, 'limits');
  });

  afterAll(async () => {
    await c?.client.close();
    await router?.close();
  });

  it('refuses a call at once when the queue is full, while the other server serves', async () => {
    const first = c.client.callTool({ name: 'slow__sleep', arguments: { ms: 1200 } });
    const second = c.client.callTool({ name: 'slow__sleep', arguments: { ms: 1200 } });
    await eventually(() => stats()?.inFlight === 2, { what: 'two calls in flight' });
    // Waits ~1200 ms for a slot, then runs 1000 ms: 2200 ms after it was asked, 1000 ms after it was sent.
    const queued = c.client.callTool({ name: 'slow__sleep', arguments: { ms: 1000 } });
    await eventually(() => stats()?.waiting === 1, { what: 'one call waiting' });

    const t0 = performance.now();
    const err = await rpcError(c.client.callTool({ name: 'slow__echo', arguments: { text: 'refused' } }));
    const refusedAfter = performance.now() - t0;
    expect(err.code).toBe(-32011);
    expect(err.message).toBe('server "slow" is busy: 2 calls in flight and 1 waiting (servers.slow.maxConcurrency / maxQueue); try again shortly');
    expect(refusedAfter).toBeLessThan(400); // not after a slot freed (~1200 ms)

    const other = await c.client.callTool({ name: 'fast__echo', arguments: { text: 'meanwhile' } });
    expect(other.structuredContent).toEqual({ server: 'fast', text: 'meanwhile' });
    expect(stats()).toEqual({ inFlight: 2, waiting: 1 });

    expect(textOf(await first)).toBe('slept 1200ms');
    expect(textOf(await second)).toBe('slept 1200ms');
    // Its timeout (1500 ms) counts from when it was sent, not from when it was asked.
    expect(textOf(await queued)).toBe('slept 1000ms');
    expect(stats()).toEqual({ inFlight: 0, waiting: 0 });
    expect(await received()).toEqual(['sleep {"ms":1200}', 'sleep {"ms":1200}', 'sleep {"ms":1000}']);
  });

  it('takes a call cancelled while queued out of the queue; the server never sees it', async () => {
    const before = (await received()).length + 1; // + the received call itself
    const first = c.client.callTool({ name: 'slow__sleep', arguments: { ms: 800 } });
    const second = c.client.callTool({ name: 'slow__sleep', arguments: { ms: 800 } });
    await eventually(() => stats()?.inFlight === 2, { what: 'two calls in flight' });
    const controller = new AbortController();
    const queued = c.client.callTool({ name: 'slow__echo', arguments: { text: 'never' } }, { signal: controller.signal });
    await eventually(() => stats()?.waiting === 1, { what: 'the call to cancel waiting' });

    controller.abort('changed my mind');
    await expect(queued).rejects.toThrow();
    // Out of the queue at once, while both slots are still taken: the next call may wait in its place.
    await eventually(() => stats()?.waiting === 0, { what: 'the cancelled call to leave the queue', timeoutMs: 300 });
    expect(stats()?.inFlight).toBe(2);
    const replacement = c.client.callTool({ name: 'slow__echo', arguments: { text: 'replacement' } });

    await Promise.all([first, second]);
    expect(textOf(await replacement)).toBe('echo:replacement');
    expect((await received()).slice(before)).toEqual(['sleep {"ms":800}', 'sleep {"ms":800}', 'echo {"text":"replacement"}']);
  });

  it('queues every forwarded kind, not only tools/call', async () => {
    const first = c.client.callTool({ name: 'slow__sleep', arguments: { ms: 600 } });
    const second = c.client.callTool({ name: 'slow__sleep', arguments: { ms: 600 } });
    await eventually(() => stats()?.inFlight === 2, { what: 'two calls in flight' });
    const prompt = c.client.getPrompt({ name: 'slow__greet', arguments: { name: 'alice' } });
    await eventually(() => stats()?.waiting === 1, { what: 'the prompt waiting' });
    const read = await rpcError(c.client.readResource({ uri: 'sb://slow/fixture://slow/static/hello' }));
    expect(read.code).toBe(-32011);
    expect(read.message).toBe('server "slow" is busy: 2 calls in flight and 1 waiting (servers.slow.maxConcurrency / maxQueue); try again shortly');
    await Promise.all([first, second]);
    expect((await prompt).messages[0]!.content).toEqual({ type: 'text', text: 'Hello alice!' });
  });
});
