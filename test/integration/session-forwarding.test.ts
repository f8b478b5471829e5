// Two replicas in one process (two routers, two HttpFronts, one real redis-server): a 2025 session
// opened on one is served through the other, its streams resumed through the other, and the cases
// that must NOT be forwarded (a forged id, a request already forwarded) get the plain 404. When the
// owner is gone, the 404 says so.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultListenConfig } from '../../src/config/defaults.js';
import type { RouterConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { HttpFront } from '../../src/transports/http-front.js';
import { Cluster } from '../../src/cluster/cluster.js';
import { FORWARDED_BY } from '../../src/cluster/forward.js';
import { fixtureServer } from '../helpers/relay-harness.js';
import { httpRequest, JSON_HEADERS } from '../helpers/http-raw.js';
import { RedisServer, freePort, redisInstalled } from '../helpers/redis-server.js';
import { messagesOf, openSse } from '../helpers/sse-reader.js';

const V = '2025-11-25';
const SECRET = 'f'.repeat(40);

interface Replica {
  id: string;
  url: string;
  router: Router;
  front: HttpFront;
  cluster: Cluster;
}

describe.skipIf(!redisInstalled())('2025 sessions forwarded between replicas', () => {
  let redis: RedisServer;
  let a: Replica;
  let b: Replica;

  async function replica(id: string): Promise<Replica> {
    const port = await freePort();
    const config = { separator: '__', pageSize: 100, servers: [fixtureServer('fx')], listen: defaultListenConfig(), workspaces: [], search: { autoThreshold: 0, maxActive: 20 } } as unknown as RouterConfig;
    const router = new Router(config, { log: silentLogger(), waitForFirstStart: true });
    await router.start();
    const cluster = new Cluster({ redisUrl: redis.url, secret: SECRET, replicaId: id, advertiseUrl: `http://127.0.0.1:${port}`, events: { maxLength: 100, maxAgeMs: 60_000 } }, { log: silentLogger() });
    const front = new HttpFront({ listen: { ...defaultListenConfig(), port }, log: silentLogger(), connect: (t, v) => router.connect(t, v), cluster });
    const url = await front.listen();
    await cluster.announce(port);
    return { id, url, router, front, cluster };
  }

  const post = (url: string, body: object, session?: string, extra: Record<string, string> = {}) =>
    httpRequest(url, { method: 'POST', headers: { ...JSON_HEADERS, ...(session && { 'mcp-session-id': session, 'mcp-protocol-version': V }), ...extra }, body: JSON.stringify({ jsonrpc: '2.0', ...body }) });

  async function initialize(url: string): Promise<string> {
    const res = await post(url, { id: 0, method: 'initialize', params: { protocolVersion: V, capabilities: {}, clientInfo: { name: 't', version: '1' } } });
    const id = res.headers['mcp-session-id'] as string;
    await post(url, { method: 'notifications/initialized' }, id);
    return id;
  }

  const errorOf = (body: string) => (JSON.parse(body) as { error: { message: string; data?: { reason?: string } } }).error;

  beforeAll(async () => {
    redis = await RedisServer.start();
    [a, b] = await Promise.all([replica('ra'), replica('rb')]);
  }, 30_000);

  afterAll(async () => {
    for (const r of [a, b]) {
      await r?.front.close();
      await r?.cluster.close();
      await r?.router.close();
    }
    await redis?.close();
  });

  it('serves a session opened on one replica through the other: calls, its POST stream and DELETE', async () => {
    const session = await initialize(a.url);
    expect(session.startsWith('ra:')).toBe(true);
    const echoed = await post(b.url, { id: 1, method: 'tools/call', params: { name: 'fx__echo', arguments: { text: 'via rb' } } }, session);
    expect(echoed.status).toBe(200);
    expect(JSON.parse(echoed.body)).toMatchObject({ id: 1, result: { structuredContent: { server: 'fx', text: 'via rb' } } });
    // The session lives on its owner only.
    expect([a.router.sessionCount(), b.router.sessionCount()]).toEqual([1, 0]);

    // A POST stream relayed through rb, cut after its first event, resumed through rb again.
    const call = await openSse(b.url, {
      method: 'POST',
      headers: { ...JSON_HEADERS, 'mcp-session-id': session, 'mcp-protocol-version': V },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'fx__sleep', arguments: { ms: 600, steps: 3 }, _meta: { progressToken: 'p' } } }),
    });
    const [first] = await call.waitFor('the first progress through rb', (e) => e.length >= 1);
    call.close();
    const resumed = await openSse(b.url, { headers: { accept: 'text/event-stream', 'mcp-session-id': session, 'mcp-protocol-version': V, 'last-event-id': first!.id! } });
    await resumed.waitEnd();
    expect(messagesOf(resumed.events).map((m) => m.id ?? (m.params as { progress: number }).progress)).toEqual([2, 3, 2]);

    const deleted = await httpRequest(b.url, { method: 'DELETE', headers: { 'mcp-session-id': session, 'mcp-protocol-version': V } });
    expect(deleted.status).toBe(200);
    const after = await post(a.url, { id: 3, method: 'ping' }, session);
    expect(after.status).toBe(404);
  });

  it('does not forward a forged id or a request already forwarded: both get the plain 404', async () => {
    const session = await initialize(a.url);
    const forged = session.slice(0, -1) + (session.endsWith('A') ? 'B' : 'A');
    const refused = await post(b.url, { id: 1, method: 'ping' }, forged);
    expect(refused.status).toBe(404);
    expect(errorOf(refused.body).message).toBe('Session not found: it ended or never existed; initialize a new session');
    // Another replica already relayed this one: rb must not relay it again, even to its real owner.
    const looped = await post(b.url, { id: 2, method: 'ping' }, session, { [FORWARDED_BY]: 'rz' });
    expect(looped.status).toBe(404);
    expect(errorOf(looped.body).message).toBe('Session not found: it ended or never existed; initialize a new session');
    expect((await post(b.url, { id: 3, method: 'ping' }, session)).status).toBe(200);
  });

  it('answers 404 naming the gone replica when the owner cannot be reached, at once', async () => {
    const session = await initialize(a.url);
    expect((await post(b.url, { id: 1, method: 'ping' }, session)).status).toBe(200);
    await a.front.close(); // the owner stops answering (its address is still registered for a while)
    const started = Date.now();
    const gone = await post(b.url, { id: 2, method: 'ping' }, session);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(gone.status).toBe(404);
    expect(errorOf(gone.body)).toEqual({ code: -32003, message: 'Session not found: the replica that held it (ra) is gone; initialize a new session', data: { reason: 'SB_UNKNOWN_SESSION' } });
    // A new session on the live replica works.
    const fresh = await initialize(b.url);
    expect(fresh.startsWith('rb:')).toBe(true);
  });
});
