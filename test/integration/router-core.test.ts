/**
 * The core router in-process: an SDK Client over an in-memory pair in front, real MCP servers behind
 * (the reference "everything" and "memory" servers, and the fixture) as stdio child processes.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { configFromServers, makeServerConfig, type ServerOptions } from '../../src/config/defaults.js';
import type { ServerConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { FIXTURE_TOOL_NAMES, TINY_PNG_BASE64, TINY_WAV_BASE64 } from '../fixtures/fixture-server.js';
import { eventually } from '../helpers/eventually.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { rpcError } from '../helpers/relay-harness.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const MEMORY = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const TINY_IMAGE_MODULE = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/tools/get-tiny-image.js');

/** everything's tools, in its registration order; the last five depend on the router's client capabilities. */
const EVERYTHING_TOOLS = [
  'echo', 'get-annotated-message', 'get-env', 'get-resource-links', 'get-resource-reference', 'get-structured-content',
  'get-sum', 'get-tiny-image', 'gzip-file-as-resource', 'toggle-simulated-logging', 'toggle-subscriber-updates',
  'trigger-long-running-operation', 'get-roots-list', 'trigger-elicitation-request', 'trigger-url-elicitation',
  'trigger-sampling-request', 'simulate-research-query',
];
const MEMORY_TOOLS = [
  'create_entities', 'create_relations', 'add_observations', 'delete_entities', 'delete_observations', 'delete_relations',
  'read_graph', 'search_nodes', 'open_nodes',
];
/** Merged lists go server by server in config order, and by public name (code-unit order) inside a server. */
const byKey = (names: readonly string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
const EXPECTED_TOOLS = [
  ...byKey(EVERYTHING_TOOLS.map((t) => `everything__${t}`)),
  ...byKey(MEMORY_TOOLS.map((t) => `memory__${t}`)),
  ...byKey(FIXTURE_TOOL_NAMES.map((t) => `fix__${t}`)),
];
const CRASH_SCRIPT = 'process.stderr.write("boom: missing API key\\n"); process.exit(3)';

function stdioServer(name: string, command: string, args: string[], opts: ServerOptions & { env?: Record<string, string> } = {}): ServerConfig {
  const { env = {}, ...rest } = opts;
  return makeServerConfig(name, { kind: 'stdio', command, args, env, cwd: ROOT }, rest);
}

function fixtureServer(name: string, extraArgs: string[] = [], opts: ServerOptions = {}): ServerConfig {
  const { command, args } = fixtureStdioCommand(name, extraArgs);
  return stdioServer(name, command, args, opts);
}

async function connectClient(router: Router): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await router.connect(serverSide);
  const client = new Client({ name: 'router-core-test', version: '1.0.0' }, { capabilities: {} });
  await client.connect(clientSide);
  return client;
}

type ListMethod = 'tools/list' | 'prompts/list' | 'resources/list' | 'resources/templates/list';
const LIST_KEY: Record<ListMethod, string> = {
  'tools/list': 'tools',
  'prompts/list': 'prompts',
  'resources/list': 'resources',
  'resources/templates/list': 'resourceTemplates',
};

/** Every page of a merged list, via raw requests; fails on a repeated cursor or an oversized page. */
async function listAll<T = Record<string, unknown>>(client: Client, method: ListMethod, pageSize = 5): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 1; pages <= 200; pages++) {
    const result = (await client.request({ method, params: cursor === undefined ? {} : { cursor } } as never)) as Record<string, unknown>;
    const page = result[LIST_KEY[method]] as T[];
    expect(page.length).toBeLessThanOrEqual(pageSize);
    items.push(...page);
    const next = result.nextCursor as string | undefined;
    if (next === undefined) return { items, pages };
    expect(seen.has(next), `cursor repeated: ${next}`).toBe(false);
    seen.add(next);
    cursor = next;
  }
  throw new Error(`${method}: more than 200 pages`);
}

