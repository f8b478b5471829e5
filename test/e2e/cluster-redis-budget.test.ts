/**
 * What Redis costs a 2026-07-28 client, and what losing it costs: two real `serve` replicas sharing a
 * real redis-server. MONITOR (on a connection of the test's own) sees every command the replicas send
 * while a client makes 50 plain tools/call requests: none is made for a call; only the heartbeat and
 * the once-a-second flushes of usage and recent calls run, bounded by time, not by calls. Then Redis
 * is taken away: plain calls go on; a held call's retry on B reaches its owner A (B read A's address
 * ahead); on C, a replica started during the outage that never saw A, the retry is refused with
 * SB_CLUSTER_UNAVAILABLE, and the same retry completes through C once Redis is back.
 * Needs `npm run build` and redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { assertBuilt, q, tempDir } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { eventually } from '../helpers/eventually.js';
import { RedisServer, redisInstalled } from '../helpers/redis-server.js';
import { clusterSection, startReplica, type Replica } from '../helpers/cluster-replicas.js';
import { modernRequest } from '../helpers/modern-raw.js';

/** The background work a replica does on its own clock, by command and key. */
function background(args: string[]): string | undefined {
  const [command, key = ''] = [args[0]!.toLowerCase(), args[1] ?? ''];
  if (command === 'set' && key.startsWith('switchboard:replica:')) return 'heartbeat';
  // Every replica reads the others' addresses ahead (session-forwarding.ts), every 5 s.
  if (command === 'scan' && args.includes('switchboard:replica:*')) return 'address-refresh';
  if (command === 'mget' && key.startsWith('switchboard:replica:')) return 'address-refresh';
  if (['hincrby', 'zadd'].includes(command) && key.startsWith('switchboard:usage:')) return 'usage-flush';
  if (['hgetall', 'zrange'].includes(command) && key.startsWith('switchboard:usage:')) return 'usage-read';
  if (['lpush', 'ltrim'].includes(command) && key === 'switchboard:recent-calls') return 'calls-flush';
  if (command === 'lrange' && key === 'switchboard:recent-calls') return 'calls-read';
  return undefined;
}

