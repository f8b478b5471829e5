/**
 * Issue 15 end to end: Redis, 3 replicas (serve --http with cluster:) and nginx doing plain
 * round-robin in front, driven through nginx by SDK v2 clients of the 2025-11-25 era. Each 2025
 * session lives on the replica named in its id; whichever replica nginx picks relays to it. Then a
 * replica is SIGKILLed mid-call and Redis is stopped for a while, and what each client saw is
 * asserted. Every wait is bounded. Needs `npm run build` (npm test does it), redis-server and nginx.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from '@modelcontextprotocol/client';
import { assertBuilt, EVERYTHING_MAIN, q } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { eventually } from '../helpers/eventually.js';
import { textOf } from '../helpers/relay-harness.js';
import { passthroughResult } from '../helpers/passthrough.js';
import { ClusterHarness, clusterToolsInstalled } from '../helpers/cluster-harness.js';

const FX_TOOLS = 'echo,sleep,cancellations,ask_sampling,ask_elicitation,set_tools,touch';
const HELLO = 'fixture://fx/static/hello';
const PUBLIC_HELLO = `sb://fx/${HELLO}`;
const UPDATED = 'notifications/resources/updated';
const CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {} } };

function serversYaml(): string {
  const fx = fixtureStdioCommand('fx', ['--tools', FX_TOOLS]);
  return `  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n  ev:\n    command: ${q(process.execPath)}\n    args: [${q(EVERYTHING_MAIN)}, stdio]\n`;
}

/**
 * The client's fetch, with a hand on its SSE streams: cut them (as a lost connection would), and
 * hold the reconnecting GETs back for a while (so events happen while the client is away).
 */
class StreamCutter {
  /** Every GET the client made, with its Last-Event-ID. */
  readonly gets: Array<string | null> = [];
  readonly #open = new Set<{ kind: 'GET' | 'POST'; cut: () => void }>();
  #gate?: Promise<void>;
  #release?: () => void;

  readonly fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const method = (init?.method ?? 'GET') as 'GET' | 'POST';
    if (method === 'GET') {
      this.gets.push(new Headers(init?.headers).get('last-event-id'));
      if (this.#gate) await this.#gate;
    }
    const res = await fetch(input, init);
    if (!res.body || !(res.headers.get('content-type') ?? '').includes('text/event-stream')) return res;
    const reader = res.body.getReader();
    let controller!: ReadableStreamDefaultController<Uint8Array>;
    const entry = {
      kind: method === 'GET' ? ('GET' as const) : ('POST' as const),
      cut: () => {
        this.#open.delete(entry);
        try {
          controller.error(new Error('stream cut by the test'));
        } catch {
          // already closed
        }
        reader.cancel().catch(() => undefined);
      },
    };
    this.#open.add(entry);
    const body = new ReadableStream<Uint8Array>({
      start: (c) => void (controller = c),
      pull: async (c) => {
        try {
          const { value, done } = await reader.read();
          if (done) {
            this.#open.delete(entry);
            c.close();
          } else c.enqueue(value);
        } catch (err) {
          this.#open.delete(entry);
          try {
            c.error(err);
          } catch {
            // cut meanwhile
          }
        }
      },
      cancel: (why) => reader.cancel(why).catch(() => undefined),
    });
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  };

