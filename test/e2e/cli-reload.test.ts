/**
 * Reloading router.yaml in a running `serve`: the built CLI, real stdio backends, SDK clients that
 * stay connected throughout. `--watch` picks up in-place writes and editor-style renames; SIGHUP
 * reloads without it. Backends are told apart by pid (from /proc), tools by their public names.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CLI_MAIN, PROJECT_ROOT, assertBuilt, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { commandLine, isAlive, killLeftovers, processGroups, processTree } from '../helpers/proc-tree.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

const LISTENING = /mcp-switchboard listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/;
const RELOAD_TIMEOUT_MS = 40_000;

/** One stdio fixture backend serving `tools`, as router.yaml lines. */
function serverYaml(name: string, tools: string[], extra = ''): string {
  const fx = fixtureStdioCommand(name, ['--tools', tools.join(',')]);
  return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n${extra}`;
}

/** The pid of the fixture backend called `name` among the router's descendants (undefined when none runs). */
function backendPid(routerPid: number, name: string): number | undefined {
  return processTree(routerPid).find((pid) => isAlive(pid) && / --name (\S+) /.exec(commandLine(pid) + ' ')?.[1] === name);
}

async function toolNames(client: Client): Promise<string[]> {
  return (await client.listTools()).tools.map((t) => t.name).sort();
}

function echoServer(result: unknown): unknown {
  return (result as { structuredContent?: { server?: unknown } }).structuredContent?.server;
}

describe('serve --watch', () => {
  const tmp = tempDir('sb-reload-');
  let path: string;
  let cli: CliProcess;
  let client: Client;
  let transport: StreamableHTTPClientTransport;
  let sessionId: string | undefined;
  let toolChanges = 0;
  const seen: number[] = [];

  const writeInPlace = (text: string) => writeFileSync(path, text);
  /** How most editors save: a new file renamed over the old one (the old inode is gone). */
  const writeByRename = (text: string) => {
    const next = tmp.write('.router.yaml.swp', text);
    renameSync(next, path);
  };
  /** Waits for the n-th reload summary line and returns it. */
  const reloadLine = async (n: number) => {
    await eventually(() => (cli.stderr().match(/mcp-switchboard: reloaded .*\n/g) ?? []).length >= n, { what: `reload #${n}`, timeoutMs: RELOAD_TIMEOUT_MS });
    return cli.stderr().match(/mcp-switchboard: reloaded .*\n/g)![n - 1]!;
  };
  const track = () => {
    const pids = processTree(cli.pid);
    seen.push(...pids);
    return pids;
  };

  beforeAll(async () => {
    assertBuilt();
    path = tmp.write('router.yaml', `servers:\n${serverYaml('alpha', ['echo'])}${serverYaml('beta', ['echo', 'add'])}`);
    cli = spawnCli(['serve', '--http', '--port', '0', '--watch', '--config', path]);
    const url = (await cli.waitForStderr(LISTENING))[1]!;
    await cli.waitForStderr(/mcp-switchboard: 2\/2 backends up/, RELOAD_TIMEOUT_MS);
    transport = new StreamableHTTPClientTransport(new URL(url));
    client = new Client({ name: 'reload-e2e', version: '1.0.0' }, { capabilities: {} });
    client.setNotificationHandler('notifications/tools/list_changed', () => void toolChanges++);
    await client.connect(transport);
    sessionId = transport.sessionId;
    track();
  }, 60_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    const tree = [...seen, ...processTree(cli?.pid ?? -1)];
    await cli?.kill();
    killLeftovers(tree, processGroups(tree));
    tmp.remove();
  });

  it('starts with both servers', async () => {
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(await toolNames(client)).toEqual(['alpha__echo', 'beta__add', 'beta__echo']);
    expect(backendPid(cli.pid, 'alpha')).toBeGreaterThan(0);
    expect(backendPid(cli.pid, 'beta')).toBeGreaterThan(0);
  });

  it('adds a server: list_changed, its tools appear, same session, the others keep their processes', async () => {
    const alpha = backendPid(cli.pid, 'alpha');
    const beta = backendPid(cli.pid, 'beta');
    const before = toolChanges;
    writeInPlace(`servers:\n${serverYaml('alpha', ['echo'])}${serverYaml('beta', ['echo', 'add'])}${serverYaml('gamma', ['echo', 'sleep'])}`);
    expect(await reloadLine(1)).toContain('(watch): servers 1 added (gamma), 0 removed, 0 changed, 2 unchanged; workspaces 0 added, 0 removed, 0 changed, 0 unchanged');
    await eventually(() => toolChanges > before, { what: 'tools/list_changed for gamma', timeoutMs: RELOAD_TIMEOUT_MS });
    expect(await toolNames(client)).toEqual(['alpha__echo', 'beta__add', 'beta__echo', 'gamma__echo', 'gamma__sleep']);
    expect(echoServer(await client.callTool({ name: 'gamma__echo', arguments: { text: 'hi' } }))).toBe('gamma');
    expect(transport.sessionId).toBe(sessionId);
    expect(backendPid(cli.pid, 'alpha')).toBe(alpha);
    expect(backendPid(cli.pid, 'beta')).toBe(beta);
    track();
  });

  it('removes a server: its process is gone, its tools vanish with list_changed, its call in flight is told why', async () => {
    const gamma = backendPid(cli.pid, 'gamma')!;
    expect(gamma).toBeGreaterThan(0);
    let progressed = false;
    const inFlight = client.callTool({ name: 'gamma__sleep', arguments: { ms: 30_000, steps: 300 } }, { onprogress: () => (progressed = true) }).then(
      () => 'answered',
      (err: Error) => err.message,
    );
    // Progress proves the call is at the backend before the config changes.
    await eventually(() => progressed, { what: 'progress from gamma__sleep' });
    const before = toolChanges;
    writeByRename(`servers:\n${serverYaml('alpha', ['echo'])}${serverYaml('beta', ['echo', 'add'])}`);
    expect(await reloadLine(2)).toContain('servers 0 added, 1 removed (gamma), 0 changed, 2 unchanged');
    expect(await inFlight).toContain('server "gamma" was removed from the config');
    await eventually(() => !isAlive(gamma), { what: `gamma's process ${gamma} to exit`, timeoutMs: 10_000 });
    await eventually(() => toolChanges > before, { what: 'tools/list_changed for gamma' });
    expect(await toolNames(client)).toEqual(['alpha__echo', 'beta__add', 'beta__echo']);
    expect(transport.sessionId).toBe(sessionId);
  });

  it('changes a server: restarted with its new args (new pid), the unchanged one keeps its pid', async () => {
    const alpha = backendPid(cli.pid, 'alpha');
    const oldBeta = backendPid(cli.pid, 'beta')!;
    const before = toolChanges;
    writeByRename(`servers:\n${serverYaml('alpha', ['echo'])}${serverYaml('beta', ['echo'])}`);
    expect(await reloadLine(3)).toContain('servers 0 added, 0 removed, 1 changed (beta), 1 unchanged');
    await eventually(() => toolChanges > before, { what: 'tools/list_changed for beta__add', timeoutMs: RELOAD_TIMEOUT_MS });
    expect(await toolNames(client)).toEqual(['alpha__echo', 'beta__echo']);
    await eventually(() => !isAlive(oldBeta), { what: `the old beta process ${oldBeta} to exit` });
    const newBeta = backendPid(cli.pid, 'beta');
    expect(newBeta).toBeGreaterThan(0);
    expect(newBeta).not.toBe(oldBeta);
    expect(commandLine(newBeta!)).toMatch(/ --tools echo$/);
    expect(backendPid(cli.pid, 'alpha')).toBe(alpha);
    expect(echoServer(await client.callTool({ name: 'beta__echo', arguments: { text: 'x' } }))).toBe('beta');
    expect(transport.sessionId).toBe(sessionId);
    track();
  });

  it('an invalid config is reported naming the field, and the old one keeps serving', async () => {
    const alpha = backendPid(cli.pid, 'alpha');
    writeInPlace(`servers:\n${serverYaml('alpha', ['echo'], '    tmeout: 5000\n')}`);
    await cli.waitForStderr(/reload failed; still serving the previous config/, RELOAD_TIMEOUT_MS);
    expect(cli.stderr()).toContain(`${path}: config is invalid (1 problem):\nservers.alpha.tmeout: unknown field; did you mean "timeout"?`);
    expect(echoServer(await client.callTool({ name: 'alpha__echo', arguments: { text: 'still' } }))).toBe('alpha');
    expect(await toolNames(client)).toEqual(['alpha__echo', 'beta__echo']);
    expect(backendPid(cli.pid, 'alpha')).toBe(alpha);
    // An unset variable is reported the same way as at start-up.
    writeInPlace(`servers:\n${serverYaml('alpha', ['echo'], '    env:\n      KEY: "${SB_RELOAD_UNSET_VAR}"\n')}`);
    await cli.waitForStderr(/servers\.alpha\.env\.KEY: environment variable SB_RELOAD_UNSET_VAR is not set/, RELOAD_TIMEOUT_MS);
    expect(await toolNames(client)).toEqual(['alpha__echo', 'beta__echo']);
  });

  it('a listen change is reported as needing a restart while the rest applies', async () => {
    writeInPlace(`servers:\n${serverYaml('alpha', ['echo'])}listen:\n  host: 127.0.0.2\n`);
    expect(await reloadLine(4)).toContain('servers 0 added, 1 removed (beta), 0 changed, 1 unchanged');
    await cli.waitForStderr(/listen\.host changed \("127\.0\.0\.1" -> "127\.0\.0\.2"\); it applies only after a restart/);
    await eventually(async () => (await toolNames(client)).join() === 'alpha__echo', { what: 'beta to leave the list' });
    expect(transport.sessionId).toBe(sessionId);
  });
});

