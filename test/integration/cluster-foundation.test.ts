// The cluster's building blocks against a real redis-server: the replica registry, Redis going away
// and coming back, and forwarding a request (JSON and SSE) to the replica that owns it.
import { spawn } from 'node:child_process';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../../src/cluster/cluster.js';
import { FORWARDED_BY, ReplicaForwarder } from '../../src/cluster/forward.js';
import { SwitchboardError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/log.js';
import { eventually } from '../helpers/eventually.js';
import { RedisServer, freePort, redisInstalled } from '../helpers/redis-server.js';

const SECRET = 's'.repeat(40);

describe.skipIf(!redisInstalled())('cluster foundation (real redis-server)', () => {
  let redis: RedisServer;
  const clusters: Cluster[] = [];

  function replica(id: string): Cluster {
    const c = new Cluster({ redisUrl: redis.url, secret: SECRET, replicaId: id, advertiseUrl: `http://127.0.0.1:1/${id}`, events: { maxLength: 10, maxAgeMs: 60_000 } }, {
      log: silentLogger(),
      timings: { heartbeatMs: 100, ttlMs: 400 },
    });
    clusters.push(c);
    return c;
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
  });
  afterAll(async () => {
    await Promise.all(clusters.map((c) => c.close()));
    await redis.close();
  });

  it('announces replicas to each other, and forgets one that stops renewing its key', async () => {
    const a = replica('ra');
    const b = replica('rb');
    await a.announce(1);
    await b.announce(1);
    expect(await a.replicas.urlOf('rb')).toBe('http://127.0.0.1:1/rb');
    expect([...(await b.replicas.alive()).keys()].sort()).toEqual(['ra', 'rb']);
    await b.close(); // deletes its key at once
    expect(await a.replicas.urlOf('rb')).toBeUndefined();
    // The same keys on every replica: a session id minted by one is read by the other.
    expect(a.sessionIds.ownerOf(b.sessionIds.mint())).toBe('rb');
    expect(a.signing.cursor.equals(b.signing.cursor)).toBe(true);
  });

  it('refuses shared-state work while Redis is down with SB_CLUSTER_UNAVAILABLE, and recovers when it returns', async () => {
    const c = replica('rc');
    await c.announce(1);
    expect(await c.redis.run('ping', (r) => r.ping())).toBe('PONG');
    expect(await c.replicas.urlOf('ra')).toBe('http://127.0.0.1:1/ra');
    await redis.stop();
    await eventually(() => !c.redis.available, { what: 'the replica to notice Redis is gone' });
    const started = Date.now();
    const err = await c.redis.run('count a call', (r) => r.incr(c.redis.key('x'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SwitchboardError);
    expect((err as SwitchboardError).code).toBe('SB_CLUSTER_UNAVAILABLE');
    expect((err as SwitchboardError).message).toContain('cannot count a call');
    // Refused, not queued: nothing waits for Redis to come back.
    expect(Date.now() - started).toBeLessThan(1000);
    // The address of a replica seen before is still known.
    expect(await c.replicas.urlOf('ra')).toBe('http://127.0.0.1:1/ra');
    await redis.start();
    await eventually(() => c.redis.available, { what: 'the replica to reconnect', timeoutMs: 10_000 });
    // Its heartbeat is back in the new (empty) Redis without waiting for a restart.
    await eventually(async () => (await c.redis.client.get(c.redis.key('replica', 'rc'))) === 'http://127.0.0.1:1/rc', { what: 'the heartbeat to return' });
  });
});

describe('ReplicaForwarder', () => {
  let owner: Server;
  let ownerUrl: string;
  const seen: Array<{ method?: string; url?: string; forwardedBy?: string; session?: string; body: string }> = [];

  beforeAll(async () => {
    owner = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        seen.push({ method: req.method, url: req.url, forwardedBy: req.headers[FORWARDED_BY] as string, session: req.headers['mcp-session-id'] as string, body });
        if (req.method === 'GET') {
          res.writeHead(200, { 'content-type': 'text/event-stream', 'mcp-session-id': 'sid' });
          res.write('id: 1\nevent: message\ndata: {"n":1}\n\n');
          setTimeout(() => res.end('id: 2\nevent: message\ndata: {"n":2}\n\n'), 50);
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'sid' }).end('{"jsonrpc":"2.0","id":1,"result":{}}');
      });
    });
    await new Promise<void>((r) => owner.listen(0, '127.0.0.1', () => r()));
    ownerUrl = `http://127.0.0.1:${(owner.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => owner.close(() => r())));

  async function through(forwarder: ReplicaForwarder, target: string, method: string, body?: unknown): Promise<{ outcome: string; status?: number; text: string; headers: Record<string, unknown> }> {
    let outcome = '';
    const front = createServer((req, res) => {
      void forwarder.forward(req, res, body, target).then((o) => {
        outcome = o;
        if (o === 'unreachable') res.writeHead(404).end('owner gone');
      });
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    const port = (front.address() as AddressInfo).port;
    const answer = await new Promise<{ status?: number; text: string; headers: Record<string, unknown> }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/w/dev/mcp?x=1', method, headers: { 'mcp-session-id': 'sid', 'content-type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode, text, headers: res.headers }));
      });
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
    await new Promise<void>((r) => front.close(() => r()));
    return { outcome, ...answer };
  }

  it('relays a POST with its path, headers and body, marked as forwarded, and the JSON answer back', async () => {
    const forwarder = new ReplicaForwarder('front-replica');
    const r = await through(forwarder, ownerUrl, 'POST', { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    forwarder.close();
    expect(r.outcome).toBe('relayed');
    expect(r.status).toBe(200);
    expect(r.text).toBe('{"jsonrpc":"2.0","id":1,"result":{}}');
    expect(r.headers['mcp-session-id']).toBe('sid');
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/w/dev/mcp?x=1', forwardedBy: 'front-replica', session: 'sid', body: '{"jsonrpc":"2.0","id":1,"method":"tools/list"}' });
  });

  it('streams an SSE answer event by event until the owner ends it', async () => {
    const forwarder = new ReplicaForwarder('front-replica');
    const r = await through(forwarder, ownerUrl, 'GET');
    forwarder.close();
    expect(r.headers['content-type']).toBe('text/event-stream');
    expect(r.text).toBe('id: 1\nevent: message\ndata: {"n":1}\n\nid: 2\nevent: message\ndata: {"n":2}\n\n');
  });

  it('says unreachable, having written nothing, when the owner is gone', async () => {
    const forwarder = new ReplicaForwarder('front-replica');
    const r = await through(forwarder, `http://127.0.0.1:${await freePort()}`, 'POST', { jsonrpc: '2.0', id: 1, method: 'ping' });
    forwarder.close();
    expect(r.outcome).toBe('unreachable');
    expect(r.status).toBe(404);
    expect(r.text).toBe('owner gone');
  });
});

