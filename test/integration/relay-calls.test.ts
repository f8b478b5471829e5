/**
 * Full protocol relay, part 2: requests in flight while TWO clients share ONE router. Progress goes to
 * the client that asked under its own token, cancellation reaches the backend under the backend's
 * request id, server->client requests reach the client whose call caused them (and fail clearly when
 * that cannot be known), timeouts name the server and the limit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProtocolError } from '@modelcontextprotocol/client';
import { configFromServers } from '../../src/config/defaults.js';
import { passthroughResult } from '../helpers/passthrough.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { eventually } from '../helpers/eventually.js';
import {
  connectClient,
  fixtureProcesses,
  fixtureServer,
  rpcError,
  sentToolCalls,
  tapTransport,
  textOf,
  type RelayClient,
  type Tap,
} from '../helpers/relay-harness.js';

interface Cancellation {
  requestId: string | number;
  reason: string | null;
}

async function cancellations(via: RelayClient): Promise<Cancellation[]> {
  return JSON.parse(textOf(await via.client.callTool({ name: 'a__cancellations', arguments: {} }))) as Cancellation[];
}

/** The backend's tools/call for a `sleep` of exactly `ms`, once the router has sent it. */
function backendSleep(tap: Tap, ms: number): Promise<{ id: string | number; params: Record<string, unknown> }> {
  return eventually(() => sentToolCalls(tap, 'sleep').find((r) => (r.params.arguments as { ms?: number }).ms === ms), { what: `sleep ${ms} at the backend` });
}

function progressOf(c: RelayClient): Array<{ progressToken: unknown; progress: unknown }> {
  return c.tap.received.flatMap((m) =>
    'method' in m && m.method === 'notifications/progress' ? [m.params as { progressToken: unknown; progress: unknown }] : [],
  );
}

const asked = (c: RelayClient, method: string) => c.asked.filter((n) => n.method === method);