async function toolNames(client: Client): Promise<string[]> {
  return (await listAll<{ name: string }>(client, 'tools/list')).items.map((t) => t.name);
}


describe('router core: catalog, calls and errors over real backends', () => {
  let router: Router;
  let client: Client;
  let tmp: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-router-core-'));
    const config = configFromServers(
      [
        stdioServer('everything', process.execPath, [EVERYTHING, 'stdio']),
        stdioServer('memory', process.execPath, [MEMORY], { env: { MEMORY_FILE_PATH: join(tmp, 'memory.jsonl') } }),
        fixtureServer('fix'),
        stdioServer('ghost', 'sb-no-such-command-4711', []),
        stdioServer('crashy', process.execPath, ['-e', CRASH_SCRIPT]),
      ],
      { pageSize: 5 },
    );
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    client = await connectClient(router);
    // everything registers its capability-dependent tools once initialized and announces them: wait
    // (bounded) until the catalog holds its final list.
    await eventually(async () => (await toolNames(client)).length === EXPECTED_TOOLS.length, { what: 'the full tool list' });
  });

  afterAll(async () => {
    await client?.close();
    await router?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lists every tool under <prefix>__<name>, in config order, visiting each exactly once across 5-item pages', async () => {
    const { items, pages } = await listAll<{ name: string }>(client, 'tools/list');
    const names = items.map((t) => t.name);
    expect(names).toEqual(EXPECTED_TOOLS);
    expect(new Set(names).size).toBe(names.length);
    expect(pages).toBe(Math.ceil(EXPECTED_TOOLS.length / 5));
    // Tool definitions other than the name pass through untouched.
    const echo = items.find((t) => t.name === 'fix__echo') as Record<string, unknown>;
    expect(echo.description).toBe('Echoes text back, naming the server that answered');
    expect(echo.outputSchema).toMatchObject({ type: 'object', required: ['server', 'text'] });
    const structured = items.find((t) => t.name === 'everything__get-structured-content') as Record<string, unknown>;
    expect(structured.annotations).toEqual({ readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false });
  });

  it('passes backend instructions under the server name, only for servers the view of the session draws on', async () => {
    expect(client.getInstructions()).toMatch(/^## everything \(tools prefixed "everything__"\)\n/);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const narrow = Object.assign(router.fullView(), { includesServer: (server: string) => server !== 'everything' });
    await router.connect(serverSide, narrow);
    const other = new Client({ name: 'router-core-narrow', version: '1.0.0' }, { capabilities: {} });
    await other.connect(clientSide);
    try {
      expect(other.getInstructions()).toBeUndefined();
    } finally {
      await other.close();
    }
  });

  it('the first page holds 5 tools and a cursor; the SDK client following cursors gets the same list', async () => {
    const first = await client.request({ method: 'tools/list', params: {} });
    expect(first.tools.map((t) => t.name)).toEqual(EXPECTED_TOOLS.slice(0, 5));
    expect(typeof first.nextCursor).toBe('string');
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(EXPECTED_TOOLS);
  });

  it('lists prompts, resources and templates under public names and URIs', async () => {
    const prompts = (await listAll<{ name: string; arguments?: unknown }>(client, 'prompts/list')).items;
    expect(prompts.map((p) => p.name)).toEqual([
      'everything__args-prompt',
      'everything__completable-prompt',
      'everything__resource-prompt',
      'everything__simple-prompt',
      'fix__greet',
    ]);
    expect(prompts.find((p) => p.name === 'everything__args-prompt')?.arguments).toEqual([
      { name: 'city', description: 'Name of the city', required: true },
      { name: 'state', required: false },
    ]);

    const resources = (await listAll<{ uri: string; name: string }>(client, 'resources/list')).items;
    expect(resources.map((r) => r.uri)).toEqual([
      'sb://everything/demo://resource/static/document/architecture.md',
      'sb://everything/demo://resource/static/document/extension.md',
      'sb://everything/demo://resource/static/document/features.md',
      'sb://everything/demo://resource/static/document/how-it-works.md',
      'sb://everything/demo://resource/static/document/instructions.md',
      'sb://everything/demo://resource/static/document/startup.md',
      'sb://everything/demo://resource/static/document/structure.md',
      'sb://memory/memory://knowledge-graph',
      'sb://fix/fixture://fix/static/hello',
    ]);
    expect(resources.find((r) => r.uri === 'sb://fix/fixture://fix/static/hello')?.name).toBe('hello');

    const templates = (await listAll<{ uriTemplate: string; name: string }>(client, 'resources/templates/list')).items;
    expect(templates.map((t) => [t.name, t.uriTemplate])).toEqual([
      ['Dynamic Blob Resource', 'sb://everything/demo://resource/dynamic/blob/{resourceId}'],
      ['Dynamic Text Resource', 'sb://everything/demo://resource/dynamic/text/{resourceId}'],
      ['item', 'sb://fix/fixture://fix/items/{id}'],
    ]);
  });

  it('calls reach the right backend under its own name', async () => {
    expect((await client.callTool({ name: 'everything__echo', arguments: { message: 'hi' } })).content).toEqual([{ type: 'text', text: 'Echo: hi' }]);
    expect((await client.callTool({ name: 'fix__add', arguments: { a: 2, b: 40 } })).content).toEqual([{ type: 'text', text: '42' }]);
    const created = await client.callTool({
      name: 'memory__create_entities',
      arguments: { entities: [{ name: 'Ada', entityType: 'person', observations: ['wrote the first program'] }] },
    });
    expect(created.isError).toBeFalsy();
    const graph = await client.callTool({ name: 'memory__open_nodes', arguments: { names: ['Ada'] } });
    expect(JSON.stringify(graph.content)).toContain('wrote the first program');
  });

  it('passes tool results through unchanged: every content type, annotations, structuredContent, _meta, isError', async () => {
    const echo = await client.callTool({ name: 'fix__echo', arguments: { text: 'x' } });
    expect(echo).toEqual({
      content: [{ type: 'text', text: 'echo:x' }],
      structuredContent: { server: 'fix', text: 'x' },
      _meta: { 'fixture/server': 'fix' },
    });

    const rich = await client.callTool({ name: 'fix__rich' });
    expect(rich).toEqual({
      content: [
        { type: 'text', text: 'rich from fix', annotations: { audience: ['user'], priority: 0.5 } },
        { type: 'image', data: TINY_PNG_BASE64, mimeType: 'image/png', annotations: { audience: ['assistant'] } },
        { type: 'audio', data: TINY_WAV_BASE64, mimeType: 'audio/wav' },
        // Resource links and embedded resources are rewritten to URIs that route back to this backend.
        { type: 'resource_link', uri: 'sb://fix/fixture://fix/static/hello', name: 'hello', mimeType: 'text/plain' },
        { type: 'resource', resource: { uri: 'sb://fix/fixture://fix/static/hello', mimeType: 'text/plain', text: 'hello from fix' } },
      ],
      _meta: { 'fixture/server': 'fix' },
    });

    expect(await client.callTool({ name: 'fix__is_error' })).toEqual({ content: [{ type: 'text', text: 'error from fix' }], isError: true });

    const weather = await client.callTool({ name: 'everything__get-structured-content', arguments: { location: 'Chicago' } });
    const chicago = { temperature: 36, conditions: 'Light rain / drizzle', humidity: 82 };
    expect(weather).toEqual({ content: [{ type: 'text', text: JSON.stringify(chicago) }], structuredContent: chicago });

    const { MCP_TINY_IMAGE } = (await import(pathToFileURL(TINY_IMAGE_MODULE).href)) as { MCP_TINY_IMAGE: string };
    const annotated = await client.callTool({ name: 'everything__get-annotated-message', arguments: { messageType: 'error', includeImage: true } });
    expect(annotated).toEqual({
      content: [
        { type: 'text', text: 'Error: Operation failed', annotations: { priority: 1, audience: ['user', 'assistant'] } },
        { type: 'image', data: MCP_TINY_IMAGE, mimeType: 'image/png', annotations: { priority: 0.5, audience: ['user'] } },
      ],
    });
  });

  it('a resource_link in a tool result reads back through its public URI', async () => {
    const rich = await client.callTool({ name: 'fix__rich' });
    const link = (rich.content as Array<{ type: string; uri?: string }>).find((b) => b.type === 'resource_link');
    expect(link?.uri).toBe('sb://fix/fixture://fix/static/hello');
    expect(await client.readResource({ uri: link!.uri! })).toEqual({
      contents: [{ uri: 'sb://fix/fixture://fix/static/hello', mimeType: 'text/plain', text: 'hello from fix' }],
    });

    const links = await client.callTool({ name: 'everything__get-resource-links', arguments: { count: 2 } });
    const uris = (links.content as Array<{ type: string; uri?: string }>).filter((b) => b.type === 'resource_link').map((b) => b.uri);
    expect(uris).toEqual(['sb://everything/demo://resource/dynamic/blob/1', 'sb://everything/demo://resource/dynamic/text/2']);
    const text = await client.readResource({ uri: 'sb://everything/demo://resource/dynamic/text/2' });
    expect(text.contents).toHaveLength(1);
    expect(text.contents[0]).toMatchObject({ uri: 'sb://everything/demo://resource/dynamic/text/2', mimeType: 'text/plain' });
    expect((text.contents[0] as { text: string }).text).toMatch(/^Resource 2: This is a plaintext resource created at /);
  });

  it('reads listed resources and template expansions with public URIs in the result', async () => {
    const doc = await client.readResource({ uri: 'sb://everything/demo://resource/static/document/features.md' });
    expect(doc.contents).toHaveLength(1);
    expect(doc.contents[0]).toMatchObject({ uri: 'sb://everything/demo://resource/static/document/features.md', mimeType: 'text/markdown' });
    expect((doc.contents[0] as { text: string }).text.length).toBeGreaterThan(0);

    expect(await client.readResource({ uri: 'sb://fix/fixture://fix/items/apple' })).toEqual({
      contents: [{ uri: 'sb://fix/fixture://fix/items/apple', mimeType: 'text/plain', text: 'item apple from fix' }],
    });
  });

  it('gets prompts with arguments, rewriting resource links in messages', async () => {
    expect(await client.getPrompt({ name: 'everything__args-prompt', arguments: { city: 'Paris', state: 'TX' } })).toEqual({
      messages: [{ role: 'user', content: { type: 'text', text: "What's weather in Paris, TX?" } }],
    });
    expect(await client.getPrompt({ name: 'fix__greet', arguments: { name: 'bob', style: 'loud' } })).toEqual({
      messages: [
        { role: 'user', content: { type: 'text', text: 'HELLO BOB!' } },
        { role: 'user', content: { type: 'resource_link', uri: 'sb://fix/fixture://fix/static/hello', name: 'hello', mimeType: 'text/plain' } },
      ],
    });
  });

  it('completes prompt arguments and resource template variables', async () => {
    const department = await client.complete({ ref: { type: 'ref/prompt', name: 'everything__completable-prompt' }, argument: { name: 'department', value: 'S' } });
    expect(department.completion).toEqual({ values: ['Sales', 'Support'], total: 2, hasMore: false });
    const member = await client.complete({
      ref: { type: 'ref/prompt', name: 'everything__completable-prompt' },
      argument: { name: 'name', value: '' },
      context: { arguments: { department: 'Engineering' } },
    });
    expect(member.completion.values).toEqual(['Alice', 'Bob', 'Charlie']);
    const greet = await client.complete({ ref: { type: 'ref/prompt', name: 'fix__greet' }, argument: { name: 'name', value: 'al' } });
    expect(greet.completion.values).toEqual(['alice', 'albert']);

    const item = await client.complete({ ref: { type: 'ref/resource', uri: 'sb://fix/fixture://fix/items/{id}' }, argument: { name: 'id', value: 'ap' } });
    expect(item.completion).toEqual({ values: ['apple', 'apricot'], total: 2, hasMore: false });
    const resourceId = await client.complete({
      ref: { type: 'ref/resource', uri: 'sb://everything/demo://resource/dynamic/text/{resourceId}' },
      argument: { name: 'resourceId', value: '7' },
    });
    expect(resourceId.completion.values).toEqual(['7']);
  });

  it("keeps a backend's JSON-RPC error code and message, with no SDK prefix", async () => {
    const err = await rpcError(client.callTool({ name: 'fix__fail', arguments: { code: -32050, message: 'backend said no' } }));
    expect(err.code).toBe(-32050);
    expect(err.message).toBe('backend said no');
    const other = await rpcError(client.callTool({ name: 'fix__fail', arguments: { code: -32602, message: 'bad argument: x' } }));
    expect([other.code, other.message]).toEqual([-32602, 'bad argument: x']);
  });

  it('an unknown tool is -32602 naming it, with a suggestion', async () => {
    const err = await rpcError(client.callTool({ name: 'everything__ecko', arguments: {} }));
    expect(err.code).toBe(-32602);
    expect(err.message).toMatch(/^Unknown tool "everything__ecko"\. Did you mean "everything__echo"/);
    const prompt = await rpcError(client.getPrompt({ name: 'fix__gret' }));
    expect(prompt.code).toBe(-32602);
    expect(prompt.message).toMatch(/^Unknown prompt "fix__gret"\. Did you mean "fix__greet"/);
  });

  it('an unknown resource URI is -32602 naming it', async () => {
    const err = await rpcError(client.readResource({ uri: 'sb://nowhere/fixture://x' }));
    expect(err.code).toBe(-32602);
    expect(err.message).toContain('"sb://nowhere/fixture://x"');
    const plain = await rpcError(client.readResource({ uri: 'file:///etc/passwd' }));
    expect(plain.code).toBe(-32602);
    expect(plain.message).toContain('"file:///etc/passwd"');
  });

  it('a malformed, forged or wrong-kind cursor is -32602', async () => {
    for (const cursor of ['garbage', 'eyJrIjoidCJ9.AAAA']) {
      const err = await rpcError(client.request({ method: 'tools/list', params: { cursor } }), `cursor ${cursor}`);
      expect(err.code, `cursor ${JSON.stringify(cursor)}`).toBe(-32602);
    }
    const toolsCursor = (await client.request({ method: 'tools/list', params: {} })).nextCursor!;
    expect(typeof toolsCursor).toBe('string');
    const err = await rpcError(client.request({ method: 'resources/list', params: { cursor: toolsCursor } }), 'a tools cursor on resources/list');
    expect(err.code).toBe(-32602);
    expect(err.message).toMatch(/cursor/i);
  });

  it('reports dead backends as down with the config field and the stderr, while the others serve', async () => {
    const states = Object.fromEntries(router.allBackends().map((b) => [b.name, b.state]));
    expect(states).toEqual({ everything: 'ready', memory: 'ready', fix: 'ready', ghost: 'down', crashy: 'down' });
    const ghost = router.backend('ghost').lastError ?? '';
    expect(ghost).toContain('servers.ghost.command');
    expect(ghost).toContain('sb-no-such-command-4711');
    const crashy = router.backend('crashy').lastError ?? '';
    expect(crashy).toContain('servers.crashy');
    expect(crashy).toContain('boom: missing API key');
    const names = await toolNames(client);
    expect(names.filter((n) => n.startsWith('ghost') || n.startsWith('crashy'))).toEqual([]);
    expect((await client.callTool({ name: 'fix__echo', arguments: { text: 'alive' } })).structuredContent).toEqual({ server: 'fix', text: 'alive' });
  });
});

