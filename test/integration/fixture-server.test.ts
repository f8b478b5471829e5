import { afterEach, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport, ProtocolError, type ClientCapabilities } from '@modelcontextprotocol/client';
import {
  FIXTURE_TOOL_NAMES,
  TINY_PNG_BASE64,
  TINY_WAV_BASE64,
  createFixtureServer,
  createFixtureState,
  type FixtureServerOptions,
} from '../fixtures/fixture-server.js';

const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((close) => close()));
});

async function connect(opts: FixtureServerOptions, capabilities: ClientCapabilities = {}): Promise<Client> {
  const server = createFixtureServer(opts);
  const client = new Client({ name: 'fixture-test', version: '1.0.0' }, { capabilities });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  await client.connect(clientSide);
  closers.push(async () => {
    await client.close();
    await server.close();
  });
  return client;
}

function firstText(result: { content?: unknown }): string {
  const [block] = result.content as Array<{ type: string; text?: string }>;
  return block?.text ?? '';
}

describe('fixture server: tools', () => {
  it('offers every tool and the advertised capabilities', async () => {
    const client = await connect({ name: 'alpha' });
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...FIXTURE_TOOL_NAMES].sort());
    expect(tools.find((t) => t.name === 'echo')?.outputSchema).toMatchObject({ type: 'object', required: ['server', 'text'] });
    expect(client.getServerCapabilities()).toMatchObject({
      logging: {},
      completions: {},
      tools: { listChanged: true },
      prompts: { listChanged: true },
      resources: { listChanged: true, subscribe: true },
    });
    expect(client.getServerVersion()?.name).toBe('alpha');
  });

  it('registers only the requested subset', async () => {
    const client = await connect({ name: 'alpha', tools: ['echo', 'add'] });
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'add']);
  });

  it('echo names the server; add adds', async () => {
    const client = await connect({ name: 'alpha' });
    const echo = await client.callTool({ name: 'echo', arguments: { text: 'hi' } });
    expect(echo.content).toEqual([{ type: 'text', text: 'echo:hi' }]);
    expect(echo.structuredContent).toEqual({ server: 'alpha', text: 'hi' });
    expect(echo._meta).toEqual({ 'fixture/server': 'alpha' });
    expect(firstText(await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } }))).toBe('5');
  });

  it('sleep reports each step as progress', async () => {
    const client = await connect({ name: 'alpha' });
    const seen: Array<{ progress: number; total?: number; message?: string }> = [];
    const result = await client.callTool({ name: 'sleep', arguments: { ms: 30, steps: 3 } }, { onprogress: (p) => seen.push(p) });
    expect(firstText(result)).toBe('slept 30ms');
    expect(seen).toEqual([
      { progress: 1, total: 3, message: 'step 1/3' },
      { progress: 2, total: 3, message: 'step 2/3' },
      { progress: 3, total: 3, message: 'step 3/3' },
    ]);
  });

  it('sleep honours cancellation and cancellations() reports it', async () => {
    const client = await connect({ name: 'alpha' });
    const abort = new AbortController();
    const call = client.callTool({ name: 'sleep', arguments: { ms: 10_000, steps: 100 } }, {
      signal: abort.signal,
      onprogress: () => abort.abort('user gave up'),
    });
    await expect(call).rejects.toThrow();
    let recorded: Array<{ requestId: number; reason: string | null }> = [];
    while (recorded.length === 0) recorded = JSON.parse(firstText(await client.callTool({ name: 'cancellations' })));
    expect(recorded).toEqual([{ requestId: expect.any(Number), reason: 'user gave up' }]);
  });

  it('shares cancellations through a shared state', async () => {
    const state = createFixtureState();
    state.cancellations.push({ requestId: 7, reason: 'earlier session' });
    const client = await connect({ name: 'alpha', state });
    expect(JSON.parse(firstText(await client.callTool({ name: 'cancellations' })))).toEqual([{ requestId: 7, reason: 'earlier session' }]);
  });

  it('ask_sampling, ask_elicitation and ask_roots round-trip through the client', async () => {
    const client = await connect({ name: 'alpha' }, { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } });
    client.setRequestHandler('sampling/createMessage', (request) => {
      const [message] = request.params.messages;
      const content = message?.content as { text: string };
      return { model: 'test-model', role: 'assistant', content: { type: 'text', text: `sampled:${content.text}` } };
    });
    client.setRequestHandler('elicitation/create', (request) => {
      expect(request.params).toMatchObject({ mode: 'form', message: 'your answer?', requestedSchema: { required: ['answer'] } });
      return { action: 'accept', content: { answer: '42' } };
    });
    client.setRequestHandler('roots/list', () => ({ roots: [{ uri: 'file:///work', name: 'work' }] }));

    expect(firstText(await client.callTool({ name: 'ask_sampling', arguments: { prompt: 'ping' } }))).toBe('sampled:ping');
    expect(JSON.parse(firstText(await client.callTool({ name: 'ask_elicitation', arguments: { message: 'your answer?' } }))))
      .toEqual({ action: 'accept', content: { answer: '42' } });
    expect(JSON.parse(firstText(await client.callTool({ name: 'ask_roots' })))).toEqual([{ uri: 'file:///work', name: 'work' }]);
  });

  it('set_tools changes the tool set and sends one tools/list_changed', async () => {
    const client = await connect({ name: 'alpha', tools: ['echo', 'add', 'set_tools'] });
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      changes += 1;
    });
    const result = await client.callTool({ name: 'set_tools', arguments: { names: ['set_tools', 'echo', 'sleep', 'extra_tool'] } });
    expect(JSON.parse(firstText(result))).toEqual(['echo', 'extra_tool', 'set_tools', 'sleep']);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['echo', 'extra_tool', 'set_tools', 'sleep']);
    expect(changes).toBe(1);
    expect(firstText(await client.callTool({ name: 'extra_tool' }))).toBe('extra_tool:alpha');
    await expect(client.callTool({ name: 'add', arguments: { a: 1, b: 1 } })).rejects.toThrow(/Tool add disabled/);
    await client.callTool({ name: 'set_tools', arguments: { names: ['set_tools', 'add'] } });
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(['add', 'set_tools']);
  });

  it('log emits notifications/message at the level, logger = server name, respecting setLevel', async () => {
    const client = await connect({ name: 'alpha' });
    const logs: unknown[] = [];
    client.setNotificationHandler('notifications/message', (n) => {
      logs.push(n.params);
    });
    await client.callTool({ name: 'log', arguments: { level: 'warning', message: 'careful' } });
    await client.setLoggingLevel('error');
    await client.callTool({ name: 'log', arguments: { level: 'warning', message: 'filtered out' } });
    await client.callTool({ name: 'log', arguments: { level: 'critical', message: 'on fire' } });
    expect(logs).toEqual([
      { level: 'warning', logger: 'alpha', data: 'careful' },
      { level: 'critical', logger: 'alpha', data: 'on fire' },
    ]);
  });

  it('fail answers with a JSON-RPC error of exactly that code and message', async () => {
    const client = await connect({ name: 'alpha' });
    const error = await client.callTool({ name: 'fail', arguments: { code: -32042, message: 'boom' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProtocolError);
    expect((error as ProtocolError).code).toBe(-32042);
    const other = await client.callTool({ name: 'fail', arguments: { code: 1234, message: 'custom failure' } }).catch((e: unknown) => e);
    expect((other as ProtocolError).code).toBe(1234);
    // 2.4.0 delivers the message without an "MCP error <code>:" prefix.
    expect((other as ProtocolError).message).toBe('custom failure');
  });

  it('is_error returns an isError result; crash refuses in-process', async () => {
    const client = await connect({ name: 'alpha' });
    expect(await client.callTool({ name: 'is_error' })).toMatchObject({ isError: true, content: [{ type: 'text', text: 'error from alpha' }] });
    expect(await client.callTool({ name: 'crash' })).toMatchObject({ isError: true });
  });

  it('rich returns one block of each content type', async () => {
    const client = await connect({ name: 'alpha' });
    const result = await client.callTool({ name: 'rich' });
    expect(result._meta).toEqual({ 'fixture/server': 'alpha' });
    expect(result.content).toEqual([
      { type: 'text', text: 'rich from alpha', annotations: { audience: ['user'], priority: 0.5 } },
      { type: 'image', data: TINY_PNG_BASE64, mimeType: 'image/png', annotations: { audience: ['assistant'] } },
      { type: 'audio', data: TINY_WAV_BASE64, mimeType: 'audio/wav' },
      { type: 'resource_link', uri: 'fixture://alpha/static/hello', name: 'hello', mimeType: 'text/plain' },
      { type: 'resource', resource: { uri: 'fixture://alpha/static/hello', mimeType: 'text/plain', text: 'hello from alpha' } },
    ]);
  });
});

