/**
 * Workspaces end to end: the built CLI with two fixture backends, real SDK clients choosing a
 * workspace by --workspace, by URL (/w/NAME/mcp and /w/NAME/sse) and by roots (and switching when the
 * roots change); the boundary; overrides as clients see them; maxTools ordering from a persisted
 * usage file; search_tools -> list_changed -> direct call, and call_tool.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, SSEClientTransport, StreamableHTTPClientTransport, type Tool } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { CLI_MAIN, PROJECT_ROOT, assertBuilt, q, runCli, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

const tmp = tempDir('sb-ws-e2e-');

function serverYaml(name: string, tag: string): string {
  const fx = fixtureStdioCommand(name);
  return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n    tags: [${tag}]\n`;
}

const CONFIG = tmp.write(
  'router.yaml',
  `servers:\n${serverYaml('alpha', 'api')}${serverYaml('beta', 'web')}` +
    `search:\n  maxActive: 3\n` +
    `workspaces:
  api:
    servers: [alpha]
    exclude: [alpha__crash]
    roots: ["file:///proj/api/**"]
    overrides:
      alpha__echo: { name: say, description: "Say something", defaults: { text: hi } }
      alpha__fail: { hidden: true }
  web:
    tags: [web]
    roots: ["file:///proj/**"]
  trimmed:
    servers: [beta]
    maxTools: 3
    pin: [beta__add]
    context: "cancellations observed"
  finder:
    search: true
    pin: [alpha__add]
`,
);

const all = (prefix: string) => FIXTURE_TOOL_NAMES.map((t) => `${prefix}__${t}`);
const API_TOOLS = ['say', ...all('alpha').filter((n) => !['alpha__echo', 'alpha__crash', 'alpha__fail'].includes(n))].sort();
const toolNames = async (c: Client) => (await c.listTools()).tools.map((t) => t.name);
const sorted = (names: string[]) => [...names].sort();
const text = (r: unknown) => ((r as { content: Array<{ text?: string }> }).content[0]?.text ?? '');

/** The test's environment without a workspace of its own, with its own state dir. */
function env(stateDir: string, extra: Record<string, string> = {}): Record<string, string> {
  const { SWITCHBOARD_WORKSPACE: _ignored, ...rest } = process.env as Record<string, string>;
  return { ...rest, SWITCHBOARD_STATE_DIR: stateDir, ...extra };
}

async function stdioClient(args: string[], environment: Record<string, string>, client = new Client({ name: 'ws-e2e', version: '1.0.0' })): Promise<Client> {
  const transport = new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, 'serve', '--config', CONFIG, '--log-level', 'warn', ...args], cwd: PROJECT_ROOT, env: environment, stderr: 'pipe' });
  await client.connect(transport);
  return client;
}

beforeAll(() => assertBuilt());
afterAll(() => tmp.remove());

describe('a workspace chosen by --workspace (over $SWITCHBOARD_WORKSPACE) on stdio', () => {
  const state = join(tmp.dir, 'state-flag');
  let client: Client;

  beforeAll(async () => {
    client = await stdioClient(['--workspace', 'api'], env(state, { SWITCHBOARD_WORKSPACE: 'web' }));
    // Backends may start slower than the first list waits on a loaded machine: wait for both.
    await eventually(async () => (await toolNames(client)).length === API_TOOLS.length, { what: "the api workspace's tools", timeoutMs: 25_000 });
  });

  it('lists only its tools, with overrides applied', async () => {
    const tools = (await client.listTools()).tools;
    expect(sorted(tools.map((t) => t.name))).toEqual(API_TOOLS);
    const say = tools.find((t) => t.name === 'say')!;
    expect(say.description).toBe('Say something');
    expect(say.inputSchema.required ?? []).not.toContain('text');
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['alpha__greet']);
    const result = await client.callTool({ name: 'say', arguments: {} });
    expect(result.structuredContent).toEqual({ server: 'alpha', text: 'hi' });
  });

  it('refuses calls outside it, hidden tools and the old name of a renamed tool', async () => {
    await expect(client.callTool({ name: 'beta__echo', arguments: { text: 'x' } })).rejects.toThrow(/not available in workspace "api"/);
    await expect(client.callTool({ name: 'alpha__fail', arguments: { code: 1, message: 'x' } })).rejects.toThrow(/not available in workspace "api"/);
    await expect(client.callTool({ name: 'alpha__echo', arguments: { text: 'x' } })).rejects.toThrow(/called "say"/);
    await expect(client.getPrompt({ name: 'beta__greet', arguments: { name: 'bob' } })).rejects.toThrow(/not available in workspace "api"/);
  });

  it('keeps usage across restarts in the state file', async () => {
    await client.close();
    const file = join(state, 'usage.json');
    const usage = await eventually(() => existsSync(file) && JSON.parse(readFileSync(file, 'utf8')), { what: 'usage.json after shutdown' });
    expect(usage.workspaces.api.alpha__echo.count).toBe(1);
  });
});

describe('a workspace chosen by the client roots on stdio', () => {
  let client: Client;
  let roots = ['file:///proj/api/src'];
  let toolChanges = 0;

  beforeAll(async () => {
    const c = new Client({ name: 'ws-e2e-roots', version: '1.0.0' }, { capabilities: { roots: { listChanged: true } } });
    c.setRequestHandler('roots/list', () => ({ roots: roots.map((uri) => ({ uri })) }));
    c.setNotificationHandler('notifications/tools/list_changed', () => void toolChanges++);
    client = await stdioClient([], env(join(tmp.dir, 'state-roots')), c);
  });
  afterAll(() => client?.close());

  it('picks the most specific match, and switches (with list_changed) when the roots change', async () => {
    await eventually(async () => sorted(await toolNames(client)).join() === API_TOOLS.join(), { what: 'the api workspace chosen by roots', timeoutMs: 25_000 });
    const before = toolChanges;
    roots = ['file:///proj/web'];
    await client.sendRootsListChanged();
    await eventually(() => toolChanges > before, { what: 'tools/list_changed after the roots change' });
    expect(sorted(await toolNames(client))).toEqual(sorted(all('beta')));
    // Roots that match no workspace: back to the default (no "default" workspace here: everything).
    roots = ['file:///elsewhere'];
    await client.sendRootsListChanged();
    await eventually(async () => (await toolNames(client)).length === 2 * FIXTURE_TOOL_NAMES.length, { what: 'the whole catalog again' });
  });
});