describe('ReplicaForwarder against an owner that never answers the connect', () => {
  it('gives up after its connect timeout and says unreachable', async () => {
    // A listener whose accept queue is full and never drained: Linux drops further SYNs, so a
    // connect hangs as it does toward a deleted pod's address (an unroutable IP may be intercepted
    // by a sandbox's network, a full queue cannot). Python, because Node always accepts.
    const hole = spawn('python3', ['-c', BLACKHOLE], { stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await new Promise<number>((resolve) => hole.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim()))));
    const forwarder = new ReplicaForwarder('front-replica');
    let outcome = '';
    const front = createServer((req, res) => {
      void forwarder.forward(req, res, { jsonrpc: '2.0', id: 1, method: 'ping' }, `http://127.0.0.1:${port}`).then((o) => {
        outcome = o;
        if (o === 'unreachable') res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', () => r()));
    const started = Date.now();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: (front.address() as AddressInfo).port, path: '/mcp', method: 'POST' }, (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('error', reject);
      req.end('{}');
    });
    const took = Date.now() - started;
    forwarder.close();
    hole.kill();
    await new Promise<void>((r) => front.close(() => r()));
    expect(outcome).toBe('unreachable');
    expect(status).toBe(404);
    expect(took).toBeGreaterThanOrEqual(2500);
    expect(took).toBeLessThan(10_000);
  }, 20_000);
});

const BLACKHOLE = [
  'import socket, sys, time',
  's = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(0)',
  'port = s.getsockname()[1]',
  'fill = []',
  'for _ in range(3):',
  '    c = socket.socket(); c.setblocking(False)',
  '    try: c.connect(("127.0.0.1", port))',
  '    except BlockingIOError: pass',
  '    fill.append(c)',
  'time.sleep(0.2); print(port, flush=True); time.sleep(60)',
].join('\n');