describe('fixture server: prompts and resources', () => {
  it('greet renders the name, applies the style and links the static resource', async () => {
    const client = await connect({ name: 'alpha' });
    const { prompts } = await client.listPrompts();
    expect(prompts).toMatchObject([{ name: 'greet', arguments: [{ name: 'name', required: true }, { name: 'style', required: false }] }]);
    const plain = await client.getPrompt({ name: 'greet', arguments: { name: 'alice' } });
    expect(plain.messages).toEqual([
      { role: 'user', content: { type: 'text', text: 'Hello alice!' } },
      { role: 'user', content: { type: 'resource_link', uri: 'fixture://alpha/static/hello', name: 'hello', mimeType: 'text/plain' } },
    ]);
    const loud = await client.getPrompt({ name: 'greet', arguments: { name: 'bob', style: 'loud' } });
    expect(loud.messages[0]?.content).toEqual({ type: 'text', text: 'HELLO BOB!' });
  });

  it('completes prompt and template arguments', async () => {
    const client = await connect({ name: 'alpha' });
    const names = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'name', value: 'al' } });
    expect(names.completion.values).toEqual(['alice', 'albert']);
    const ids = await client.complete({
      ref: { type: 'ref/resource', uri: 'fixture://alpha/items/{id}' },
      argument: { name: 'id', value: 'ap' },
    });
    expect(ids.completion.values).toEqual(['apple', 'apricot']);
  });

  it('lists and reads the static resource and the template', async () => {
    const client = await connect({ name: 'alpha' });
    expect((await client.listResources()).resources).toMatchObject([{ uri: 'fixture://alpha/static/hello', name: 'hello', mimeType: 'text/plain' }]);
    expect((await client.listResourceTemplates()).resourceTemplates).toMatchObject([{ uriTemplate: 'fixture://alpha/items/{id}', name: 'item' }]);
    expect((await client.readResource({ uri: 'fixture://alpha/static/hello' })).contents)
      .toEqual([{ uri: 'fixture://alpha/static/hello', mimeType: 'text/plain', text: 'hello from alpha' }]);
    expect((await client.readResource({ uri: 'fixture://alpha/items/apple' })).contents)
      .toEqual([{ uri: 'fixture://alpha/items/apple', mimeType: 'text/plain', text: 'item apple from alpha' }]);
  });

  it('touch notifies only subscribed uris', async () => {
    const client = await connect({ name: 'alpha' });
    const updated: string[] = [];
    client.setNotificationHandler('notifications/resources/updated', (n) => {
      updated.push(n.params.uri);
    });
    const uri = 'fixture://alpha/static/hello';
    expect(firstText(await client.callTool({ name: 'touch', arguments: { uri } }))).toBe('not subscribed');
    await client.subscribeResource({ uri });
    expect(firstText(await client.callTool({ name: 'touch', arguments: { uri } }))).toBe('notified');
    await client.unsubscribeResource({ uri });
    expect(firstText(await client.callTool({ name: 'touch', arguments: { uri } }))).toBe('not subscribed');
    expect(updated).toEqual([uri]);
  });
});