describe('relay of calls in flight: two clients, one router, backends a and b', () => {
  let router: Router;
  let c1: RelayClient;
  let c2: RelayClient;
  /** What the router sends to and receives from backend a. */
  let aWire: Tap;

  beforeAll(async () => {
    // b answers within 300 ms or times out, unless it keeps reporting progress.
    const config = configFromServers([fixtureServer('a'), fixtureServer('b', { timeoutMs: 300 })]);
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    aWire = tapTransport(router.backend('a').transport!);
    c1 = await connectClient(router, 'c1');
    c2 = await connectClient(router, 'c2');
  });

  afterAll(async () => {
    await Promise.all([c1, c2].map((c) => c?.client.close()));
    await router?.close();
  });

  it('ping is answered', async () => {
    expect(await c1.client.ping()).toEqual({});
    expect(await c2.client.ping()).toEqual({});
  });

  it('progress goes only to the client that asked, under its own token, in order', async () => {
    const seen1: number[] = [];
    const seen2: number[] = [];
    const [r1, r2] = await Promise.all([
      c1.client.callTool({ name: 'a__sleep', arguments: { ms: 500, steps: 5 } }, { onprogress: (p) => seen1.push(p.progress) }),
      c2.client.callTool({ name: 'a__sleep', arguments: { ms: 400, steps: 4 } }, { onprogress: (p) => seen2.push(p.progress) }),
    ]);
    expect(textOf(r1)).toBe('slept 500ms');
    expect(textOf(r2)).toBe('slept 400ms');
    expect(seen1).toEqual([1, 2, 3, 4, 5]);
    expect(seen2).toEqual([1, 2, 3, 4]);

    // On the wire: each client's progress carries the token that client sent, and nobody else's progress.
    const token1 = (sentToolCalls(c1.tap, 'a__sleep').at(-1)!.params._meta as { progressToken: unknown }).progressToken;
    const token2 = (sentToolCalls(c2.tap, 'a__sleep').at(-1)!.params._meta as { progressToken: unknown }).progressToken;
    expect(progressOf(c1)).toEqual([1, 2, 3, 4, 5].map((progress) => ({ progressToken: token1, progress, total: 5, message: `step ${progress}/5` })));
    expect(progressOf(c2)).toEqual([1, 2, 3, 4].map((progress) => ({ progressToken: token2, progress, total: 4, message: `step ${progress}/4` })));
    // The backend got tokens the router minted, not the clients' own.
    const backendTokens = sentToolCalls(aWire, 'sleep').slice(-2).map((r) => (r.params._meta as { progressToken: unknown }).progressToken);
    expect(backendTokens).toHaveLength(2);
    expect(new Set(backendTokens).size).toBe(2);
  });

  it('a client that aborts cancels the call at the backend under the backend\'s request id', async () => {
    // A fresh client: its request ids are small, the router's ids at backend a are not, so they differ.
    const c4 = await connectClient(router, 'c4');
    const controller = new AbortController();
    const call = c4.client.callTool({ name: 'a__sleep', arguments: { ms: 20_001 } }, { signal: controller.signal });
    const atBackend = await backendSleep(aWire, 20_001);
    const fromClient = sentToolCalls(c4.tap, 'a__sleep').at(-1)!;
    controller.abort('relay test abort');
    await expect(call).rejects.toBeDefined();

    const record = await eventually(async () => (await cancellations(c2)).find((c) => c.requestId === atBackend.id), { what: 'the cancellation at a' });
    expect(typeof record.requestId).toBe('number');
    expect(record.requestId).not.toBe(fromClient.id);
    expect(record.reason).toBe('relay test abort');
    const cancelled = aWire.sent.find((m) => 'method' in m && m.method === 'notifications/cancelled' && (m.params as { requestId?: unknown }).requestId === atBackend.id);
    expect(cancelled).toBeDefined();

    // The router stays healthy, for this client and the others.
    expect(textOf(await c4.client.callTool({ name: 'a__echo', arguments: { text: 'after abort' } }))).toBe('echo:after abort');
    expect(textOf(await c1.client.callTool({ name: 'a__echo', arguments: { text: 'still here' } }))).toBe('echo:still here');
    await c4.client.close();
  });

  it('a session that disconnects mid-call cancels its call at the backend', async () => {
    const c5 = await connectClient(router, 'c5');
    const pending = c5.client.callTool({ name: 'a__sleep', arguments: { ms: 20_002 } }).then(
      () => undefined,
      (err: unknown) => err,
    );
    const atBackend = await backendSleep(aWire, 20_002);
    await c5.client.close();
    expect(await pending).toBeInstanceOf(Error);
    const record = await eventually(async () => (await cancellations(c1)).find((c) => c.requestId === atBackend.id), { what: 'the cancellation after disconnect' });
    expect(typeof record.requestId).toBe('number');
    await eventually(() => router.sessionCount() === 2, { what: 'the session to be gone' });
  });

  it('sampling, elicitation and roots from a reach the client whose call caused them', async () => {
    const sampled = await c1.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'hello sampler' } });
    expect(sampled.isError).toBeFalsy();
    expect(textOf(sampled)).toBe('c1 sampled: hello sampler');
    expect(asked(c1, 'sampling/createMessage').map((n) => n.params)).toEqual([
      { messages: [{ role: 'user', content: { type: 'text', text: 'hello sampler' } }], maxTokens: 100 },
    ]);
    expect(asked(c2, 'sampling/createMessage')).toEqual([]);

    const elicited = await c2.client.callTool({ name: 'a__ask_elicitation', arguments: { message: 'Pick one' } });
    expect(JSON.parse(textOf(elicited))).toEqual({ action: 'accept', content: { answer: 'c2 answers' } });
    expect(asked(c2, 'elicitation/create').map((n) => n.params)).toEqual([
      { mode: 'form', message: 'Pick one', requestedSchema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] } },
    ]);
    expect(asked(c1, 'elicitation/create')).toEqual([]);

    const roots = await c1.client.callTool({ name: 'a__ask_roots', arguments: {} });
    expect(JSON.parse(textOf(roots))).toEqual([{ uri: 'file:///work/c1', name: 'c1-root' }]);
  });

  it('when two clients have calls in flight at a shared backend, sampling fails clearly instead of guessing', async () => {
    const controller = new AbortController();
    const long = c2.client.callTool({ name: 'a__sleep', arguments: { ms: 20_003 } }, { signal: controller.signal }).catch((err: unknown) => err);
    await backendSleep(aWire, 20_003);
    const before1 = asked(c1, 'sampling/createMessage').length;
    const before2 = asked(c2, 'sampling/createMessage').length;

    const result = await c1.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'whose?' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toContain('sampling/createMessage');
    expect(textOf(result)).toContain('isolation: session');
    expect(asked(c1, 'sampling/createMessage')).toHaveLength(before1);
    expect(asked(c2, 'sampling/createMessage')).toHaveLength(before2);

    controller.abort();
    expect(await long).toBeDefined();
  });

  it('a call in flight at another backend does not make the owner ambiguous', async () => {
    const controller = new AbortController();
    // b times out after 300 ms without progress; this sleep reports every 100 ms, so it stays in flight.
    const atB = c2.client.callTool({ name: 'b__sleep', arguments: { ms: 20_005, steps: 200 } }, { signal: controller.signal, onprogress: () => undefined }).catch((err: unknown) => err);
    await eventually(() => router.engine.inflight.owners('b').some((o) => o.session === c2.session), { what: 'c2 in flight at b' });
    const before2 = asked(c2, 'sampling/createMessage').length;
    const result = await c1.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'mine alone' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('c1 sampled: mine alone');
    expect(asked(c2, 'sampling/createMessage')).toHaveLength(before2);
    controller.abort();
    expect(await atB).toBeDefined();
  });

  it('a client that did not declare sampling or roots gets a capability error', async () => {
    const bare = await connectClient(router, 'bare', {});
    const sampled = await bare.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'anyone?' } });
    expect(sampled.isError).toBe(true);
    expect(textOf(sampled)).toContain('did not declare the sampling capability');
    const roots = await bare.client.callTool({ name: 'a__ask_roots', arguments: {} });
    expect(roots.isError).toBe(true);
    expect(textOf(roots)).toContain('did not declare the roots capability');
    // The backend gets the refusal with its catalog code, not a bare -32603.
    const refusals = aWire.sent.flatMap((m) => ('error' in m ? [m.error] : []));
    expect(refusals).toContainEqual({ code: -32601, message: expect.stringContaining('did not declare the sampling capability'), data: { reason: 'SB_CAPABILITY_MISSING' } });
    expect(asked(c1, 'sampling/createMessage')).toHaveLength(2);
    await bare.client.close();
  });

  it('an unknown method is -32601 and the session keeps working', async () => {
    const err = await rpcError(c1.client.request({ method: 'foo/bar', params: {} } as never, passthroughResult));
    expect(err.code).toBe(-32601);
    expect(await c1.client.ping()).toEqual({});
    expect(textOf(await c1.client.callTool({ name: 'a__add', arguments: { a: 2, b: 3 } }))).toBe('5');
  });

  it('a custom _meta key of a request reaches the backend; the client\'s progress token does not', async () => {
    const result = await c2.client.request(
      { method: 'tools/call', params: { name: 'a__echo', arguments: { text: 'meta' }, _meta: { 'relay.test/trace': 'abc-123' } } } as never,
      passthroughResult,
      { onprogress: () => undefined },
    );
    expect(textOf(result)).toBe('echo:meta');
    const clientMeta = sentToolCalls(c2.tap, 'a__echo').at(-1)!.params._meta as Record<string, unknown>;
    expect(clientMeta['relay.test/trace']).toBe('abc-123');
    const call = sentToolCalls(aWire, 'echo').find((r) => (r.params.arguments as { text?: string }).text === 'meta');
    const meta = call?.params._meta as Record<string, unknown>;
    expect(meta['relay.test/trace']).toBe('abc-123');
    // The router minted its own token for the backend (and maps it back); the client's never leaves the front.
    expect(meta.progressToken).toBeDefined();
    expect(meta.progressToken).not.toBe(clientMeta.progressToken);
    expect(Object.keys(meta).sort()).toEqual(['progressToken', 'relay.test/trace']);
  });

  it('a call that outlives the server timeout fails naming the server and the limit; progress keeps it alive', async () => {
    const err = await rpcError(c1.client.callTool({ name: 'b__sleep', arguments: { ms: 2000 } }));
    expect(err.code).toBe(-32001);
    expect(err.message).toContain('"b"');
    expect(err.message).toContain('300 ms');

    const seen: number[] = [];
    const ok = await c2.client.callTool({ name: 'b__sleep', arguments: { ms: 600, steps: 6 } }, { onprogress: (p) => seen.push(p.progress) });
    expect(textOf(ok)).toBe('slept 600ms');
    expect(seen).toEqual([1, 2, 3, 4, 5, 6]);
  });
});