describe.skipIf(!redisInstalled())('Redis on the call path and Redis going away (real redis-server, two serve processes)', () => {
  const tmp = tempDir('sb-cluster-budget-');
  let redis: RedisServer;
  let a: Replica;
  let b: Replica;
  let c: Replica;
  let config: string;

  beforeAll(async () => {
    assertBuilt();
    redis = await RedisServer.start();
    const fx = fixtureStdioCommand('fx', ['--tools', 'echo,ask_elicitation']);
    // A workspace on /mcp: every call is counted for its maxTools ranking (shared through Redis).
    config = tmp.write(
      'router.yaml',
      `servers:\n  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\nworkspaces:\n  default:\n    maxTools: 10\n${clusterSection(redis.url)}`,
    );
    [a, b] = await Promise.all([startReplica('budget-a', config, tmp.dir), startReplica('budget-b', config, tmp.dir)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.cli.kill(), b?.cli.kill(), c?.cli.kill()]);
    await redis?.close();
    tmp.remove();
  });

  it('sends Redis no command for any of 50 plain tools/call requests', async () => {
    // Both replicas up with their backends listed: start-up work is not what this measures.
    for (const replica of [a, b]) expect((await modernRequest(replica.url, 1, 'tools/call', { name: 'fx__echo', arguments: { text: 'warm' } })).body.result?.resultType).toBe('complete');
    const watcher = new Redis(redis.url);
    const monitor = await watcher.monitor();
    const seen: string[][] = [];
    monitor.on('monitor', (_time: string, args: string[]) => seen.push(args));
    const started = Date.now();
    for (let i = 0; i < 50; i++) {
      const r = await modernRequest(a.url, 100 + i, 'tools/call', { name: 'fx__echo', arguments: { text: `call ${i}` } });
      expect(r.body.result?.structuredContent).toEqual({ server: 'fx', text: `call ${i}` });
    }
    const count = (kind: string): number => seen.filter((args) => background(args) === kind).length;
    // MONITOR does see the replicas at work: the calls are counted and shared, in the background.
    await eventually(() => count('usage-flush') >= 1 && count('calls-flush') >= 1, { what: 'the calls to be flushed to Redis' });
    const seconds = Math.ceil((Date.now() - started) / 1000);
    monitor.disconnect();
    watcher.disconnect();
    const unexplained = seen.filter((args) => background(args) === undefined);
    expect(unexplained, JSON.stringify(unexplained)).toEqual([]);
    if (process.env.SB_PRINT_REDIS_BUDGET) process.stderr.write(`50 calls in ${seconds}s: ${JSON.stringify(Object.fromEntries(['heartbeat', 'usage-flush', 'usage-read', 'calls-flush', 'calls-read'].map((k) => [k, count(k)])))}\n`);
    // Bounded by the clock (a flush a second, one tool), never by the 50 calls.
    expect(count('usage-flush')).toBeLessThanOrEqual(2 * (seconds + 1));
    expect(count('calls-flush')).toBeLessThanOrEqual(2 * (seconds + 1));
    expect(count('heartbeat')).toBeLessThanOrEqual(2 * (seconds + 1));
    expect(count('address-refresh')).toBeLessThanOrEqual(2 * 2 * (Math.ceil(seconds / 5) + 1));
  });

  it('labels /metrics by replica, and shows every replica\'s calls on each status page', async () => {
    const metrics = await (await fetch(`${a.base}/metrics`)).text();
    expect(metrics).toMatch(/switchboard_tool_calls_total\{[^}]*replica="budget-a"[^}]*\} 51/);
    expect(metrics).not.toContain('replica="budget-b"');
    // B served none of the 50; its page shows A's calls, once B has read them back from Redis.
    const status = await eventually(async () => {
      const s = (await (await fetch(`${b.base}/status.json`)).json()) as { replica?: string; calls: Array<{ name?: string; replica?: string }> };
      return s.calls.some((c) => c.replica === 'budget-a') && s;
    }, { what: 'B\'s status page to show A\'s calls', timeoutMs: 10_000 });
    expect(status.replica).toBe('budget-b');
    expect(new Set(status.calls.map((c) => `${c.name}@${c.replica}`))).toEqual(new Set(['fx__echo@budget-a', 'fx__echo@budget-b']));
    expect(status.calls.filter((c) => c.replica === 'budget-b')).toHaveLength(1); // B's warm-up call
  });

  it('keeps serving plain calls without Redis, refuses what needs it with SB_CLUSTER_UNAVAILABLE, and recovers', async () => {
    // One held call at a time: two elicitations in flight at one shared backend could not be told apart.
    const hold = async (id: number) => {
      const first = await modernRequest(a.url, id, 'tools/call', { name: 'fx__ask_elicitation', arguments: { message: 'through an outage?' } });
      return (first.body.result as { requestState: string }).requestState;
    };
    const retry = (url: string, id: number, state: string) =>
      modernRequest(url, id, 'tools/call', { name: 'fx__ask_elicitation', arguments: { message: 'through an outage?' }, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'yes' } } }, requestState: state });
    const completed = { resultType: 'complete', content: [{ type: 'text', text: JSON.stringify({ action: 'accept', content: { answer: 'yes' } }) }] };
    const state = await hold(200);
    // B reads A's address ahead (every 5 s): let it, then take Redis away.
    await new Promise((r) => setTimeout(r, 5500));
    await redis.stop();
    // C starts during the outage: it has never seen A's address, and says so (the call is not lost).
    c = await startReplica('budget-c', config, tmp.dir);
    const refused = await retry(c.url, 210, state);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({ code: -32090, data: { reason: 'SB_CLUSTER_UNAVAILABLE' } });
    expect(refused.body.error?.message).toContain('cannot find replica "budget-a"');
    expect(refused.body.error?.message).toContain('Redis is unreachable');
    // B relays the same retry to A from the address it already knew: done without Redis.
    expect((await retry(b.url, 211, state)).body.result).toMatchObject(completed);
    for (const replica of [a, b, c]) {
      const plain = await modernRequest(replica.url, 202, 'tools/call', { name: 'fx__echo', arguments: { text: 'no redis' } });
      expect(plain.body.result?.structuredContent).toEqual({ server: 'fx', text: 'no redis' });
    }
    await redis.start();
    // Once Redis is back, C finds A too.
    const again = await hold(220);
    const done = await eventually(async () => {
      const r = await retry(c.url, 221, again);
      return r.status === 200 && r;
    }, { what: 'a retry through C to reach A once Redis is back', timeoutMs: 15_000 });
    expect(done.body.result).toMatchObject(completed);
  }, 45_000);
});
