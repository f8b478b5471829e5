// The cluster's shared state against a real redis-server, two replicas' worth of each class: tool
// usage (maxTools ranking), the status page's recent calls, and the pub/sub of list changes. Each is
// also taken through a Redis outage: local service goes on, nothing already counted is lost, and
// sharing resumes when Redis returns.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { ClusterRedis } from '../../src/cluster/redis.js';
import { SharedUsage } from '../../src/cluster/shared-usage.js';
import { SharedRecentCalls } from '../../src/cluster/shared-recent.js';
import { ClusterEvents, type ClusterEvent } from '../../src/cluster/events.js';
import { UsageStore } from '../../src/workspace/usage.js';
import { silentLogger } from '../../src/log.js';
import { eventually } from '../helpers/eventually.js';
import { RedisServer, redisInstalled } from '../helpers/redis-server.js';

describe.skipIf(!redisInstalled())('cluster shared state (real redis-server)', () => {
  let redis: RedisServer;
  const closers: Array<() => unknown> = [];

  async function connection(): Promise<ClusterRedis> {
    const r = new ClusterRedis(redis.url, silentLogger());
    closers.push(() => r.close());
    expect(await r.ready(5000)).toBe(true);
    return r;
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    for (const close of closers.reverse()) await close();
    await redis.close();
  });

  it('ranks by every replica\'s usage, falls back to local while Redis is down, and loses no increment', async () => {
    const [ra, rb] = [await connection(), await connection()];
    // Long timers: the test drives each flush itself.
    const sa = new SharedUsage(ra, silentLogger(), { flushMs: 60_000, readMs: 0 });
    const sb = new SharedUsage(rb, silentLogger(), { flushMs: 60_000, readMs: 0 });
    closers.push(() => sa.close(), () => sb.close());
    let clock = 1_000;
    const a = new UsageStore(undefined, { log: silentLogger(), share: sa, now: () => clock });
    const b = new UsageStore(undefined, { log: silentLogger(), share: sb, now: () => clock });
    for (let i = 0; i < 3; i++) a.record('dev', 'fx__echo');
    clock = 5_000;
    b.record('dev', 'fx__echo');
    b.record('dev', 'fx__echo');
    b.record('dev', 'fx__add');
    // Before any flush: each replica knows only itself.
    expect(a.snapshot('dev').get('fx__echo')).toEqual({ count: 3, last: 1_000 });
    await sa.tick();
    await sb.tick();
    await sa.tick(); // reads what b flushed
    expect(a.snapshot('dev')).toEqual(new Map([['fx__echo', { count: 5, last: 5_000 }], ['fx__add', { count: 1, last: 5_000 }]]));
    // Increments since the last read count at once, on top of the merged view.
    a.record('dev', 'fx__add');
    expect(a.snapshot('dev').get('fx__add')).toEqual({ count: 2, last: 5_000 });

    await redis.stop();
    await eventually(() => !ra.available, { what: 'replica a to notice Redis is gone' });
    a.record('dev', 'fx__echo');
    await sa.tick(); // refused at once, kept for later
    // Local only: a's own 3 + 1 echo calls, its own 1 add.
    expect(a.snapshot('dev')).toEqual(new Map([['fx__echo', { count: 4, last: 5_000 }], ['fx__add', { count: 1, last: 5_000 }]]));

    await redis.start(); // empty: the outage took the shared counts with it
    await eventually(() => ra.available, { what: 'replica a to reconnect', timeoutMs: 10_000 });
    await sa.tick();
    // What a had not yet sent reached Redis: the add since the last read, and the echo of the outage.
    expect(await ra.client.hgetall(ra.key('usage', 'dev', 'count'))).toEqual({ fx__add: '1', fx__echo: '1' });
  });

  it('shows every replica\'s recent calls, newest first, each naming its replica, capped', async () => {
    const [ra, rb] = [await connection(), await connection()];
    const localA: Array<{ seq: number; name: string }> = [];
    const localB: Array<{ seq: number; name: string }> = [];
    const ca = new SharedRecentCalls(ra, 'ra', () => [...localA].reverse(), silentLogger(), { capacity: 3, flushMs: 60_000, readMs: 0 });
    const cb = new SharedRecentCalls(rb, 'rb', () => [...localB].reverse(), silentLogger(), { capacity: 3, flushMs: 60_000, readMs: 0 });
    closers.push(() => ca.close(), () => cb.close());
    expect(ca.list()).toBeUndefined(); // not read yet: the page shows local calls
    localA.push({ seq: 1, name: 'a1' }, { seq: 2, name: 'a2' });
    await ca.tick();
    localB.push({ seq: 1, name: 'b1' });
    await cb.tick();
    await ca.tick();
    expect(ca.list()).toEqual([
      { seq: 1, name: 'b1', replica: 'rb' },
      { seq: 2, name: 'a2', replica: 'ra' },
      { seq: 1, name: 'a1', replica: 'ra' },
    ]);
    // Sent once each; the list keeps the newest `capacity`.
    localA.push({ seq: 3, name: 'a3' });
    await ca.tick();
    expect(ca.list()!.map((c) => c.name)).toEqual(['a3', 'b1', 'a2']);
    // A call not flushed yet shows at once on its own replica's page (not yet on the others').
    localA.push({ seq: 4, name: 'a4' });
    expect(ca.list()!.slice(0, 2)).toEqual([{ seq: 4, name: 'a4', replica: 'ra' }, { seq: 3, name: 'a3', replica: 'ra' }]);
    expect(cb.list()!.map((c) => c.name)).toEqual(['b1', 'a2', 'a1']);
  });

  it('passes events to the other replicas only, and makes good what an outage swallowed', async () => {
    const [ra, rb] = [await connection(), await connection()];
    const resync: ClusterEvent = { lists: ['tools', 'prompts', 'resources', 'resourceTemplates'] };
    const ea = new ClusterEvents(ra, 'ra', silentLogger(), resync);
    const eb = new ClusterEvents(rb, 'rb', silentLogger(), resync);
    closers.push(() => ea.close(), () => eb.close());
    const seenA: ClusterEvent[] = [];
    const seenB: ClusterEvent[] = [];
    ea.on((e) => seenA.push(e));
    eb.on((e) => seenB.push(e));
    ea.start();
    eb.start();
    await eventually(async () => (await ra.client.pubsub('NUMSUB', ea.channel))[1] === 2, { what: 'both replicas to subscribe' });
    ea.publish({ lists: ['tools'] });
    ea.publish({ updated: { server: 'fx', uri: 'fixture://fx/static/hello', params: { uri: 'fixture://fx/static/hello', title: 'x' } } });
    await eventually(() => seenB.length === 2, { what: 'B to receive both events' });
    expect(seenB).toEqual([{ lists: ['tools'] }, { updated: { server: 'fx', uri: 'fixture://fx/static/hello', params: { uri: 'fixture://fx/static/hello', title: 'x' } } }]);
    expect(seenA).toEqual([]); // its own messages are skipped

    // A alone loses Redis (its connection is killed; B's subscription stays): what A could not
    // publish meanwhile is made good by "every list changed" once A is back.
    const admin = new Redis(redis.url);
    const idA = await ra.client.client('ID');
    seenB.length = 0;
    await admin.client('KILL', 'ID', String(idA));
    await eventually(() => !ra.available, { what: 'A to notice it lost Redis' });
    ea.publish({ lists: ['prompts'] }); // cannot go out: remembered as missed
    await eventually(() => seenB.length > 0, { what: 'A\'s resync to reach B', timeoutMs: 10_000 });
    expect(seenB).toEqual([resync]);
    admin.disconnect();

    // Redis itself goes away: every subscription breaks, and messages sent meanwhile are gone, so
    // each replica tells its own clients "every list changed" once it is subscribed again.
    await redis.stop();
    await eventually(() => !ra.available && !rb.available, { what: 'both replicas to notice Redis is gone' });
    seenA.length = 0;
    seenB.length = 0;
    await redis.start();
    await eventually(() => seenA.length > 0 && seenB.length > 0, { what: 'both replicas to resync', timeoutMs: 15_000 });
    expect([...seenA, ...seenB].every((e) => JSON.stringify(e) === JSON.stringify(resync))).toBe(true);
  });
});