describe('serve without --watch: SIGHUP reloads', () => {
  const tmp = tempDir('sb-reload-hup-');
  let client: Client;
  let transport: StdioClientTransport;
  let stderr = '';
  let tree: number[] = [];

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    killLeftovers(tree, processGroups(tree));
    tmp.remove();
  });

  it('re-reads the file on SIGHUP only, adds the server, and keeps the stdio session', async () => {
    assertBuilt();
    const path = tmp.write('router.yaml', `servers:\n${serverYaml('alpha', ['echo'])}`);
    transport = new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, 'serve', '--config', path], cwd: PROJECT_ROOT, stderr: 'pipe' });
    transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    client = new Client({ name: 'reload-hup', version: '1.0.0' }, { capabilities: {} });
    let toolChanges = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void toolChanges++);
    await client.connect(transport);
    await eventually(() => /mcp-switchboard: 1\/1 backends up/.test(stderr), { what: 'the start-up summary', timeoutMs: RELOAD_TIMEOUT_MS });
    const pid = transport.pid!;
    expect(await toolNames(client)).toEqual(['alpha__echo']);
    const alpha = backendPid(pid, 'alpha');
    // After a list round trip, any list_changed from start-up has been read: count from here.
    const changesBefore = toolChanges;

    writeFileSync(path, `servers:\n${serverYaml('alpha', ['echo'])}${serverYaml('delta', ['add'])}`);
    process.kill(pid, 'SIGHUP');
    await eventually(() => /mcp-switchboard: reloaded .*\n/.test(stderr), { what: 'the reload line', timeoutMs: RELOAD_TIMEOUT_MS });
    expect(stderr).toContain(`mcp-switchboard: reloaded ${path} (SIGHUP): servers 1 added (delta), 0 removed, 0 changed, 1 unchanged`);
    // Without --watch, the write itself triggered nothing.
    expect(stderr).not.toContain('(watch)');
    await eventually(() => toolChanges > changesBefore, { what: 'tools/list_changed for delta', timeoutMs: RELOAD_TIMEOUT_MS });
    expect(await toolNames(client)).toEqual(['alpha__echo', 'delta__add']);
    expect((await client.callTool({ name: 'delta__add', arguments: { a: 2, b: 3 } })).content).toEqual([{ type: 'text', text: '5' }]);
    expect(backendPid(pid, 'alpha')).toBe(alpha);
    tree = processTree(pid);
    expect(isAlive(pid)).toBe(true);

    // A SIGHUP with nothing changed still reports, and shuts nothing down.
    process.kill(pid, 'SIGHUP');
    await eventually(() => (stderr.match(/mcp-switchboard: reloaded .*\n/g) ?? []).length === 2, { what: 'the second reload line' });
    expect(stderr).toContain('(SIGHUP): servers 0 added, 0 removed, 0 changed, 2 unchanged');
    expect(await toolNames(client)).toEqual(['alpha__echo', 'delta__add']);
  }, 90_000);
});
