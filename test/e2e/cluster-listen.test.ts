/**
 * subscriptions/listen across replicas through Redis pub/sub: two real `serve` processes sharing a
 * real redis-server, each with its own fixture backend process. A list change or a resource update
 * that only replica A's backend saw reaches listeners on replica B (and B's 2025 sessions); with
 * Redis gone each replica still tells its own clients, and B hears about A again once Redis returns.
 * Needs `npm run build` and redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { LEGACY, MODERN, bareHttpClient } from '../helpers/era-clients.js';
import { assertBuilt, q, tempDir } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { eventually } from '../helpers/eventually.js';
import { RedisServer, redisInstalled } from '../helpers/redis-server.js';
import { clusterSection, startReplica, type Replica } from '../helpers/cluster-replicas.js';
import { textOf } from '../helpers/relay-harness.js';

const FX_TOOLS = ['echo', 'set_tools', 'touch'];
const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

const modernClient = (url: string): Promise<Client> => bareHttpClient(url, MODERN);
const legacyClient = (url: string): Promise<Client> => bareHttpClient(url, LEGACY);

/** Counts the notifications of `method` a client receives. */
function counter(client: Client, method: 'notifications/tools/list_changed' | 'notifications/resources/updated'): Array<Record<string, unknown>> {
  const seen: Array<Record<string, unknown>> = [];
  client.setNotificationHandler(method, async (n) => void seen.push((n.params ?? {}) as Record<string, unknown>));
  return seen;
}

describe.skipIf(!redisInstalled())('subscriptions/listen across replicas (real redis-server, two serve processes)', () => {
  const tmp = tempDir('sb-cluster-listen-');
  const clients: Client[] = [];
  let redis: RedisServer;
  let a: Replica;
  let b: Replica;
  let generation = 0;

  beforeAll(async () => {
    assertBuilt();
    redis = await RedisServer.start();
    const fx = fixtureStdioCommand('fx', ['--tools', FX_TOOLS.join(',')]);
    const config = tmp.write('router.yaml', `servers:\n  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n${clusterSection(redis.url)}`);
    [a, b] = await Promise.all([startReplica('listen-a', config, tmp.dir), startReplica('listen-b', config, tmp.dir)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await Promise.all([a?.cli.kill(), b?.cli.kill()]);
    await redis?.close();
    tmp.remove();
  });

  /** Change the tool set of A's backend process only (B's own fixture process never changes). */
  async function changeToolsOnA(caller: Client): Promise<void> {
    generation += 1;
    await caller.callTool({ name: 'fx__set_tools', arguments: { names: [...FX_TOOLS, `extra${generation}`] } });
  }

  it('tells a listener on B, and a 2025 session on B, about a tool list change only A\'s backend saw', async () => {
    const onA = await modernClient(a.url);
    const listenerB = await modernClient(b.url);
    const sessionB = await legacyClient(b.url);
    clients.push(onA, listenerB, sessionB);
    const heardB = counter(listenerB, 'notifications/tools/list_changed');
    const heardSession = counter(sessionB, 'notifications/tools/list_changed');
    const subscription = await listenerB.listen({ toolsListChanged: true });
    await changeToolsOnA(onA);
    await eventually(() => heardB.length > 0 && heardSession.length > 0, { what: 'list_changed on B from A' });
    expect(heardB[0]!._meta).toMatchObject({ [SUBSCRIPTION_ID]: expect.anything() });
    // A's own list changed; B's backend did not (each replica runs its own), yet B's clients were told.
    await eventually(async () => (await onA.listTools()).tools.some((t) => t.name === `fx__extra${generation}`), { what: 'A to list the new tool' });
    expect((await listenerB.listTools()).tools.map((t) => t.name)).not.toContain(`fx__extra${generation}`);
    await subscription.close();
  });

  it('delivers a resource update A\'s backend sent to a listener subscribed on B', async () => {
    const onA = await modernClient(a.url);
    const onB = await modernClient(b.url);
    clients.push(onA, onB);
    const hello = (await onB.listResources()).resources.find((r) => r.uri.endsWith('/static/hello'))!.uri;
    const updatesA = counter(onA, 'notifications/resources/updated');
    const updatesB = counter(onB, 'notifications/resources/updated');
    const subA = await onA.listen({ resourceSubscriptions: [hello] });
    const subB = await onB.listen({ resourceSubscriptions: [hello] });
    // Only A's backend process is touched, so only A's connection is told by the backend.
    expect(textOf(await onA.callTool({ name: 'fx__touch', arguments: { uri: 'fixture://fx/static/hello' } }))).toBe('notified');
    await eventually(() => updatesA.length > 0 && updatesB.length > 0, { what: 'resources/updated on both replicas' });
    expect(updatesB[0]!.uri).toBe(hello);
    await subA.close();
    await subB.close();
  });

  it('keeps local delivery while Redis is down, and B hears about A again once Redis returns', async () => {
    const onA = await modernClient(a.url);
    const listenerA = await modernClient(a.url);
    const listenerB = await modernClient(b.url);
    clients.push(onA, listenerA, listenerB);
    const heardA = counter(listenerA, 'notifications/tools/list_changed');
    const heardB = counter(listenerB, 'notifications/tools/list_changed');
    const subA = await listenerA.listen({ toolsListChanged: true });
    const subB = await listenerB.listen({ toolsListChanged: true });
    await redis.stop();
    await changeToolsOnA(onA);
    // A's own listener is told at once: local delivery needs no Redis.
    await eventually(() => heardA.length > 0, { what: 'list_changed on A while Redis is down' });
    expect(heardB).toHaveLength(0);
    await redis.start();
    // What B missed is made good: A republishes "everything changed", B's broken subscription resyncs.
    await eventually(() => heardB.length > 0, { what: 'B to hear of the change it missed', timeoutMs: 15_000 });
    // And fresh changes cross again.
    const before = heardB.length;
    await eventually(
      async () => {
        await changeToolsOnA(onA);
        await new Promise((r) => setTimeout(r, 200));
        return heardB.length > before;
      },
      { what: 'a fresh change on A to reach B', timeoutMs: 15_000 },
    );
    await subA.close();
    await subB.close();
  });
});