describe('workspaces over HTTP', () => {
  let cli: CliProcess;
  let base: string;
  const clients: Client[] = [];

  async function connect(path: string, kind: 'http' | 'sse' = 'http'): Promise<Client> {
    const client = new Client({ name: 'ws-e2e-http', version: '1.0.0' });
    const url = new URL(path, base);
    await client.connect(kind === 'http' ? new StreamableHTTPClientTransport(url) : new SSEClientTransport(url));
    clients.push(client);
    return client;
  }

  beforeAll(async () => {
    const state = join(tmp.dir, 'state-http');
    mkdirSync(state, { recursive: true });
    // Yesterday's session used beta__sleep a lot: it ranks right after the pinned tool.
    writeFileSync(join(state, 'usage.json'), JSON.stringify({ version: 1, workspaces: { trimmed: { beta__sleep: { count: 5, last: Date.now() - 86_400_000 } } } }));
    cli = spawnCli(['serve', '--config', CONFIG, '--http', '--port', '0'], { env: env(state) });
    const [, url] = await cli.waitForStderr(/listening on (http:\/\/\S+)/);
    base = new URL(url!).origin;
    await cli.waitForStderr(/2\/2 backends up/, 25_000);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await cli?.kill();
  });

  it('serves /w/NAME/mcp and /w/NAME/sse, and 404s an unknown NAME naming the known ones', async () => {
    const web = await connect('/w/web/mcp');
    expect(sorted(await toolNames(web))).toEqual(sorted(all('beta')));
    await expect(web.callTool({ name: 'alpha__echo', arguments: { text: 'x' } })).rejects.toThrow(/not available in workspace "web"/);
    const sse = await connect('/w/api/sse', 'sse');
    expect(sorted(await toolNames(sse))).toEqual(API_TOOLS);
    const res = await fetch(new URL('/w/nope/mcp', base), { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' }, body: '{}' });
    expect(res.status).toBe(404);
    const { error } = (await res.json()) as { error: { code: number; message: string; data: { reason: string } } };
    expect([error.code, error.data.reason]).toEqual([-32080, 'SB_UNKNOWN_WORKSPACE']);
    expect(error.message).toMatch(/unknown workspace "nope"; known workspaces: api, web, trimmed, finder/);
    const everything = await connect('/mcp');
    expect((await toolNames(everything)).length).toBe(2 * FIXTURE_TOOL_NAMES.length);
  });

  it('caps at maxTools: pinned, then most used, then relevant to the context', async () => {
    const trimmed = await connect('/w/trimmed/mcp');
    expect(await toolNames(trimmed)).toEqual(['beta__add', 'beta__sleep', 'beta__cancellations']);
  });

  it('search mode: search_tools activates tools (list_changed, direct call) and call_tool reaches the rest', async () => {
    const finder = await connect('/w/finder/mcp');
    let changes = 0;
    finder.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    expect(await toolNames(finder)).toEqual(['search_tools', 'call_tool', 'alpha__add']);
    const found = await finder.callTool({ name: 'search_tools', arguments: { query: 'echo text back', limit: 2 } });
    const hits = (found.structuredContent as { tools: Tool[] }).tools;
    expect(hits).toHaveLength(2);
    expect(hits[0]!.name).toBe('alpha__echo');
    expect(hits[0]!.inputSchema.properties).toHaveProperty('text');
    await eventually(() => changes > 0, { what: 'tools/list_changed after search_tools' });
    expect(await toolNames(finder)).toEqual(['search_tools', 'call_tool', 'alpha__add', ...hits.map((t) => t.name)]);
    expect((await finder.callTool({ name: 'alpha__echo', arguments: { text: 'direct' } })).structuredContent).toEqual({ server: 'alpha', text: 'direct' });
    // call_tool reaches any tool of the workspace, searched or not, through the same call path.
    const viaCallTool = await finder.callTool({ name: 'call_tool', arguments: { name: 'beta__sleep', arguments: { ms: 1 } } });
    expect(text(viaCallTool)).toBe('slept 1ms');
    const wrong = await finder.callTool({ name: 'call_tool', arguments: { name: 'no_such_tool' } });
    expect(wrong.isError).toBe(true);
    expect(text(wrong)).toMatch(/Unknown tool "no_such_tool"/);
  });
});

describe('workspace selection errors', () => {
  it('an unknown --workspace or $SWITCHBOARD_WORKSPACE is a usage error listing the workspaces', async () => {
    const flag = await runCli(['serve', '--config', CONFIG, '--workspace', 'nope'], { env: env(tmp.dir) });
    expect(flag.code).toBe(2);
    expect(flag.stderr).toMatch(/--workspace: unknown workspace "nope"; known workspaces: api, web, trimmed, finder/);
    const fromEnv = await runCli(['serve', '--config', CONFIG], { env: env(tmp.dir, { SWITCHBOARD_WORKSPACE: 'nada' }) });
    expect(fromEnv.code).toBe(2);
    expect(fromEnv.stderr).toMatch(/\$SWITCHBOARD_WORKSPACE: unknown workspace "nada"/);
  });
});
