/**
 * The call-route contract: whatever route a tools/call takes to its backend (shared stdio, shared
 * Streamable HTTP, isolation: session, a workspace's renamed tool, search mode's call_tool), the
 * client sees the same behaviour: URIs made public, progress under its own token before the result,
 * cancellation reaching the backend, timeouts and crashes named, server->client requests answered by
 * the client that caused them, and backend errors kept as the backend sent them.
 *
 * One built `serve --http` for the whole file; each route gets its own backend (see routes.ts) and
 * its own SDK client. The crash case runs last in each route: it ends that route's backend.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from '@modelcontextprotocol/client';
import { assertBuilt, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { answerAs, rpcError, tapTransport, textOf, type Note, type Tap } from '../helpers/relay-harness.js';
import { spawnFixture, type SpawnedFixture } from '../helpers/spawn-fixture.js';
import { CALL_ROUTES, ROUTE_TIMEOUT_MS, routesConfigYaml, type CallRoute } from './routes.js';

const CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {} } };
const LISTENING = /mcp-switchboard listening on (http:\/\/127\.0\.0\.1:\d+)\/mcp\n/;

const tmp = tempDir('sb-contract-routes-');
let cli: CliProcess;
let web: SpawnedFixture;
let origin: string;
/** A client of the whole catalog, for the bystander backend `by`. */
let bystander: Client;

interface RouteClient {
  client: Client;
  tap: Tap;
  asked: Note[];
}

async function connect(path: string, label: string): Promise<RouteClient> {
  const client = new Client({ name: `contract-${label}`, version: '1.0.0' }, { capabilities: CAPABILITIES });
  const asked: Note[] = [];
  answerAs(client, label, CAPABILITIES, asked);
  const transport = new StreamableHTTPClientTransport(new URL(path, origin));
  await client.connect(transport);
  return { client, tap: tapTransport(transport), asked };
}

beforeAll(async () => {
  assertBuilt();
  web = await spawnFixture({ name: 'web', transport: 'http' });
  const config = tmp.write('router.yaml', routesConfigYaml(web.url));
  cli = spawnCli(['serve', '--http', '--port', '0', '--config', config, '--log-level', 'warn']);
  origin = (await cli.waitForStderr(LISTENING))[1]!;
  await cli.waitForStderr(/mcp-switchboard: 6\/6 backends up/, 25_000);
  bystander = (await connect('/mcp', 'bystander')).client;
});

afterAll(async () => {
  await bystander?.close().catch(() => undefined);
  await cli?.kill();
  await web?.close();
  tmp.remove();
});

type Cancellation = { requestId: string | number; reason: string | null };

