// Streamable HTTP resumability (2025-11-25, "Resumability and Redelivery") on one HttpFront: every
// SSE event has an id; a GET with Last-Event-ID replays what the broken stream would have carried,
// for the GET stream and for a POST stream whose call is still running. Once with the in-memory
// store (no cluster), once with Redis Streams (a cluster replica), and with Redis gone.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultListenConfig } from '../../src/config/defaults.js';
import type { RouterConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { HttpFront } from '../../src/transports/http-front.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { MemoryEventStore, parseEventId } from '../../src/transports/event-store.js';
import { fixtureServer } from '../helpers/relay-harness.js';
import { httpRequest, JSON_HEADERS } from '../helpers/http-raw.js';
import { RedisServer, redisInstalled } from '../helpers/redis-server.js';
import { eventually } from '../helpers/eventually.js';
import { messagesOf, openSse, type SseEvent, type SseRead } from '../helpers/sse-reader.js';

const V = '2025-11-25';

function routerConfig(): RouterConfig {
  const servers = [fixtureServer('fx')];
  return { separator: '__', pageSize: 100, servers, listen: defaultListenConfig(), workspaces: [], search: { autoThreshold: 0, maxActive: 20 } } as unknown as RouterConfig;
}

interface Rig {
  url: string;
  router: Router;
  front: HttpFront;
  cluster?: Cluster;
}

async function startRig(redisUrl?: string): Promise<Rig> {
  const router = new Router(routerConfig(), { log: silentLogger(), waitForFirstStart: true });
  await router.start();
  const cluster = redisUrl
    ? new Cluster({ redisUrl, secret: 'r'.repeat(40), replicaId: 'solo', advertiseUrl: 'http://127.0.0.1:1', events: { maxLength: 50, maxAgeMs: 60_000 } }, { log: silentLogger() })
    : undefined;
  if (cluster) await cluster.redis.ready(5000);
  const front = new HttpFront({ listen: { ...defaultListenConfig(), port: 0 }, log: silentLogger(), connect: (t, v) => router.connect(t, v), ...(cluster && { cluster }) });
  return { url: await front.listen(), router, front, ...(cluster && { cluster }) };
}

async function stopRig(rig: Rig | undefined): Promise<void> {
  await rig?.front.close();
  await rig?.cluster?.close();
  await rig?.router.close();
}

async function post(url: string, body: object, session?: string) {
  return httpRequest(url, { method: 'POST', headers: { ...JSON_HEADERS, ...(session && { 'mcp-session-id': session, 'mcp-protocol-version': V }) }, body: JSON.stringify({ jsonrpc: '2.0', ...body }) });
}

async function initialize(url: string): Promise<string> {
  const res = await post(url, { id: 0, method: 'initialize', params: { protocolVersion: V, capabilities: {}, clientInfo: { name: 't', version: '1' } } });
  const id = res.headers['mcp-session-id'] as string;
  await post(url, { method: 'notifications/initialized' }, id);
  return id;
}

function getStream(url: string, session: string, lastEventId?: string): Promise<SseRead> {
  return openSse(url, { headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': V, ...(lastEventId && { 'last-event-id': lastEventId }) } });
}

const listChanged = (events: SseEvent[]) => messagesOf(events).filter((m) => m.method === 'notifications/tools/list_changed');

function resumabilitySuite(name: string, redisUrl: () => string | undefined, expectRedisIds: boolean): void {
  describe(name, () => {
    let rig: Rig;
    beforeAll(async () => {
      rig = await startRig(redisUrl());
    }, 30_000);
    afterAll(() => stopRig(rig));

    it('gives every GET stream event an id, primes the stream, and replays what it missed after Last-Event-ID', async () => {
      const session = await initialize(rig.url);
      if (expectRedisIds) expect(rig.cluster!.sessionIds.ownerOf(session)).toBe('solo');
      const first = await getStream(rig.url, session);
      expect(first.status).toBe(200);
      const [priming] = await first.waitFor('the priming event', (e) => e.length >= 1);
      expect(priming!.message).toBeUndefined();
      expect(parseEventId(priming!.id!)?.streamId).toBe('g');
      // One list change while the stream is up...
      await post(rig.url, { id: 1, method: 'tools/call', params: { name: 'fx__set_tools', arguments: { names: ['echo', 'sleep', 'set_tools', 'one'] } } }, session);
      await first.waitFor('a list change on the stream', (e) => listChanged(e).length === 1);
      const seenId = first.events.at(-1)!.id!;
      first.close();
      // ...and one while it is broken.
      await eventually(async () => (await post(rig.url, { id: 2, method: 'ping' }, session)).status === 200, { what: 'a ping' });
      await post(rig.url, { id: 3, method: 'tools/call', params: { name: 'fx__set_tools', arguments: { names: ['echo', 'sleep', 'set_tools', 'two'] } } }, session);
      await new Promise((r) => setTimeout(r, 300)); // the list change is relayed by now (debounced by the fixture)
      const resumed = await getStream(rig.url, session, seenId);
      expect(resumed.status).toBe(200);
      const events = await resumed.waitFor('the missed list change', (e) => listChanged(e).length >= 1);
      expect(listChanged(events)).toHaveLength(1);
      expect(parseEventId(events[0]!.id!)!.seq).toBeGreaterThan(parseEventId(seenId)!.seq);
      // The resumed stream is the session's GET stream now: the next change arrives on it, once.
      await post(rig.url, { id: 4, method: 'tools/call', params: { name: 'fx__set_tools', arguments: { names: ['echo', 'sleep', 'set_tools', 'three'] } } }, session);
      await resumed.waitFor('a live list change after the replay', (e) => listChanged(e).length === 2);
      const ids = resumed.events.map((e) => e.id);
      expect(new Set(ids).size).toBe(ids.length);
      resumed.close();
    });

    it('primes the GET stream only for clients of 2025-11-25 on; older ones get ids on real events only', async () => {
      const session = await initialize(rig.url);
      const older = await openSse(rig.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': '2025-06-18' } });
      expect(older.status).toBe(200);
      await post(rig.url, { id: 1, method: 'tools/call', params: { name: 'fx__set_tools', arguments: { names: ['echo', 'sleep', 'set_tools', 'older'] } } }, session);
      const [first] = await older.waitFor('a list change', (e) => e.length >= 1);
      expect(first!.message).toMatchObject({ method: 'notifications/tools/list_changed' });
      expect(parseEventId(first!.id!)?.streamId).toBe('g');
      older.close();
    });

    it('resumes a POST stream whose call is still running: the rest of its progress and its response arrive on the GET', async () => {
      const session = await initialize(rig.url);
      const call = await openSse(rig.url, {
        method: 'POST',
        headers: { ...JSON_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': V },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'fx__sleep', arguments: { ms: 900, steps: 3 }, _meta: { progressToken: 'tok' } } }),
      });
      const [progress] = await call.waitFor('the first progress', (e) => e.length >= 1);
      expect(progress!.message).toMatchObject({ method: 'notifications/progress', params: { progressToken: 'tok', progress: 1 } });
      expect(parseEventId(progress!.id!)?.streamId).toMatch(/^p[0-9]+$/);
      call.close();
      const resumed = await getStream(rig.url, session, progress!.id!);
      await resumed.waitEnd(10_000);
      const messages = messagesOf(resumed.events);
      expect(messages.map((m) => (m.method === 'notifications/progress' ? `progress ${(m.params as { progress: number }).progress}` : `response ${String(m.id)}`))).toEqual(['progress 2', 'progress 3', 'response 7']);
      expect(messages.at(-1)).toMatchObject({ id: 7, result: { content: [{ type: 'text', text: 'slept 900ms' }] } });
    });

    it('replays a POST stream that already finished, then ends it; an id it never gave is a fresh, empty replay', async () => {
      const session = await initialize(rig.url);
      const call = await openSse(rig.url, {
        method: 'POST',
        headers: { ...JSON_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': V },
        body: JSON.stringify({ jsonrpc: '2.0', id: 8, method: 'tools/call', params: { name: 'fx__sleep', arguments: { ms: 200, steps: 2 }, _meta: { progressToken: 't8' } } }),
      });
      const [progress] = await call.waitFor('the first progress', (e) => e.length >= 1);
      call.close();
      await new Promise((r) => setTimeout(r, 400)); // the call finishes while nobody listens
      const resumed = await getStream(rig.url, session, progress!.id!);
      await resumed.waitEnd();
      expect(messagesOf(resumed.events).map((m) => m.id ?? m.method)).toEqual(['notifications/progress', 8]);
      const unknown = await getStream(rig.url, session, 'p999_1-1');
      await unknown.waitEnd();
      expect(unknown.status).toBe(200);
      expect(unknown.events).toEqual([]);
    });
  });
}

resumabilitySuite('resumability with the in-memory event store', () => undefined, false);

describe.skipIf(!redisInstalled())('resumability with Redis Streams', () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(() => redis.close());

  resumabilitySuite('a cluster replica', () => redis.url, true);

  it('keeps each stream bounded in Redis, and deletes a session\'s streams when it ends', async () => {
    const rig = await startRig(redis.url);
    try {
      const session = await initialize(rig.url);
      const stream = await getStream(rig.url, session);
      for (let i = 0; i < 120; i++) await post(rig.url, { id: 10 + i, method: 'tools/call', params: { name: 'fx__set_tools', arguments: { names: ['echo', 'set_tools', `t${i % 2}`] } } }, session);
      await new Promise((r) => setTimeout(r, 300));
      const key = rig.cluster!.redis.key('events', session, 'g');
      const length = await rig.cluster!.redis.client.xlen(key);
      expect(length).toBeGreaterThan(0);
      // MAXLEN ~ 50 trims whole radix-tree nodes (100 entries each): "about" 50, never unbounded.
      expect(length).toBeLessThanOrEqual(150);
      expect(await rig.cluster!.redis.client.pttl(key)).toBeGreaterThan(50_000);
      stream.close();
      await httpRequest(rig.url, { method: 'DELETE', headers: { 'mcp-session-id': session, 'mcp-protocol-version': V } });
      await eventually(async () => (await rig.cluster!.redis.client.exists(key)) === 0, { what: 'the session\'s stream to be deleted' });
    } finally {
      await stopRig(rig);
    }
  }, 30_000);

  it('while Redis is down, streams still work (events are written live); only the replay is missing', async () => {
    const rig = await startRig(redis.url);
    try {
      const session = await initialize(rig.url);
      const stream = await getStream(rig.url, session);
      const [priming] = await stream.waitFor('the priming event', (e) => e.length >= 1);
      await redis.stop();
      await eventually(() => !rig.cluster!.redis.available, { what: 'Redis to be seen gone' });
      await post(rig.url, { id: 1, method: 'tools/call', params: { name: 'fx__set_tools', arguments: { names: ['echo', 'sleep', 'set_tools', 'down'] } } }, session);
      await stream.waitFor('a live list change with Redis down', (e) => listChanged(e).length === 1);
      const call = await openSse(rig.url, {
        method: 'POST',
        headers: { ...JSON_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': V },
        body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fx__sleep', arguments: { ms: 100, steps: 2 }, _meta: { progressToken: 'down' } } }),
      });
      await call.waitEnd();
      expect(messagesOf(call.events).map((m) => m.id ?? m.method)).toEqual(['notifications/progress', 'notifications/progress', 2]);
      stream.close();
      const resumed = await getStream(rig.url, session, priming!.id!);
      expect(resumed.status).toBe(200);
      await new Promise((r) => setTimeout(r, 200));
      expect(resumed.events).toEqual([]); // nothing kept while Redis was away
      await redis.start();
      await eventually(() => rig.cluster!.redis.available, { what: 'Redis to be back', timeoutMs: 10_000 });
      await post(rig.url, { id: 3, method: 'tools/call', params: { name: 'fx__set_tools', arguments: { names: ['echo', 'set_tools', 'up'] } } }, session);
      await resumed.waitFor('a live list change once Redis is back', (e) => listChanged(e).length === 1);
      resumed.close();
    } finally {
      await stopRig(rig);
    }
  }, 30_000);
});

describe('MemoryEventStore', () => {
  const message = (n: number) => ({ jsonrpc: '2.0', method: 'n', params: { n } }) as never;

  it('keeps a session\'s last maxLength events and replays one stream after a position', async () => {
    const store = new MemoryEventStore({ maxLength: 3, maxAgeMs: 60_000 });
    const now = Date.now();
    for (let seq = 1; seq <= 5; seq++) store.append('s', { id: `${seq % 2 ? 'g' : 'p1'}_${now}-${seq}`, message: message(seq) });
    const g = await store.replay('s', { streamId: 'g', ms: 0, seq: 0 });
    expect(g.map((e) => e.id)).toEqual([`g_${now}-3`, `g_${now}-5`]);
    expect((await store.replay('s', { streamId: 'g', ms: now, seq: 3 })).map((e) => e.id)).toEqual([`g_${now}-5`]);
    expect((await store.replay('s', { streamId: 'p1', ms: 0, seq: 0 })).map((e) => e.id)).toEqual([`p1_${now}-4`]);
    store.forget('s');
    expect(await store.replay('s', { streamId: 'g', ms: 0, seq: 0 })).toEqual([]);
  });

  it('drops events older than maxAgeMs', async () => {
    const store = new MemoryEventStore({ maxLength: 100, maxAgeMs: 1000 });
    const now = Date.now();
    store.append('s', { id: `g_${now - 5000}-1`, message: message(1) });
    store.append('s', { id: `g_${now}-2`, message: message(2) });
    expect((await store.replay('s', { streamId: 'g', ms: 0, seq: 0 })).map((e) => e.id)).toEqual([`g_${now}-2`]);
  });
});
