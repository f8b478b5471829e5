/**
 * `switchboard serve` on stdio, as Claude Desktop runs it: the built CLI as a child process, backends
 * over stdio, Streamable HTTP, legacy SSE and a typeless URL (auto: http, then SSE).
 */
import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, ProtocolError } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { CLI_MAIN, EVERYTHING_MAIN, PROJECT_ROOT, assertBuilt, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { JsonRpcLines } from '../helpers/jsonrpc-lines.js';
import { allGone, commandLine, killLeftovers, processGroups, processTree } from '../helpers/proc-tree.js';
import { fixtureStdioCommand, spawnFixture, type SpawnedFixture } from '../helpers/spawn-fixture.js';

/** everything's tool count once the router (which declares sampling, elicitation, roots) is its client. */
const EVERYTHING_TOOL_COUNT = 17;
const SUMMARY = /mcp-switchboard: (\d+)\/(\d+) backends up, (\d+) tools/;

function summaryLine(stderr: string, name: string, kind: string): RegExpMatchArray | null {
  return stderr.match(new RegExp(`^  up +${name} +${kind} +(\\d+) tools`, 'm'));
}

/**
 * A stdio backend whose real server is a grandchild (sh -> node), as with npx or shell wrappers, and
 * whose wrapper lingers after the server exits (`sleep`, like a wrapper's clean-up step): only a
 * signal to the backend's whole process group ends it.
 */
function wrappedFixtureYaml(name: string): string {
  const fx = fixtureStdioCommand(name, ['--tools', 'echo']);
  const args = ['-c', '"$0" "$@"; sleep 600', fx.command, ...fx.args];
  return `  ${name}:\n    command: /bin/sh\n    args: [${args.map(q).join(', ')}]\n`;
}

/** A backend that dies during start-up, complaining on stderr. */
const crashyYaml = `  crashy:\n    command: ${q(process.execPath)}\n    args: ["-e", ${q('process.stderr.write("boom: missing API key\\n"); process.exit(3)')}]\n`;

const everythingYaml = `  everything:\n    command: ${q(process.execPath)}\n    args: [${q(EVERYTHING_MAIN)}, stdio]\n`;

describe('serve on stdio with four kinds of backend', () => {
  const tmp = tempDir('sb-cli-stdio-');
  const fixtures: SpawnedFixture[] = [];
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';

  beforeAll(async () => {
    assertBuilt();
    const [web, legacy, guess] = await Promise.all([
      spawnFixture({ name: 'web', transport: 'http' }),
      spawnFixture({ name: 'legacy', transport: 'sse' }),
      spawnFixture({ name: 'guess', transport: 'sse' }),
    ]);
    fixtures.push(web, legacy, guess);
    const config = tmp.write(
      'router.yaml',
      `servers:\n${everythingYaml}` +
        `  web:\n    url: ${q(web.url)}\n    type: http\n` +
        `  legacy:\n    url: ${q(legacy.url)}\n    type: sse\n` +
        `  guess:\n    url: ${q(guess.url)}\n`,
    );
    transport = new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, 'serve', '--config', config], cwd: PROJECT_ROOT, stderr: 'pipe' });
    transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    client = new Client({ name: 'cli-stdio-test', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    await eventually(() => SUMMARY.test(stderr), { what: 'the start-up summary on stderr', timeoutMs: 25_000 });
  });

  afterAll(async () => {
    await client?.close();
    await Promise.all(fixtures.map((f) => f.close()));
    tmp.remove();
  });

  it('lists the tools of all four backends under their prefixes', async () => {
    const expected = (prefix: string) => FIXTURE_TOOL_NAMES.map((t) => `${prefix}__${t}`).sort();
    const names = await eventually(
      async () => {
        const all = (await client.listTools()).tools.map((t) => t.name);
        return all.filter((n) => n.startsWith('everything__')).length === EVERYTHING_TOOL_COUNT ? all : undefined;
      },
      { what: "everything's full tool list" },
    );
    const withPrefix = (p: string) => names.filter((n) => n.startsWith(`${p}__`));
    expect(withPrefix('web')).toEqual(expected('web'));
    expect(withPrefix('legacy')).toEqual(expected('legacy'));
    expect(withPrefix('guess')).toEqual(expected('guess'));
    expect(withPrefix('everything')).toContain('everything__echo');
    expect(names).toHaveLength(EVERYTHING_TOOL_COUNT + 3 * FIXTURE_TOOL_NAMES.length);
  });

  it('routes calls to each backend', async () => {
    expect((await client.callTool({ name: 'everything__echo', arguments: { message: 'stdio' } })).content).toEqual([{ type: 'text', text: 'Echo: stdio' }]);
    for (const name of ['web', 'legacy', 'guess']) {
      const result = await client.callTool({ name: `${name}__echo`, arguments: { text: `to ${name}` } });
      expect(result.content).toEqual([{ type: 'text', text: `echo:to ${name}` }]);
      expect(result.structuredContent).toEqual({ server: name, text: `to ${name}` });
    }
  });

  it("keeps remote backends' JSON-RPC errors and routes their resource links back", async () => {
    for (const name of ['web', 'legacy', 'guess']) {
      const failed = await client.callTool({ name: `${name}__fail`, arguments: { code: -32050, message: `no from ${name}` } }).then(
        () => undefined,
        (err: unknown) => err as { code?: unknown; message?: unknown },
      );
      expect(failed, name).toBeInstanceOf(ProtocolError);
      expect([failed?.code, failed?.message]).toEqual([-32050, `no from ${name}`]);

      const rich = await client.callTool({ name: `${name}__rich` });
      const link = (rich.content as Array<{ type: string; uri?: string }>).find((b) => b.type === 'resource_link');
      expect(link?.uri).toBe(`sb://${name}/fixture://${name}/static/hello`);
      expect(await client.readResource({ uri: link!.uri! })).toEqual({
        contents: [{ uri: `sb://${name}/fixture://${name}/static/hello`, mimeType: 'text/plain', text: `hello from ${name}` }],
      });
    }
  });

  it('writes a start-up summary on stderr: each backend, its transport and its tool count', () => {
    const [, up, total] = stderr.match(SUMMARY)!;
    expect([up, total]).toEqual(['4', '4']);
    expect(Number(summaryLine(stderr, 'everything', 'stdio')?.[1])).toBe(EVERYTHING_TOOL_COUNT);
    expect(Number(summaryLine(stderr, 'web', 'http')?.[1])).toBe(FIXTURE_TOOL_NAMES.length);
    expect(Number(summaryLine(stderr, 'legacy', 'sse')?.[1])).toBe(FIXTURE_TOOL_NAMES.length);
    // No `type:`: Streamable HTTP was tried first, and the router fell back to legacy SSE.
    expect(Number(summaryLine(stderr, 'guess', 'sse')?.[1])).toBe(FIXTURE_TOOL_NAMES.length);
  });
});