describe('relay with isolation: session: each client has its own connection to the server', () => {
  let router: Router;
  let c1: RelayClient;
  let c2: RelayClient;

  beforeAll(async () => {
    const config = configFromServers([fixtureServer('a', { isolation: 'session' })]);
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000], isolatedIdleMs: 2000 });
    await router.start();
    c1 = await connectClient(router, 'c1');
    c2 = await connectClient(router, 'c2');
  });

  afterAll(async () => {
    await Promise.all([c1, c2].map((c) => c?.client.close()));
    await router?.close();
  });

  it('the ambiguous scenario succeeds: each client answers its own sampling', async () => {
    expect(router.isolatedCount()).toBe(0);
    const controller = new AbortController();
    const long = c2.client.callTool({ name: 'a__sleep', arguments: { ms: 20_004 } }, { signal: controller.signal }).catch((err: unknown) => err);
    await eventually(() => router.engine.inflight.owners('a').some((o) => o.session === c2.session), { what: 'c2 in flight at a' });

    const mine = await c1.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'one' } });
    expect(mine.isError).toBeFalsy();
    expect(textOf(mine)).toBe('c1 sampled: one');

    const [r1, r2] = await Promise.all([
      c1.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'p1' } }),
      c2.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'p2' } }),
    ]);
    expect(textOf(r1)).toBe('c1 sampled: p1');
    expect(textOf(r2)).toBe('c2 sampled: p2');
    expect(asked(c1, 'sampling/createMessage').map((n) => (n.params.messages as Array<{ content: { text: string } }>)[0]!.content.text)).toEqual(['one', 'p1']);
    expect(asked(c2, 'sampling/createMessage').map((n) => (n.params.messages as Array<{ content: { text: string } }>)[0]!.content.text)).toEqual(['p2']);

    const elicited = await c2.client.callTool({ name: 'a__ask_elicitation', arguments: { message: 'again' } });
    expect(JSON.parse(textOf(elicited))).toEqual({ action: 'accept', content: { answer: 'c2 answers' } });
    expect(router.isolatedCount()).toBe(2);

    controller.abort();
    expect(await long).toBeDefined();
  });

  it('closes a session\'s connection when the session ends, and an idle one after isolatedIdleMs', async () => {
    expect(router.isolatedCount()).toBe(2);
    // The shared listing connection plus one per session.
    await eventually(() => fixtureProcesses('a').length === 3, { what: 'three a processes' });

    await c2.client.close();
    await eventually(() => router.isolatedCount() === 1, { what: 'c2\'s connection closed' });
    await eventually(() => fixtureProcesses('a').length === 2, { what: 'c2\'s process gone' });

    // c1 stays connected but idle: its connection is reaped after isolatedIdleMs.
    await eventually(() => router.isolatedCount() === 0, { what: 'the idle connection reaped', timeoutMs: 15_000 });
    await eventually(() => fixtureProcesses('a').length === 1, { what: 'c1\'s process gone' });

    // Next use opens a fresh one.
    expect(textOf(await c1.client.callTool({ name: 'a__echo', arguments: { text: 'again' } }))).toBe('echo:again');
    expect(router.isolatedCount()).toBe(1);
  });

  it('resources/updated from a session\'s own connection reaches that client, under the public URI', async () => {
    const uri = 'sb://a/fixture://a/static/hello';
    await c1.client.subscribeResource({ uri });
    // touch runs on c1's own connection to a: the subscription must be there, not on the listing connection.
    expect(textOf(await c1.client.callTool({ name: 'a__touch', arguments: { uri: 'fixture://a/static/hello' } }))).toBe('notified');
    await eventually(() => c1.notes.some((n) => n.method === 'notifications/resources/updated'), { what: 'resources/updated at c1' });
    expect(c1.notes.filter((n) => n.method === 'notifications/resources/updated').map((n) => n.params)).toEqual([{ uri }]);
    await c1.client.unsubscribeResource({ uri });
    expect(textOf(await c1.client.callTool({ name: 'a__touch', arguments: { uri: 'fixture://a/static/hello' } }))).toBe('not subscribed');
  });

  it('a client without sampling gets an error from its own connection, which declared no sampling', async () => {
    const bare = await connectClient(router, 'bare', {});
    const result = await bare.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'x' } }).catch((err: unknown) => err);
    if (result instanceof ProtocolError) throw result;
    expect((result as { isError?: boolean }).isError).toBe(true);
    expect(textOf(result)).toContain('did not declare the sampling capability');
    await bare.client.close();
  });
});

