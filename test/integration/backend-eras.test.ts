/**
 * The backend side of both protocol eras: a 2026-07-28 backend is found (forced or by a safe probe),
 * called statelessly with the envelope, and remembered; a 2025 backend comes up through initialize
 * whatever it does with the probe (answers an error, ignores it, crashes on it).
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/backends/backend.js';
import { ProtocolMemory } from '../../src/backends/protocol-memory.js';
import { makeServerConfig } from '../../src/config/defaults.js';
import { createLogger, silentLogger } from '../../src/log.js';
import { startModernHttpFixture, type ModernHttpFixture } from '../fixtures/modern-server-http.js';
import { eventually } from '../helpers/eventually.js';
import { hostileServer, modernStdioServer } from '../helpers/modern-fixture.js';
import { everythingServer, sentRequests, tapTransport } from '../helpers/relay-harness.js';
import { spawnFixture } from '../helpers/spawn-fixture.js';

const ENVELOPE_KEYS = ['io.modelcontextprotocol/protocolVersion', 'io.modelcontextprotocol/clientCapabilities', 'io.modelcontextprotocol/clientInfo'];

let stateDir: string;
const backends: Backend[] = [];

function backend(config: ConstructorParameters<typeof Backend>[0]): Backend {
  const b = new Backend(config, { log: silentLogger(), retryDelaysMs: [600_000], protocolMemory: new ProtocolMemory(stateDir), relistDebounceMs: 10 });
  backends.push(b);
  return b;
}

beforeAll(() => {
  stateDir = mkdtempSync(join(tmpdir(), 'sb-eras-'));
});

afterEach(async () => {
  await Promise.all(backends.splice(0).map((b) => b.close()));
});

afterAll(() => rmSync(stateDir, { recursive: true, force: true }));

describe('a 2026-07-28 backend over stdio', () => {
  it('protocol: 2026-07-28 connects without initialize and keeps the cache hints of its lists', async () => {
    const b = backend(modernStdioServer('m', { protocol: '2026-07-28' }));
    await b.start();
    expect(b.state).toBe('ready');
    expect(b.era).toBe('2026-07-28');
    expect(b.serverInfo).toEqual({ name: 'm', version: '2.0.0' });
    expect(b.instructions).toBe('modern fixture m');
    expect(b.lists.tools.map((t) => t.name)).toEqual(['echo', 'confirm', 'profile', 'count', 'wait', 'grow', 'touch', 'sample', 'roots', 'cancelled']);
    expect(b.lists.resources.map((r) => r.uri)).toEqual(['fixture://readme']);
    expect(b.cacheHints.tools).toEqual({ ttlMs: 60_000, cacheScope: 'public' });
    expect(b.cacheHints.resources).toEqual({ ttlMs: 60_000, cacheScope: 'public' });
    // prompts/list has no hint configured: the SDK sends ttlMs 0, private.
    expect(b.cacheHints.prompts).toEqual({ ttlMs: 0, cacheScope: 'private' });
  });

  it('forwards calls with progress and returns input_required untouched', async () => {
    const b = backend(modernStdioServer('m', { protocol: '2026-07-28' }));
    await b.start();
    const seen: number[] = [];
    const counted = await b.request('tools/call', { name: 'count', arguments: { n: 3 } }, { onprogress: (p) => seen.push(p.progress) });
    expect(counted.content).toEqual([{ type: 'text', text: 'counted to 3' }]);
    expect(seen).toEqual([1, 2, 3]);
    const asked = await b.request('tools/call', { name: 'confirm', arguments: { action: 'ship' } });
    expect(asked.resultType).toBe('input_required');
    expect(Object.keys(asked.inputRequests as object)).toEqual(['confirm']);
  });

  it('re-lists when the server announces a change on subscriptions/listen', async () => {
    const b = backend(modernStdioServer('m', { protocol: '2026-07-28' }));
    await b.start();
    await b.request('tools/call', { name: 'grow', arguments: { tool: 'sprout' } });
    await eventually(() => b.lists.tools.some((t) => t.name === 'sprout'), { what: 'the new tool in the backend list' });
  });

  it('resources/subscribe becomes a URI in the listen filter; its updates arrive, and stop after unsubscribe', async () => {
    const updates: string[] = [];
    const b = new Backend(modernStdioServer('m', { protocol: '2026-07-28' }), {
      log: silentLogger(),
      retryDelaysMs: [600_000],
      hooks: { onNotification: (_b, method, params) => void (method === 'notifications/resources/updated' && updates.push(String(params?.uri))) },
    });
    backends.push(b);
    await b.start();
    const tap = tapTransport(b.transport!);
    expect(await b.request('resources/subscribe', { uri: 'fixture://readme' })).toEqual({});
    const listen = await eventually(() => sentRequests(tap, 'subscriptions/listen').at(-1), { what: 'the reopened listen stream' });
    expect(listen.params.notifications).toEqual({ toolsListChanged: true, promptsListChanged: true, resourcesListChanged: true, resourceSubscriptions: ['fixture://readme'] });
    await eventually(() => tap.received.some((m) => 'method' in m && m.method === 'notifications/subscriptions/acknowledged'), { what: 'the acknowledgement' });
    await b.request('tools/call', { name: 'touch', arguments: { uri: 'fixture://readme' } });
    await eventually(() => updates.length === 1, { what: 'the resource update' });
    expect(updates).toEqual(['fixture://readme']);
    expect(sentRequests(tap, 'resources/subscribe')).toEqual([]);

    await b.request('resources/unsubscribe', { uri: 'fixture://readme' });
    await eventually(() => sentRequests(tap, 'subscriptions/listen').length === 2, { what: 'the listen stream without the URI' });
    expect(sentRequests(tap, 'subscriptions/listen')[1]!.params.notifications).not.toHaveProperty('resourceSubscriptions');
    await eventually(() => tap.received.filter((m) => 'method' in m && m.method === 'notifications/subscriptions/acknowledged').length === 2, { what: 'the second acknowledgement' });
    // On stdio the update would be written before touch's result: none means none was sent.
    await b.request('tools/call', { name: 'touch', arguments: { uri: 'fixture://readme' } });
    expect(updates).toEqual(['fixture://readme']);
  });

  it('protocol: 2026-07-28 refuses a 2025 server with a sentence that says what to set', async () => {
    const b = backend(hostileServer('old', 'error', join(stateDir, 'spawns-forced')));
    (b.config as { protocol: string }).protocol = '2026-07-28';
    await b.start();
    expect(b.state).toBe('down');
    expect(b.lastError).toContain('does not speak protocol 2026-07-28');
    expect(b.lastError).toContain('set protocol: auto or 2025-11-25');
  });
});

describe('protocol: auto', () => {
  it('finds a modern fixture modern and remembers it in the state directory', async () => {
    const config = modernStdioServer('auto-m', { protocol: 'auto' });
    const b = backend(config);
    await b.start();
    expect(b.era).toBe('2026-07-28');
    const file = new ProtocolMemory(stateDir).fileFor(config.target);
    await eventually(() => readdirSync(stateDir).includes(file.split('/').pop()!), { what: 'the protocol file' });
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ era: '2026-07-28', server: 'auto-m' });
    expect(readdirSync(stateDir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('finds server-everything legacy without hanging: it answers the probe with an error', async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString('utf8')), done()) });
    const b = new Backend(everythingServer({ protocol: 'auto' }), { log: createLogger('debug', sink), retryDelaysMs: [600_000], protocolMemory: new ProtocolMemory(stateDir) });
    backends.push(b);
    await b.start();
    expect(b.state).toBe('ready');
    expect(b.era).toBe('2025-11-25');
    expect(b.lists.tools.length).toBeGreaterThan(0);
    const said = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(said).toContain('server/discover answered with an error; initialize on the same connection');
    expect(said).not.toContain('server/discover probe got no answer; initialize on a fresh connection');
  });

  it('brings up a server that crashes on the probe through initialize on a respawned child', async () => {
    const log = join(stateDir, 'spawns-crash');
    const b = backend(hostileServer('crashy', 'crash', log, { protocol: 'auto' }));
    await b.start();
    expect(b.state).toBe('ready');
    expect(b.era).toBe('2025-11-25');
    const pids = readFileSync(log, 'utf8').trim().split('\n');
    expect(pids).toHaveLength(2);
    expect(b.pid).toBe(Number(pids[1]));
    expect((await b.request('tools/call', { name: 'hello' })).content).toEqual([{ type: 'text', text: `hello from ${pids[1]}` }]);
  });

  it('answers an error: initialize follows on the same child', async () => {
    const log = join(stateDir, 'spawns-error');
    const b = backend(hostileServer('erring', 'error', log, { protocol: 'auto' }));
    await b.start();
    expect(b.era).toBe('2025-11-25');
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('ignores the probe: bounded by connectTimeout, then remembered so the next start skips it', async () => {
    const log = join(stateDir, 'spawns-silent');
    const config = hostileServer('silent', 'ignore', log, { protocol: 'auto', connectTimeoutMs: 800 });
    const first = backend(config);
    let started = performance.now();
    await first.start();
    const firstTook = performance.now() - started;
    expect(first.state).toBe('ready');
    expect(first.era).toBe('2025-11-25');
    expect(firstTook).toBeGreaterThanOrEqual(790);
    await eventually(() => readdirSync(stateDir).includes(new ProtocolMemory(stateDir).fileFor(config.target).split('/').pop()!), { what: 'the protocol file' });
    await first.close();

    const second = backend(config);
    started = performance.now();
    await second.start();
    expect(second.era).toBe('2025-11-25');
    expect(performance.now() - started).toBeLessThan(700);
    // Probe, respawn, then the remembered start: three children in all.
    expect(readFileSync(log, 'utf8').trim().split('\n')).toHaveLength(3);
  });
});

describe('protocol: auto over Streamable HTTP', () => {
  it('finds a 2025 HTTP server legacy and keeps its session', async () => {
    const old = await spawnFixture({ name: 'old', transport: 'http' });
    try {
      const b = backend(makeServerConfig('old', { kind: 'http', url: old.url, headers: {} }, { protocol: 'auto' }));
      await b.start();
      expect(b.state).toBe('ready');
      expect(b.era).toBe('2025-11-25');
      expect((b.transport as { sessionId?: string }).sessionId).toBeTruthy();
      expect((await b.request('tools/call', { name: 'echo', arguments: { text: 'x' } })).content).toEqual([{ type: 'text', text: 'echo:x' }]);
    } finally {
      await old.close();
    }
  });
});

describe('a 2026-07-28 server that refuses the first server/discover with -32022', () => {
  for (const protocol of ['2026-07-28', 'auto'] as const) {
    it(`protocol: ${protocol} asks once more, since the error lists 2026-07-28 as supported`, async () => {
      const fixture = await startModernHttpFixture('picky', 0, { refuseFirst: 1 });
      try {
        const b = backend(makeServerConfig('picky', { kind: 'http', url: fixture.url, headers: {} }, { protocol }));
        await b.start();
        expect(b.state).toBe('ready');
        expect(b.era).toBe('2026-07-28');
        expect(fixture.seen[0]).toMatchObject({ bodyMethod: 'server/discover', protocolVersion: '2026-07-28' });
      } finally {
        await fixture.close();
      }
    });
  }

  it('twice refused: no third try (protocol: 2026-07-28 reports why)', async () => {
    const fixture = await startModernHttpFixture('stubborn', 0, { refuseFirst: 2 });
    try {
      const b = backend(makeServerConfig('stubborn', { kind: 'http', url: fixture.url, headers: {} }, { protocol: '2026-07-28' }));
      await b.start().catch(() => undefined);
      expect(b.state).not.toBe('ready');
      expect(b.lastError).toMatch(/answered server\/discover with an error: Unsupported protocol version/);
      expect(fixture.seen).toEqual([]);
    } finally {
      await fixture.close();
    }
  });
});

describe('a 2026-07-28 backend over Streamable HTTP', () => {
  let fixture: ModernHttpFixture;

  beforeAll(async () => {
    fixture = await startModernHttpFixture('web');
  });

  afterAll(async () => {
    await fixture.close();
  });

  it('auto probes, then every request carries the envelope and its own Mcp-Method and Mcp-Name', async () => {
    const b = backend(makeServerConfig('web', { kind: 'http', url: fixture.url, headers: {} }, { protocol: 'auto' }));
    await b.start();
    expect(b.era).toBe('2026-07-28');
    expect(b.cacheHints.tools).toEqual({ ttlMs: 60_000, cacheScope: 'public' });
    fixture.seen.length = 0;
    const result = await b.request('tools/call', { name: 'echo', arguments: { text: 'hi' } }, { clientCapabilities: { elicitation: { form: {} } } });
    expect(result.content).toEqual([{ type: 'text', text: 'echo: hi' }]);
    const read = await b.request('resources/read', { uri: 'fixture://readme' });
    expect(read.ttlMs).toBe(5000);
    const [call, readPost] = fixture.seen.filter((s) => s.bodyMethod !== 'subscriptions/listen');
    expect(call).toMatchObject({ bodyMethod: 'tools/call', mcpMethod: 'tools/call', mcpName: 'echo', protocolVersion: '2026-07-28' });
    expect(call!.sessionId).toBeUndefined();
    expect(Object.keys(call!.meta ?? {})).toEqual(expect.arrayContaining(ENVELOPE_KEYS));
    expect(call!.meta!['io.modelcontextprotocol/clientCapabilities']).toEqual({ elicitation: { form: {} } });
    expect(call!.meta!['io.modelcontextprotocol/clientInfo']).toEqual({ name: 'mcp-switchboard', version: '0.1.0' });
    expect(readPost).toMatchObject({ bodyMethod: 'resources/read', mcpMethod: 'resources/read', mcpName: 'fixture://readme' });
  });

  it('logging/setLevel is not sent (2026 has none): the level rides on every later request', async () => {
    const b = backend(makeServerConfig('web', { kind: 'http', url: fixture.url, headers: {} }, { protocol: '2026-07-28' }));
    await b.start();
    fixture.seen.length = 0;
    expect(await b.request('logging/setLevel', { level: 'debug' })).toEqual({});
    await b.request('tools/call', { name: 'echo', arguments: { text: 'x' } });
    expect(fixture.seen.map((s) => s.bodyMethod)).toEqual(['tools/call']);
    expect(fixture.seen[0]!.meta!['io.modelcontextprotocol/logLevel']).toBe('debug');
  });

  it('a cancelled call closes its own stream, and the server sees the cancellation', async () => {
    const b = backend(makeServerConfig('web', { kind: 'http', url: fixture.url, headers: {} }, { protocol: '2026-07-28' }));
    await b.start();
    const abort = new AbortController();
    const call = b.request('tools/call', { name: 'wait', arguments: { ms: 30_000 } }, { signal: abort.signal });
    await eventually(() => fixture.seen.some((s) => s.mcpName === 'wait'), { what: 'the wait POST' });
    abort.abort('user gave up');
    await expect(call).rejects.toMatchObject({ code: 'SB_CANCELLED' });
    await eventually(() => fixture.state.cancelled.includes(30_000), { what: 'the server-side cancellation' });
  });

  it('holds a subscriptions/listen stream and re-lists on the change it announces', async () => {
    const b = backend(makeServerConfig('web', { kind: 'http', url: fixture.url, headers: {} }, { protocol: '2026-07-28' }));
    await b.start();
    await eventually(() => fixture.seen.some((s) => s.bodyMethod === 'subscriptions/listen' && s.mcpMethod === 'subscriptions/listen'), { what: 'the listen POST' });
    await b.request('tools/call', { name: 'grow', arguments: { tool: 'vine' } });
    await eventually(() => b.lists.tools.some((t) => t.name === 'vine'), { what: 'the new tool in the backend list' });
  });
});
