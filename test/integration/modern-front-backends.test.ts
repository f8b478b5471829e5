/**
 * A 2026-07-28 client on the router's Streamable HTTP front, 2026-07-28 backends behind it: the
 * conformance fixture twice over stdio, each with its own cache hint, and the small modern fixture
 * (its own hints, no resource templates). Raw HTTP requests, so nothing a client library does hides
 * what is on the wire:
 *
 * - cache fields: a merged list is as fresh as its stalest contributor and as private as its most
 *   private one; a backend that lists nothing of a kind does not count; a read keeps its backend's hint;
 * - input_required from a 2026 backend passes through the front: its own keys, the client's
 *   inputResponses reach it (with or without requestState), its requestState comes back sealed;
 * - a backend's -32021 (missing client capability) is answered with HTTP 400;
 * - a 2025 backend never sees a 2026 client's inputResponses.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromServers, defaultListenConfig } from '../../src/config/defaults.js';
import { ModernHttp } from '../../src/transports/modern-http.js';
import { HttpFront } from '../../src/transports/http-front.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { modernConformanceServer, modernStdioServer } from '../helpers/modern-fixture.js';
import { fixtureServer, sentToolCalls, tapTransport, type Tap } from '../helpers/relay-harness.js';
import type { ServerConfig } from '../../src/config/types.js';
import { httpRequest, jsonRpcMessages } from '../helpers/http-raw.js';

const MODERN = '2026-07-28';
const ALL_CAPS = { elicitation: { form: {} }, sampling: {}, roots: {} };

interface Answer {
  status: number;
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: Record<string, unknown> };
}

interface Served {
  router: Router;
  front: HttpFront;
  url: string;
}

async function serve(servers: ServerConfig[]): Promise<Served> {
  const router = new Router(configFromServers(servers), { log: silentLogger(), waitForFirstStart: true, retryDelaysMs: [600_000] });
  await router.start();
  const front = new HttpFront({
    listen: { ...defaultListenConfig(), port: 0 },
    log: silentLogger(),
    connect: (t, v) => router.connect(t, v),
    modern: { http: new ModernHttp(router.modern), defaultView: () => router.fullView() },
  });
  return { router, front, url: await front.listen() };
}

async function stop(served: Served | undefined): Promise<void> {
  await served?.front.close();
  await served?.router.close();
}

let nextId = 1;

/** One 2026-07-28 request with the standard headers and the envelope (capabilities as given). */
async function call(url: string, method: string, params: Record<string, unknown>, capabilities: object = ALL_CAPS): Promise<Answer> {
  const name = typeof params.name === 'string' ? params.name : typeof params.uri === 'string' ? params.uri : undefined;
  const res = await httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': method, ...(name && { 'mcp-name': name }) },
    body: JSON.stringify({ jsonrpc: '2.0', id: nextId++, method, params: { ...params, _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': capabilities } } }),
  });
  const answer = jsonRpcMessages(res).find((m) => 'result' in m || 'error' in m) as Omit<Answer, 'status'>;
  return { status: res.status, ...answer };
}

describe('2026-07-28 front with 2026-07-28 backends', () => {
  let served: Served;
  const request = (method: string, params: Record<string, unknown>, capabilities?: object) => call(served.url, method, params, capabilities);

  beforeAll(async () => {
    served = await serve([
      modernConformanceServer('a', ['--ttl-ms', '30000', '--cache-scope', 'private'], { protocol: MODERN }),
      modernConformanceServer('b', ['--ttl-ms', '5000', '--cache-scope', 'public'], { protocol: MODERN }),
      modernStdioServer('m', { protocol: MODERN }),
    ]);
    expect(['a', 'b', 'm'].map((n) => served.router.backend(n).era)).toEqual([MODERN, MODERN, MODERN]);
  }, 60_000);

  afterAll(() => stop(served));

  describe('cache fields', () => {
    it('tools/list: the smallest ttlMs of the three (b) and the most private scope (a)', async () => {
      // m: 60000 public (MODERN_FIXTURE_CACHE)
      const { result } = await request('tools/list', {});
      expect(result).toMatchObject({ ttlMs: 5000, cacheScope: 'private' });
    });

    it('resources/templates/list: m lists no templates, so its hint (none: 0 / private) does not count', async () => {
      expect(served.router.backend('m').lists.resourceTemplates).toEqual([]);
      expect(served.router.backend('m').cacheHints.resourceTemplates).toEqual({ ttlMs: 0, cacheScope: 'private' });
      const { result } = await request('resources/templates/list', {});
      expect(result).toMatchObject({ ttlMs: 5000, cacheScope: 'private' });
    });

    it('resources/read keeps the hint of the one backend that answered', async () => {
      const { result: listed } = await request('resources/list', {});
      const uris = (listed!.resources as Array<{ uri: string }>).map((r) => r.uri);
      expect(uris).toEqual(expect.arrayContaining(['sb://a/test://static-text', 'sb://b/test://static-text', 'sb://m/fixture://readme']));
      const hintOf = async (uri: string) => {
        const { result } = await request('resources/read', { uri });
        return { ttlMs: result!.ttlMs, cacheScope: result!.cacheScope };
      };
      expect(await hintOf('sb://a/test://static-text')).toEqual({ ttlMs: 30_000, cacheScope: 'private' });
      expect(await hintOf('sb://b/test://static-text')).toEqual({ ttlMs: 5000, cacheScope: 'public' });
      expect(await hintOf('sb://m/fixture://readme')).toEqual({ ttlMs: 5000, cacheScope: 'private' });
    });
  });

  it('resources/read of a URI nobody serves: -32602 naming the URI in data.uri (SEP-2164)', async () => {
    const answer = await request('resources/read', { uri: 'test://nobody-has-this' });
    expect(answer.error).toMatchObject({ code: -32602, data: { reason: 'SB_UNKNOWN_RESOURCE', uri: 'test://nobody-has-this' } });
  });

  describe('input_required from a 2026 backend', () => {
    it('keeps the backend\'s own keys, and a retry with inputResponses alone reaches it', async () => {
      const first = await request('tools/call', { name: 'a__test_input_required_result_elicitation', arguments: {} });
      expect(first.result).toMatchObject({ resultType: 'input_required', inputRequests: { user_name: { method: 'elicitation/create' } } });
      expect(first.result).not.toHaveProperty('requestState');
      const done = await request('tools/call', { name: 'a__test_input_required_result_elicitation', arguments: {}, inputResponses: { user_name: { action: 'accept', content: { name: 'Alice' } } } });
      expect(done.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Hello, Alice!' }] });
    });

    it('three rounds: each requestState comes back sealed, and the retries carry it to the backend', async () => {
      const tool = { name: 'b__test_input_required_result_multi_round', arguments: {} };
      const r1 = (await request('tools/call', tool)).result!;
      expect(r1.resultType).toBe('input_required');
      expect(Object.keys(r1.inputRequests as object)).toEqual(['user_name']);
      const r2 = (await request('tools/call', { ...tool, requestState: r1.requestState, inputResponses: { user_name: { action: 'accept', content: { name: 'Ada' } } } })).result!;
      expect(Object.keys(r2.inputRequests as object)).toEqual(['color']);
      expect(r2.requestState).not.toBe(r1.requestState);
      const r3 = await request('tools/call', { ...tool, requestState: r2.requestState, inputResponses: { color: { action: 'accept', content: { color: 'blue' } } } });
      expect(r3.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Ada likes blue' }] });
    });

    it('refuses a tampered requestState, and one sealed for another backend, before either reaches a backend', async () => {
      const tool = { name: 'a__test_input_required_result_tampered_state', arguments: {} };
      const first = (await request('tools/call', tool)).result!;
      const answers = { confirm: { action: 'accept', content: { ok: true } } };
      const tampered = await request('tools/call', { ...tool, requestState: `${String(first.requestState)}-TAMPERED`, inputResponses: answers });
      expect(tampered).toMatchObject({ status: 200, error: { code: -32602, data: { reason: 'SB_BAD_REQUEST_STATE' } } });
      expect(tampered.error!.message).toMatch(/altered or was not issued by this router/);
      const foreign = await request('tools/call', { name: 'b__test_input_required_result_tampered_state', arguments: {}, requestState: first.requestState, inputResponses: answers });
      expect(foreign.error!.message).toMatch(/issued for another server's request/);
      const done = await request('tools/call', { ...tool, requestState: first.requestState, inputResponses: answers });
      expect(done.result).toMatchObject({ content: [{ type: 'text', text: 'state-ok: confirmed=true' }] });
    });
  });

  it('answers a backend\'s -32021 (missing client capability) with HTTP 400, data as the backend sent it', async () => {
    const refused = await request('tools/call', { name: 'a__test_missing_capability', arguments: {} }, {});
    expect(refused.status).toBe(400);
    expect(refused.error).toMatchObject({ code: -32021, data: { requiredCapabilities: { sampling: {} } } });
    const asked = await request('tools/call', { name: 'a__test_missing_capability', arguments: {} }, { sampling: {} });
    expect(asked).toMatchObject({ status: 200, result: { resultType: 'input_required' } });
  });

});

describe('2026-07-28 front with a 2025 backend', () => {
  let served: Served;
  let wire: Tap;

  beforeAll(async () => {
    served = await serve([fixtureServer('fx')]);
    wire = tapTransport(served.router.backend('fx').transport!);
  }, 60_000);

  afterAll(() => stop(served));

  it('never sends it a 2026 client\'s inputResponses', async () => {
    const answer = await call(served.url, 'tools/call', { name: 'fx__echo', arguments: { text: 'hi' }, inputResponses: { stray: { action: 'accept', content: {} } } });
    expect(answer.result).toMatchObject({ resultType: 'complete' });
    const [sent] = sentToolCalls(wire, 'echo').slice(-1);
    expect(sent!.params).toEqual({ name: 'echo', arguments: { text: 'hi' } });
  });
});
