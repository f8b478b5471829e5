/**
 * Both protocol eras on one `serve --http` endpoint: SDK v2 clients pinned to 2026-07-28 (stateless,
 * server/discover) and plain 2025 clients (initialize, sessions) against the same router and the same
 * 2025-era backends. The modern client's elicitation and sampling reach it through MRTR
 * (input_required + requestState, answered by the SDK's own retry), and raw requests check what a
 * client library hides: header cross-checks (-32020) and refused request states.
 * Needs `npm run build` (npm test does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { assertBuilt, EVERYTHING_MAIN, tempDir } from '../helpers/cli.js';
import { everythingServerYaml, fixtureServerYaml, modernFrames, rawModern, startHttpRouter, type HttpRouter, abortSleepAndReadCancellations } from '../helpers/era-router.js';
import { eventually } from '../helpers/eventually.js';
import { LEGACY, bareHttpClient } from '../helpers/era-clients.js';
import { textOf } from '../helpers/relay-harness.js';

const MODERN = '2026-07-28';
const FX_TOOLS = 'echo,sleep,cancellations,set_tools,touch,log,ask_elicitation,ask_twice,ask_pair';

async function modernClient(url: string, answers: string[] = []): Promise<Client> {
  const client = new Client({ name: 'modern', version: '1.0.0' }, { capabilities: { elicitation: { form: {} }, sampling: {} }, versionNegotiation: { mode: { pin: MODERN } } });
  client.setRequestHandler('elicitation/create', async (r) => {
    answers.push(r.params.message);
    return { action: 'accept', content: { answer: `re: ${r.params.message}` } };
  });
  client.setRequestHandler('sampling/createMessage', async () => ({ role: 'assistant', model: 'm', content: { type: 'text', text: 'sampled by the modern client' } }));
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const legacyClient = (url: string): Promise<Client> => bareHttpClient(url, LEGACY);

describe('serve --http: 2025 and 2026 clients on one endpoint', () => {
  const tmp = tempDir('sb-eras-http-');
  const clients: Client[] = [];
  let router: HttpRouter;
  let url: string;

  beforeAll(async () => {
    assertBuilt();
    router = await startHttpRouter(tmp.write('router.yaml', `servers:\n${fixtureServerYaml('fx', FX_TOOLS.split(','))}${everythingServerYaml('ev', EVERYTHING_MAIN)}`));
    url = router.url;
  }, 30_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await router?.cli.kill();
    tmp.remove();
  });

  it('negotiates 2026-07-28 by server/discover and serves lists with ttlMs and cacheScope, without a session', async () => {
    const client = await modernClient(url);
    clients.push(client);
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);
    expect(client.getServerVersion()?.name).toBe('mcp-switchboard');
    expect(client.getServerCapabilities()).toMatchObject({ tools: { listChanged: true }, resources: { subscribe: true } });
    expect(client.getServerCapabilities()).not.toHaveProperty('tasks');
    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name)).toEqual(expect.arrayContaining(['fx__echo', 'fx__ask_twice', 'ev__trigger-sampling-request']));
    expect(tools).toMatchObject({ ttlMs: 0, cacheScope: 'private' });
    const echoed = await client.callTool({ name: 'fx__echo', arguments: { text: 'modern' } });
    expect(echoed.structuredContent).toEqual({ server: 'fx', text: 'modern' });
  });

  it('still initializes a 2025 client on the same endpoint, which gets a session and the same tools', async () => {
    const client = await legacyClient(url);
    clients.push(client);
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    expect(textOf(await client.callTool({ name: 'fx__echo', arguments: { text: 'legacy' } }))).toBe('echo:legacy');
    expect(client.getServerCapabilities()).toHaveProperty('tasks');
  });

  it('relays progress on the modern request\'s own stream', async () => {
    const client = await modernClient(url);
    clients.push(client);
    const seen: number[] = [];
    const result = await client.callTool({ name: 'fx__sleep', arguments: { ms: 150, steps: 3 } }, { onprogress: (p) => seen.push(p.progress) });
    expect(textOf(result)).toBe('slept 150ms');
    expect(seen).toEqual([1, 2, 3]);
  });

  it('cancels the backend call when the modern client aborts', async () => {
    const client = await modernClient(url);
    clients.push(client);
    const seen = await abortSleepAndReadCancellations(client, 300, 'changed my mind');
    expect(seen).toHaveLength(1);
  });

  it('delivers tools/list_changed through subscriptions/listen when a 2025 client changes the tools', async () => {
    const modern = await modernClient(url);
    const legacy = await legacyClient(url);
    clients.push(modern, legacy);
    const changes: string[] = [];
    modern.setNotificationHandler('notifications/tools/list_changed', async (n) => {
      changes.push(String((n.params?._meta as Record<string, unknown> | undefined)?.['io.modelcontextprotocol/subscriptionId'] !== undefined));
    });
    const subscription = await modern.listen({ toolsListChanged: true });
    await legacy.callTool({ name: 'fx__set_tools', arguments: { names: [...FX_TOOLS.split(','), 'extra'] } });
    await eventually(() => changes.length > 0, { what: 'tools/list_changed on the listen stream' });
    expect(changes).toEqual(['true']);
    expect((await modern.listTools()).tools.map((t) => t.name)).toContain('fx__extra');
    await subscription.close();
  });

  it('sends a backend\'s log on the request\'s own stream only when its envelope asked for that level', async () => {
    const asked = await modernFrames(url, 20, 'fx__log', { level: 'warning', message: 'careful' }, { 'io.modelcontextprotocol/logLevel': 'info' });
    expect(asked.map((m) => m.method ?? 'result')).toEqual(['notifications/message', 'result']);
    expect(asked[0]!.params).toMatchObject({ level: 'warning', logger: 'fx', data: 'careful' });
    const quieter = await modernFrames(url, 21, 'fx__log', { level: 'warning', message: 'careful' }, { 'io.modelcontextprotocol/logLevel': 'error' });
    expect(quieter.map((m) => m.method ?? 'result')).toEqual(['result']);
    const none = await modernFrames(url, 22, 'fx__log', { level: 'emergency', message: 'loud' }, {});
    expect(none.map((m) => m.method ?? 'result')).toEqual(['result']);
  });

  it('delivers resources/updated for the URIs a listener asked for, and unsubscribes the backend when it closes', async () => {
    const client = await modernClient(url);
    clients.push(client);
    const resources = await client.listResources();
    expect(resources).toMatchObject({ ttlMs: 0, cacheScope: 'private' });
    const hello = resources.resources.find((r) => r.uri.endsWith('/static/hello'))!.uri;
    const read = await client.readResource({ uri: hello });
    expect(read).toMatchObject({ ttlMs: 0, cacheScope: 'private' });
    const updates: Array<Record<string, unknown>> = [];
    client.setNotificationHandler('notifications/resources/updated', async (n) => void updates.push(n.params as Record<string, unknown>));
    const subscription = await client.listen({ resourceSubscriptions: [hello] });
    expect(textOf(await client.callTool({ name: 'fx__touch', arguments: { uri: 'fixture://fx/static/hello' } }))).toBe('notified');
    await eventually(() => updates.length > 0, { what: 'resources/updated on the listen stream' });
    expect(updates[0]!.uri).toBe(hello);
    await subscription.close();
    await eventually(async () => textOf(await client.callTool({ name: 'fx__touch', arguments: { uri: 'fixture://fx/static/hello' } })) === 'not subscribed', {
      what: 'the backend subscription to end with the listener',
    });
  });

  it('turns a 2025 backend\'s elicitation into input_required and resumes the held call on the retry', async () => {
    const asked: string[] = [];
    const client = await modernClient(url, asked);
    clients.push(client);
    const one = await client.callTool({ name: 'fx__ask_elicitation', arguments: { message: 'your name?' } });
    expect(JSON.parse(textOf(one))).toEqual({ action: 'accept', content: { answer: 're: your name?' } });
    const twice = await client.callTool({ name: 'fx__ask_twice', arguments: {} });
    expect(JSON.parse(textOf(twice))).toEqual(['re: first?', 're: second, after re: first??']);
    const pair = await client.callTool({ name: 'fx__ask_pair', arguments: {} });
    expect(JSON.parse(textOf(pair))).toEqual(['re: left?', 're: right?']);
    expect(asked).toEqual(['your name?', 'first?', 'second, after re: first??', 'left?', 'right?']);
    const sampled = await client.callTool({ name: 'ev__trigger-sampling-request', arguments: { prompt: 'hello', maxTokens: 10 } });
    expect(textOf(sampled)).toContain('sampled by the modern client');
  });

  it('answers input_required with namespaced keys, and refuses a tampered, replayed or foreign requestState', async () => {
    const first = await rawModern(url, 1, 'tools/call', { name: 'fx__ask_twice', arguments: {} });
    expect(first.status).toBe(200);
    const round1 = first.body.result as { resultType: string; inputRequests: Record<string, { method: string; params: { message: string } }>; requestState: string };
    expect(round1.resultType).toBe('input_required');
    expect(Object.keys(round1.inputRequests)).toEqual(['fx/1']);
    expect(round1.inputRequests['fx/1']).toMatchObject({ method: 'elicitation/create', params: { message: 'first?' } });

    const tampered = round1.requestState.slice(0, -2) + (round1.requestState.endsWith('AA') ? 'BB' : 'AA');
    const refused = await rawModern(url, 2, 'tools/call', { name: 'fx__ask_twice', arguments: {}, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'x' } } }, requestState: tampered });
    expect(refused.body.error).toMatchObject({ code: -32602, data: { reason: 'SB_BAD_REQUEST_STATE' } });
    expect(refused.body.error!.message).toMatch(/altered or was not issued by this router/);

    const foreign = await rawModern(url, 3, 'tools/call', { name: 'fx__ask_twice', arguments: { other: true }, requestState: round1.requestState });
    expect(foreign.body.error!.message).toMatch(/belongs to another request/);

    const second = await rawModern(url, 4, 'tools/call', { name: 'fx__ask_twice', arguments: {}, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'one' } } }, requestState: round1.requestState });
    const round2 = second.body.result as { resultType: string; inputRequests: Record<string, { params: { message: string } }>; requestState: string };
    expect(round2.resultType).toBe('input_required');
    expect(round2.inputRequests['fx/2']!.params.message).toBe('second, after one?');

    const replay = await rawModern(url, 5, 'tools/call', { name: 'fx__ask_twice', arguments: {}, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'again' } } }, requestState: round1.requestState });
    expect(replay.body.error).toMatchObject({ code: -32602, data: { reason: 'SB_BAD_REQUEST_STATE' } });
    expect(replay.body.error!.message).toMatch(/already used/);

    const malformed = await rawModern(url, 12, 'tools/call', { name: 'fx__ask_twice', arguments: {}, inputResponses: { 'fx/2': 12345 }, requestState: round2.requestState });
    expect(malformed.body.error).toMatchObject({ code: -32602, message: 'tools/call: params.inputResponses["fx/2"] must be a result object (an elicitation, sampling or roots result)' });

    const done = await rawModern(url, 6, 'tools/call', { name: 'fx__ask_twice', arguments: {}, inputResponses: { 'fx/2': { action: 'accept', content: { answer: 'two' } } }, requestState: round2.requestState });
    expect(done.body.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: '["one","two"]' }] });
  });

  it('refuses headers that disagree with the body (-32020, HTTP 400) and removed methods (-32601, HTTP 404)', async () => {
    const method = await rawModern(url, 7, 'tools/call', { name: 'fx__echo', arguments: { text: 'x' } }, { 'mcp-method': 'tools/list' });
    expect(method.status).toBe(400);
    expect(method.body).toMatchObject({ id: 7, error: { code: -32020, data: { reason: 'SB_HEADER_MISMATCH' } } });
    expect(method.body.error!.message).toBe('Header mismatch: Mcp-Method is "tools/list" but the body\'s method is "tools/call"');
    const name = await rawModern(url, 8, 'tools/call', { name: 'fx__echo', arguments: { text: 'x' } }, { 'mcp-name': 'fx__sleep' });
    expect(name.status).toBe(400);
    expect(name.body.error!.message).toBe('Header mismatch: Mcp-Name is "fx__sleep" but params.name is "fx__echo"');
    const version = await rawModern(url, 10, 'tools/list', {}, { 'mcp-protocol-version': '2025-11-25' });
    expect(version.status).toBe(400);
    expect(version.body.error!.message).toBe('Header mismatch: MCP-Protocol-Version is "2025-11-25" but the body\'s _meta envelope says "2026-07-28"');
    const ping = await rawModern(url, 11, 'ping', {});
    expect(ping.status).toBe(404);
    expect(ping.body.error).toMatchObject({ code: -32601, message: 'Method not found: ping is not part of protocol 2026-07-28; no replacement is needed: every request stands alone' });
    const ok = await rawModern(url, 9, 'tools/call', { name: 'fx__echo', arguments: { text: 'x' } });
    expect(ok.body.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'echo:x' }] });
  });
});