describe('router core: list changes', () => {
  let router: Router;
  let client: Client;
  let tmp: string;
  let gate: string;
  let toolListChanges = 0;
  const listChanges: string[] = [];
  const waiters: Array<() => void> = [];

  /** Resolves at the next notifications/tools/list_changed. */
  function nextToolListChange(): Promise<void> {
    return new Promise((resolve) => waiters.push(resolve));
  }

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-router-late-'));
    gate = join(tmp, 'gate');
    const late = fixtureStdioCommand('late', ['--tools', 'echo,add']);
    // A server that starts slowly: the wrapper holds the exec until the test creates the gate file.
    const wrapper = 'while [ ! -e "$0" ]; do sleep 0.05; done; exec "$@"';
    const config = configFromServers([
      fixtureServer('mut', ['--tools', 'echo,set_tools']),
      stdioServer('late', '/bin/sh', ['-c', wrapper, gate, late.command, ...late.args], { connectTimeoutMs: 120_000 }),
    ]);
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000], relistDebounceMs: 20 });
    void router.start();
    await router.backend('mut').start();
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await router.connect(serverSide);
    client = new Client({ name: 'router-core-test', version: '1.0.0' }, { capabilities: {} });
    client.setNotificationHandler('notifications/tools/list_changed', () => {
      toolListChanges += 1;
      for (const resolve of waiters.splice(0)) resolve();
    });
    client.setNotificationHandler('notifications/prompts/list_changed', () => void listChanges.push('prompts'));
    client.setNotificationHandler('notifications/resources/list_changed', () => void listChanges.push('resources'));
    await client.connect(clientSide);
  });

  afterAll(async () => {
    if (gate && !existsSync(gate)) writeFileSync(gate, ''); // let the wrapper finish either way
    await client?.close();
    await router?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a backend list change reaches the client as tools/list_changed, then the new public names', async () => {
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['mut__echo', 'mut__set_tools']);
    const changed = nextToolListChange();
    const result = await client.callTool({ name: 'mut__set_tools', arguments: { names: ['echo', 'gamma', 'delta'] } });
    expect(result.content).toEqual([{ type: 'text', text: JSON.stringify(['delta', 'echo', 'gamma']) }]);
    await changed;
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['mut__delta', 'mut__echo', 'mut__gamma']);
    expect((await client.callTool({ name: 'mut__gamma' })).content).toEqual([{ type: 'text', text: 'gamma:mut' }]);
    const gone = await rpcError(client.callTool({ name: 'mut__set_tools', arguments: { names: [] } }));
    expect(gone.code).toBe(-32602);
  });

  it('a backend that comes up late appears with tools/list_changed', async () => {
    expect(router.backend('late').state).toBe('starting');
    const before = (await client.listTools()).tools.map((t) => t.name);
    expect(before.filter((n) => n.startsWith('late__'))).toEqual([]);
    const seen = toolListChanges;
    const changed = nextToolListChange();
    writeFileSync(gate, '');
    await changed;
    expect(toolListChanges).toBe(seen + 1);
    expect(router.backend('late').state).toBe('ready');
    const after = (await client.listTools()).tools.map((t) => t.name);
    expect(after.filter((n) => n.startsWith('late__'))).toEqual(['late__add', 'late__echo']);
    expect(after.slice(-2)).toEqual(['late__add', 'late__echo']); // config order: late comes after mut
    const echo = await client.callTool({ name: 'late__echo', arguments: { text: 'finally' } });
    expect(echo.structuredContent).toEqual({ server: 'late', text: 'finally' });
    // Its prompts and resources arrive the same way.
    await eventually(() => listChanges.includes('prompts') && listChanges.includes('resources'), { what: 'prompts and resources list_changed' });
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['mut__greet', 'late__greet']);
    expect((await client.listResources()).resources.map((r) => r.uri)).toEqual(['sb://mut/fixture://mut/static/hello', 'sb://late/fixture://late/static/hello']);
  });
});