describe.each(CALL_ROUTES)('call route: $name', (route: CallRoute) => {
  let rc: RouteClient;
  const label = route.server;

  const call = (tool: string, args?: Record<string, unknown>, options?: Parameters<Client['callTool']>[1]) =>
    rc.client.callTool(route.call(tool, args), options);

  async function cancellations(): Promise<Cancellation[]> {
    return JSON.parse(textOf(await call('cancellations'))) as Cancellation[];
  }

  beforeAll(async () => {
    rc = await connect(route.path, label);
  });

  afterAll(async () => {
    await rc?.client.close().catch(() => undefined);
  });

  it('a plain call reaches the route\'s backend and comes back whole', async () => {
    const result = await call('echo', { text: 'plain call' });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'echo:plain call' }],
      structuredContent: { server: route.server, text: 'plain call' },
      _meta: { 'fixture/server': route.server },
    });
  });

  it('resource URIs in the result come back as sb://<prefix>/..., and read back', async () => {
    const result = await call('rich');
    const publicUri = `sb://${route.server}/fixture://${route.server}/static/hello`;
    const blocks = result.content as Array<{ type: string; uri?: string; resource?: { uri: string; text?: string } }>;
    expect(blocks.map((b) => b.type)).toEqual(['text', 'image', 'audio', 'resource_link', 'resource']);
    expect(blocks[3]!.uri).toBe(publicUri);
    expect(blocks[4]!.resource).toEqual({ uri: publicUri, mimeType: 'text/plain', text: `hello from ${route.server}` });
    expect(await rc.client.readResource({ uri: publicUri })).toEqual({
      contents: [{ uri: publicUri, mimeType: 'text/plain', text: `hello from ${route.server}` }],
    });
  });

  it('progress is relayed under the client\'s own token, all of it before the result', async () => {
    const seen: number[] = [];
    const result = await call('sleep', { ms: 300, steps: 3 }, { onprogress: (p) => seen.push(p.progress) });
    expect(textOf(result)).toBe('slept 300ms');
    expect(seen).toEqual([1, 2, 3]);

    const request = rc.tap.sent.findLast((m) => 'method' in m && m.method === 'tools/call')!;
    const id = (request as { id: string | number }).id;
    const token = ((request as { params: { _meta?: { progressToken?: unknown } } }).params._meta ?? {}).progressToken;
    expect(token).toBeDefined();
    const progressAt = rc.tap.received.flatMap((m, i) =>
      'method' in m && m.method === 'notifications/progress' && (m.params as { progressToken?: unknown }).progressToken === token ? [i] : [],
    );
    const responseAt = rc.tap.received.findIndex((m) => !('method' in m) && 'id' in m && m.id === id);
    expect(progressAt).toHaveLength(3);
    expect(responseAt).toBeGreaterThan(Math.max(...progressAt));
  });

  it('a client\'s cancellation reaches the backend and the call ends', async () => {
    const before = (await cancellations()).length;
    const controller = new AbortController();
    let atBackend!: () => void;
    const started = new Promise<void>((resolve) => (atBackend = resolve));
    // Progress every 100 ms keeps the call alive past the route's timeout; the first proves it is running.
    const pending = call('sleep', { ms: 20_000, steps: 200 }, { signal: controller.signal, onprogress: () => atBackend() }).then(
      () => 'resolved',
      (err: unknown) => err,
    );
    await started;
    controller.abort('contract abort');
    expect(await pending).not.toBe('resolved');
    const records = await eventually(async () => {
      const all = await cancellations();
      return all.length > before ? all.slice(before) : undefined;
    }, { what: `the cancellation recorded by ${route.server}` });
    expect(records).toEqual([{ requestId: expect.anything(), reason: 'contract abort' }]);
    expect(textOf(await call('echo', { text: 'plain call' }))).toBe('echo:plain call');
  });

  it('a call that outlives the timeout fails with -32001 naming the server and the limit', async () => {
    const t0 = Date.now();
    const err = await rpcError(call('sleep', { ms: 6000 }));
    const elapsed = Date.now() - t0;
    expect(err.code, err.message).toBe(-32001);
    expect(err.message).toContain(`"${route.server}"`);
    expect(err.message).toContain(`${ROUTE_TIMEOUT_MS} ms`);
    expect(elapsed).toBeGreaterThanOrEqual(ROUTE_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(6000);
  });

  it('sampling and elicitation during a call are answered by this client\'s handlers', async () => {
    const sampled = await call('ask_sampling', { prompt: `route ${label}` });
    expect(sampled.isError).toBeFalsy();
    expect(textOf(sampled)).toBe(`${label} sampled: route ${label}`);
    const elicited = await call('ask_elicitation', { message: 'Pick one' });
    expect(JSON.parse(textOf(elicited))).toEqual({ action: 'accept', content: { answer: `${label} answers` } });
    expect(rc.asked.map((n) => n.method)).toEqual(['sampling/createMessage', 'elicitation/create']);
    expect(rc.asked[0]!.params).toEqual({ messages: [{ role: 'user', content: { type: 'text', text: `route ${label}` } }], maxTokens: 100 });
    expect(rc.asked[1]!.params).toMatchObject({ mode: 'form', message: 'Pick one' });
  });

  it('a backend\'s JSON-RPC error keeps its code and message', async () => {
    const err = await rpcError(call('fail', { code: -32050, message: `no from ${label}` }));
    expect([err.code, err.message]).toEqual([-32050, `no from ${label}`]);
  });

  it('an unknown tool is refused with a suggestion', async () => {
    const { request, suggestion } = route.misspelled;
    if (route.unknownAnswer === 'error') {
      const err = await rpcError(rc.client.callTool(request));
      expect(err.code).toBe(-32602);
      expect(err.message).toContain(`Did you mean "${suggestion}"`);
    } else {
      const result = await rc.client.callTool(request);
      expect(result.isError).toBe(true);
      expect(textOf(result)).toContain(`Did you mean "${suggestion}"`);
    }
  });

  // Last: the backend is gone afterwards.
  it('a backend that dies mid-call fails the call promptly with -32010 naming it; other backends keep working', async () => {
    const t0 = Date.now();
    const err = await rpcError(call('crash'));
    expect(err.code, err.message).toBe(-32010);
    expect(err.message).toContain(`"${route.server}"`);
    expect(Date.now() - t0).toBeLessThan(ROUTE_TIMEOUT_MS);
    expect(textOf(await bystander.callTool({ name: 'by__echo', arguments: { text: 'still here' } }))).toBe('echo:still here');
  });
});