  cut(kind: 'GET' | 'POST'): number {
    const chosen = [...this.#open].filter((e) => e.kind === kind);
    for (const e of chosen) e.cut();
    return chosen.length;
  }

  hold(): void {
    this.#gate = new Promise((resolve) => (this.#release = resolve));
  }

  release(): void {
    this.#gate = undefined;
    this.#release?.();
  }
}

interface TestClient {
  label: string;
  client: Client;
  transport: StreamableHTTPClientTransport;
  cutter: StreamCutter;
  notes: Array<{ method: string; params: Record<string, unknown> }>;
  session: string;
  owner: string;
}

describe.skipIf(!clusterToolsInstalled())('cluster: 3 replicas behind nginx round-robin, Redis, 2025 sessions', () => {
  let cluster: ClusterHarness;
  const clients: TestClient[] = [];
  /** One client per replica, by owner. */
  const byOwner = new Map<string, TestClient>();
  let counter = 0;
  let modern: Client;

  async function connect(): Promise<TestClient> {
    const label = `c${++counter}`;
    const cutter = new StreamCutter();
    const client = new Client({ name: label, version: '1.0.0' }, { capabilities: CAPABILITIES });
    const notes: TestClient['notes'] = [];
    client.fallbackNotificationHandler = async (n) => void notes.push({ method: n.method, params: (n.params ?? {}) as Record<string, unknown> });
    client.setRequestHandler('sampling/createMessage', async (r) => {
      const first = r.params.messages[0]?.content as { text?: string };
      return { role: 'assistant', model: label, content: { type: 'text', text: `${label} sampled: ${first.text ?? ''}` } };
    });
    client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { answer: `${label} answers` } }));
    const transport = new StreamableHTTPClientTransport(new URL(cluster.url), {
      fetch: cutter.fetch,
      reconnectionOptions: { initialReconnectionDelay: 100, maxReconnectionDelay: 500, reconnectionDelayGrowFactor: 1.5, maxRetries: 6 },
    });
    await client.connect(transport);
    const session = transport.sessionId!;
    const c = { label, client, transport, cutter, notes, session, owner: cluster.ownerOf(session) };
    clients.push(c);
    return c;
  }

  const echo = async (c: TestClient, text: string) => textOf(await c.client.callTool({ name: 'fx__echo', arguments: { text } }, { timeout: 10_000 }));
  const updates = (c: TestClient) => c.notes.filter((n) => n.method === UPDATED);
  /** Resolves once `probe` gave the same answer for 500 ms. */
  const settled = async (probe: () => string) => {
    let last = probe();
    for (let stable = 0; stable < 5; ) {
      await new Promise((r) => setTimeout(r, 100));
      const now = probe();
      stable = now === last ? stable + 1 : 0;
      last = now;
    }
  };
  const touch = async (c: TestClient) => expect(textOf(await c.client.callTool({ name: 'fx__touch', arguments: { uri: HELLO } }, { timeout: 10_000 }))).toBe('notified');

  beforeAll(async () => {
    assertBuilt();
    cluster = await ClusterHarness.start({ replicas: 3, servers: serversYaml(), clusterExtra: '  events: { maxLength: 500, maxAgeMs: 60000 }\n' });
    // A client's connect is 3 requests (initialize, initialized, GET): with 3 replicas each initialize
    // would land on the same one. One more request in between moves nginx's round-robin on.
    for (let i = 0; i < 9 && byOwner.size < 3; i++) {
      const c = await connect();
      if (!byOwner.has(c.owner)) byOwner.set(c.owner, c);
      await fetch(cluster.url.replace(/\/mcp$/, '/healthz'));
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([...clients.map((c) => c.client), ...(modern ? [modern] : [])].map((c) => c.close().catch(() => undefined)));
    await cluster?.close();
  });

  it('spreads new sessions over the replicas (the owner is in the session id), and serves each one through any replica', async () => {
    expect([...byOwner.keys()].sort()).toEqual(['r1', 'r2', 'r3']);
    for (const c of byOwner.values()) expect(c.session).toMatch(new RegExp(`^${c.owner}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$`));
    await Promise.all(
      [...byOwner.values()].map(async (c) => {
        const tools = (await c.client.listTools()).tools.map((t) => t.name);
        expect(tools).toEqual(expect.arrayContaining(['fx__echo', 'fx__sleep', 'ev__simulate-research-query']));
        for (let i = 0; i < 4; i++) expect(await echo(c, `${c.label}-${i}`)).toBe(`echo:${c.label}-${i}`);
      }),
    );
    // No stickiness: nginx sent each session's requests to more than one replica.
    for (const c of byOwner.values()) {
      const reached = new Set(cluster.accessLog().filter((l) => l.session === c.session).map((l) => cluster.replicaAt(l.upstream)));
      expect(reached.size, `replicas reached by ${c.label}'s requests`).toBeGreaterThanOrEqual(2);
    }
  });

  it('relays progress, cancellation, sampling and elicitation to and from each session\'s owner', async () => {
    await Promise.all(
      [...byOwner.values()].map(async (c) => {
        const seen: number[] = [];
        const slept = await c.client.callTool({ name: 'fx__sleep', arguments: { ms: 300, steps: 3 } }, { onprogress: (p) => void seen.push(p.progress), timeout: 10_000 });
        expect(textOf(slept)).toBe('slept 300ms');
        expect(seen).toEqual([1, 2, 3]);

        const sampled = await c.client.callTool({ name: 'fx__ask_sampling', arguments: { prompt: 'hi' } }, { timeout: 10_000 });
        expect(textOf(sampled)).toBe(`${c.label} sampled: hi`);
        const elicited = await c.client.callTool({ name: 'fx__ask_elicitation', arguments: { message: 'name?' } }, { timeout: 10_000 });
        expect(JSON.parse(textOf(elicited))).toEqual({ action: 'accept', content: { answer: `${c.label} answers` } });

        const before = JSON.parse(textOf(await c.client.callTool({ name: 'fx__cancellations', arguments: {} }))) as unknown[];
        const abort = new AbortController();
        const call = c.client.callTool({ name: 'fx__sleep', arguments: { ms: 20_000 } }, { signal: abort.signal, timeout: 30_000 });
        setTimeout(() => abort.abort('changed my mind'), 300);
        await expect(call).rejects.toThrow();
        // notifications/cancelled went through nginx like any POST, and reached the owner's backend.
        await eventually(async () => (JSON.parse(textOf(await c.client.callTool({ name: 'fx__cancellations', arguments: {} }))) as unknown[]).length === before.length + 1, {
          what: `the cancellation of ${c.label}'s call at its owner's backend`,
        });
      }),
    );
  });

  it('delivers resources/updated to the subscribed session on its GET stream, wherever that stream landed', async () => {
    await Promise.all(
      [...byOwner.values()].map(async (c) => {
        await c.client.subscribeResource({ uri: PUBLIC_HELLO });
        await touch(c);
        // At least one: the others' touches on their own replicas' backends also reach this session,
        // through Redis pub/sub (docs/scaling.md: a resource update seen anywhere is told everywhere).
        await eventually(() => updates(c).length >= 1, { what: `resources/updated at ${c.label}` });
        for (const update of updates(c)) expect(update.params).toEqual({ uri: PUBLIC_HELLO });
      }),
    );
    // Let the cross-replica copies land before later tests count updates exactly.
    await settled(() => [...byOwner.values()].map((c) => updates(c).length).join());
  });

  it('serves tasks: created, polled, listed, fetched and cancelled through any replica', async () => {
    const c = byOwner.get('r2')!;
    const created = (await c.client.request({ method: 'tools/call', params: { name: 'ev__simulate-research-query', arguments: { topic: 'cluster' }, task: { ttl: 60_000 } } } as never, passthroughResult)) as {
      task: { taskId: string; status: string };
    };
    const taskId = created.task.taskId;
    expect(taskId).toMatch(/^ev__./);
    const listed = (await c.client.request({ method: 'tasks/list', params: {} } as never, passthroughResult)) as { tasks: Array<{ taskId: string }> };
    expect(listed.tasks.map((t) => t.taskId)).toContain(taskId);
    const result = (await c.client.request({ method: 'tasks/result', params: { taskId } } as never, passthroughResult, { timeout: 20_000 })) as { content: Array<{ text: string }> };
    expect(result.content[0]!.text).toContain('# Research Report: cluster');
    const done = (await c.client.request({ method: 'tasks/get', params: { taskId } } as never, passthroughResult)) as { status: string };
    expect(done.status).toBe('completed');
    // And one cancelled through the balancer (whichever replica took the tasks/cancel).
    const second = (await c.client.request({ method: 'tools/call', params: { name: 'ev__simulate-research-query', arguments: { topic: 'stop' }, task: { ttl: 60_000 } } } as never, passthroughResult)) as {
      task: { taskId: string };
    };
    await c.client.request({ method: 'tasks/cancel', params: { taskId: second.task.taskId } } as never, passthroughResult);
    const cancelled = (await c.client.request({ method: 'tasks/get', params: { taskId: second.task.taskId } } as never, passthroughResult)) as { status: string };
    expect(cancelled.status).toBe('cancelled');
  });

  it('resumes a broken GET stream with Last-Event-ID through nginx: what happened meanwhile arrives, once', async () => {
    const c = byOwner.get('r1')!;
    const had = updates(c).length;
    const getsBefore = c.cutter.gets.length;
    c.cutter.hold();
    expect(c.cutter.cut('GET')).toBe(1);
    for (let i = 0; i < 3; i++) await touch(c);
    await new Promise((r) => setTimeout(r, 300));
    expect(updates(c)).toHaveLength(had); // the client is away
    c.cutter.release();
    await eventually(() => updates(c).length === had + 3, { what: 'the three missed updates, replayed' });
    const resumedWith = c.cutter.gets.slice(getsBefore).find((id) => id !== null);
    expect(resumedWith).toMatch(/^g_[0-9]+-[0-9]+$/);
    // Live again on the resumed stream, and nothing arrives twice.
    await touch(c);
    await eventually(() => updates(c).length === had + 4, { what: 'a live update after the resume' });
    await new Promise((r) => setTimeout(r, 200));
    expect(updates(c)).toHaveLength(had + 4);
  });

  it('resumes a POST stream cut mid-call: the rest of the progress and the result arrive on the resumed GET', async () => {
    const c = byOwner.get('r3')!;
    const seen: number[] = [];
    const getsBefore = c.cutter.gets.length;
    let cut = false;
    const result = await c.client.callTool(
      { name: 'fx__sleep', arguments: { ms: 900, steps: 3 } },
      {
        timeout: 15_000,
        onprogress: (p) => {
          seen.push(p.progress);
          if (!cut) cut = c.cutter.cut('POST') === 1;
        },
      },
    );
    expect(cut).toBe(true);
    expect(textOf(result)).toBe('slept 900ms');
    expect(seen).toEqual([1, 2, 3]);
    expect(c.cutter.gets.slice(getsBefore).some((id) => id !== null && /^p[0-9]+_/.test(id))).toBe(true);
  });

  it('serves a 2026-07-28 client with no session at all: every request on whichever replica nginx picks', async () => {
    const logged = cluster.accessLog().length;
    modern = new Client({ name: 'modern', version: '1.0.0' }, { capabilities: {}, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await modern.connect(new StreamableHTTPClientTransport(new URL(cluster.url)));
    expect(modern.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect((await modern.listTools()).tools.map((t) => t.name)).toContain('fx__echo');
    for (let i = 0; i < 6; i++) expect(textOf(await modern.callTool({ name: 'fx__echo', arguments: { text: `m${i}` } }))).toBe(`echo:m${i}`);
    const modernRequests = cluster.accessLog().slice(logged);
    expect(modernRequests.length).toBeGreaterThanOrEqual(8);
    expect(modernRequests.every((l) => l.session === '-' && l.status === '200')).toBe(true);
    expect(new Set(modernRequests.map((l) => cluster.replicaAt(l.upstream))).size).toBe(3);
  });

  it('SIGKILL of a replica mid-call: sessions of the others go on through any replica; its own get 404 and re-initialize', async () => {
    const victim = 'r3';
    const [survivors, victims] = [clients.filter((c) => c.owner !== victim && byOwner.get(c.owner) === c), clients.filter((c) => c.owner === victim && byOwner.get(c.owner) === c)];
    expect([survivors.length, victims.length]).toEqual([2, 1]);
    const progress = new Map<TestClient, number[]>();
    const calls = [...survivors, ...victims].map((c) => {
      progress.set(c, []);
      return c.client
        .callTool({ name: 'fx__sleep', arguments: { ms: 2000, steps: 4 } }, { timeout: 6000, onprogress: (p) => void progress.get(c)!.push(p.progress) })
        .then((r) => ({ ok: true as const, text: textOf(r) }), (err: unknown) => ({ ok: false as const, error: String(err) }));
    });
    await eventually(() => [...progress.values()].every((p) => p.length >= 1), { what: 'every call to have started' });
    await cluster.kill(victim);
    const outcomes = await Promise.all(calls);
    survivors.forEach((c, i) => expect(outcomes[i], `${c.label} (owned by ${c.owner})`).toEqual({ ok: true, text: 'slept 2000ms' }));
    victims.forEach((c, i) => expect(outcomes[survivors.length + i]!.ok, `${c.label} (owned by the dead ${c.owner})`).toBe(false));

    // The victim's session is gone: a clean 404 that says why, and a new session works.
    const gone = await fetch(cluster.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': victims[0]!.session, 'mcp-protocol-version': '2025-11-25' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(gone.status).toBe(404);
    expect(((await gone.json()) as { error: { message: string } }).error.message).toBe(`Session not found: the replica that held it (${victim}) is gone; initialize a new session`);
    await expect(echo(victims[0]!, 'again')).rejects.toThrow(`Session not found: the replica that held it (${victim}) is gone; initialize a new session`);
    const fresh = await connect();
    expect(['r1', 'r2']).toContain(fresh.owner);
    expect(await echo(fresh, 'fresh')).toBe('echo:fresh');
    byOwner.set(victim, fresh); // stands in for the dead replica's client from here on

    for (const c of survivors) for (let i = 0; i < 4; i++) expect(await echo(c, `after-${i}`)).toBe(`echo:after-${i}`);
    // The 2026 client sees no error: nginx skips the dead replica.
    for (let i = 0; i < 4; i++) expect(textOf(await modern.callTool({ name: 'fx__echo', arguments: { text: `m-after-${i}` } }))).toBe(`echo:m-after-${i}`);
  });

  it('with Redis stopped, 2025 sessions go on (owner in the id, addresses known) and new ones start; the cluster recovers when it returns', async () => {
    const live = [...byOwner.values()];
    await cluster.redis!.stop();
    const downAt = Date.now();
    for (const c of live) for (let i = 0; i < 3; i++) expect(await echo(c, `no-redis-${i}`)).toBe(`echo:no-redis-${i}`);
    const born = await connect();
    expect(await echo(born, 'born without redis')).toBe('echo:born without redis');
    // A few seconds without Redis, while being used.
    while (Date.now() - downAt < 3000) {
      await Promise.all(live.map(async (c) => expect(await echo(c, 'still')).toBe('echo:still')));
      await new Promise((r) => setTimeout(r, 200));
    }
    await cluster.redis!.start();
    const redis = new Redis(cluster.redis!.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      // Both live replicas announce themselves again in the new, empty Redis.
      await eventually(async () => (await redis.keys('switchboard:replica:*')).sort().join(',') === 'switchboard:replica:r1,switchboard:replica:r2', {
        what: 'the live replicas to re-announce',
        timeoutMs: 10_000,
      });
    } finally {
      redis.disconnect();
    }
    // Replay works again: the event store is Redis.
    const c = live.find((x) => x.owner === 'r2') ?? live[0]!;
    await c.client.subscribeResource({ uri: PUBLIC_HELLO });
    const had = updates(c).length;
    c.cutter.hold();
    c.cutter.cut('GET');
    await touch(c);
    await new Promise((r) => setTimeout(r, 200));
    c.cutter.release();
    await eventually(() => updates(c).length === had + 1, { what: 'the update missed after Redis came back, replayed' });
  }, 40_000);
});