describe('serve on stdio, spoken to by hand', () => {
  const tmp = tempDir('sb-cli-raw-');
  let cli: CliProcess;
  let out: JsonRpcLines;
  let closed: Promise<unknown>;
  let tree: number[] = [];
  let groups: number[] = [];

  const send = (message: unknown) => cli.child.stdin!.write(`${JSON.stringify(message)}\n`);

  beforeAll(async () => {
    assertBuilt();
    const config = tmp.write('router.yaml', `servers:\n${everythingYaml}${wrappedFixtureYaml('wrapped')}${crashyYaml}`);
    // debug logging: plenty of log lines that must all go to stderr, never to stdout.
    cli = spawnCli(['serve', '--config', config, '--log-level', 'debug']);
    closed = once(cli.child, 'close');
    out = new JsonRpcLines(cli.child.stdout!);
    await cli.waitForStderr(/mcp-switchboard: 2\/3 backends up/, 25_000);
    send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'by-hand', version: '1.0.0' } } });
    const init = await out.response(1);
    expect((init.result as { serverInfo?: unknown }).serverInfo).toBeDefined();
    send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });

  afterAll(async () => {
    await cli?.kill();
    killLeftovers(tree, groups);
    tmp.remove();
  });

  it('reports a backend that failed to start in the summary, with the reason and its stderr', () => {
    expect(cli.stderr()).toMatch(/^  DOWN +crashy +stdio +the process exited during the MCP handshake; its stderr ended with: boom: missing API key \(servers\.crashy\.command\/args\)/m);
  });

  it('answers tools/list and tools/call', async () => {
    send({ jsonrpc: '2.0', id: 2, method: 'tools/list' });
    const list = await out.response(2);
    const names = (list.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(names).toContain('wrapped__echo');
    expect(names).toContain('everything__echo');
    send({ jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'wrapped__echo', arguments: { text: 'raw' } } });
    expect((await out.response(3)).result).toMatchObject({ content: [{ type: 'text', text: 'echo:raw' }], structuredContent: { server: 'wrapped', text: 'raw' } });
  });

  it('answers a malformed line with -32700 and id null, and keeps the session', async () => {
    cli.child.stdin!.write('{"jsonrpc": "2.0", "id": 9, "method": \n');
    const error = await out.waitFor((m) => m.id === null && m.error !== undefined, 'a parse error response');
    expect(error.jsonrpc).toBe('2.0');
    expect(error.error?.code).toBe(-32700);
    send({ jsonrpc: '2.0', id: 4, method: 'tools/call', params: { name: 'everything__echo', arguments: { message: 'still here' } } });
    expect((await out.response(4)).result).toEqual({ content: [{ type: 'text', text: 'Echo: still here' }] });
  });

  it('answers JSON that is not JSON-RPC with -32600, and an unknown method with -32601', async () => {
    cli.child.stdin!.write('{"hello": "world"}\n');
    const invalid = await out.waitFor((m) => m.id === null && m.error?.code === -32600, 'an invalid request response');
    expect(invalid.jsonrpc).toBe('2.0');
    send({ jsonrpc: '2.0', id: 5, method: 'no/such-method', params: {} });
    expect((await out.response(5)).error?.code).toBe(-32601);
  });

  it('exits when stdin closes, leaving no backend process behind; stdout carried only JSON-RPC', async () => {
    tree = processTree(cli.pid);
    groups = processGroups(tree);
    const commands = tree.map(commandLine);
    expect(commands.some((c) => c.includes('server-everything'))).toBe(true);
    expect(commands.some((c) => c.startsWith('/bin/sh -c'))).toBe(true);
    // The wrapped server is a grandchild: its parent is the shell, not the CLI.
    expect(commands.filter((c) => c.includes('fixture-main.ts') && c.includes('--name wrapped'))).toHaveLength(2);

    cli.child.stdin!.end();
    const exit = await cli.exited;
    await allGone(tree, groups);
    expect(exit).toEqual({ code: 0, signal: null });

    await closed;
    expect(out.trailing).toBe('');
    expect(out.lines.length).toBeGreaterThanOrEqual(5);
    for (const line of out.lines) {
      const parsed = JSON.parse(line) as { jsonrpc?: unknown };
      expect(parsed.jsonrpc, line).toBe('2.0');
    }
    expect(out.messages).toHaveLength(out.lines.length);
  });
});

describe('serve on stdio, stopped by SIGTERM', () => {
  const tmp = tempDir('sb-cli-term-');
  let cli: CliProcess;
  let tree: number[] = [];
  let groups: number[] = [];

  beforeAll(() => assertBuilt());

  afterAll(async () => {
    await cli?.kill();
    killLeftovers(tree, groups);
    tmp.remove();
  });

  it('exits on SIGTERM, leaving no backend process behind', async () => {
    const config = tmp.write('router.yaml', `servers:\n${everythingYaml}${wrappedFixtureYaml('wrapped')}`);
    cli = spawnCli(['serve', '--config', config]);
    await cli.waitForStderr(/mcp-switchboard: 2\/2 backends up/, 25_000);
    tree = processTree(cli.pid);
    groups = processGroups(tree);
    expect(tree.map(commandLine).filter((c) => c.includes('server-everything') || c.includes('fixture-main.ts'))).toHaveLength(3);
    process.kill(cli.pid, 'SIGTERM');
    const exit = await cli.exited;
    expect.soft(exit, 'a clean shutdown on SIGTERM exits 0').toEqual({ code: 0, signal: null });
    await allGone(tree, groups);
  });
});