describe('backend errors on the SDK path (progress-token calls skip the fast path)', () => {
  let router: Router;
  let c1: RelayClient;

  beforeAll(async () => {
    const config = configFromServers([fixtureServer('t', { timeoutMs: 300 })]);
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    c1 = await connectClient(router, 'c1');
  });

  afterAll(async () => {
    await c1?.client.close();
    await router?.close();
  });

  it('a tool error whose text says "timed out" or "connection closed" passes through as the backend sent it', async () => {
    const err = await rpcError(c1.client.callTool({ name: 't__fail', arguments: { code: -32000, message: 'upstream connection closed; query timed out' } }, { onprogress: () => undefined }));
    expect(err.code).toBe(-32000);
    expect(err.message).toContain('upstream connection closed; query timed out');
    expect(err.message).not.toContain('"t"');
  });

  it('the SDK timeout becomes the router timeout naming the server and the limit', async () => {
    const err = await rpcError(c1.client.callTool({ name: 't__sleep', arguments: { ms: 2000 } }, { onprogress: () => undefined }));
    expect(err.code).toBe(-32001);
    expect(err.message).toContain('server "t" did not answer tools/call within 300 ms');
  });

  it('a backend that exits mid-call fails the call as unavailable, naming the server', async () => {
    const err = await rpcError(c1.client.callTool({ name: 't__crash' }, { onprogress: () => undefined }));
    expect(err.code).toBe(-32010);
    expect(err.message).toContain('server "t" disconnected during tools/call');
  });
});
