/**
 * No backend outlives the router, however the router ends: the built CLI serving stdio, with two
 * backends that ignore stdin EOF (as many real servers do), one of which also ignores SIGTERM and
 * one whose real server is a grandchild under a shell. SIGKILLing the router runs no code of ours;
 * only the watchdog process is left to reap them.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { allGone, commandLine, isAlive, killLeftovers, processGroups, processTree } from '../helpers/proc-tree.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

/** The watchdog's grace between SIGTERM and SIGKILL (Watchdog's default). */
const WATCHDOG_GRACE_MS = 1500;

/** Keeps running after stdin ends, and shrugs off SIGTERM: only SIGKILL ends it. */
function stubbornYaml(name: string): string {
  const fx = fixtureStdioCommand(name, ['--tools', 'echo', '--ignore-eof', '--ignore-sigterm']);
  return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n`;
}

/** Ignores stdin EOF, and its real server is a grandchild under a shell that lingers after it. */
function deafWrappedYaml(name: string): string {
  const fx = fixtureStdioCommand(name, ['--tools', 'echo', '--ignore-eof']);
  const args = ['-c', '"$0" "$@"; sleep 600', fx.command, ...fx.args];
  return `  ${name}:\n    command: /bin/sh\n    args: [${args.map(q).join(', ')}]\n`;
}

const isFixture = (name: string) => (command: string) => command.includes('fixture-main.ts') && command.includes(`--name ${name}`);

describe('no orphans', () => {
  const tmp = tempDir('sb-orphans-');
  let config = '';
  let cli: CliProcess | undefined;
  let tree: number[] = [];
  let groups: number[] = [];

  beforeAll(() => {
    assertBuilt();
    config = tmp.write('router.yaml', `servers:\n${stubbornYaml('stubborn')}${deafWrappedYaml('deaf')}`);
    return () => tmp.remove();
  });

  afterEach(async () => {
    await cli?.kill();
    killLeftovers(tree, groups);
  });

  /** The running router's descendants, once both backends are up: backends, wrapper, watchdog. */
  async function startRouter(): Promise<{ stubborn: number; watchdog: number }> {
    cli = spawnCli(['serve', '--config', config]);
    await cli.waitForStderr(/mcp-switchboard: 2\/2 backends up/, 25_000);
    tree = processTree(cli.pid);
    groups = processGroups(tree);
    const commands = new Map(tree.map((pid) => [pid, commandLine(pid)]));
    const find = (match: (c: string) => boolean) => [...commands].filter(([, c]) => match(c)).map(([pid]) => pid);
    const stubborn = find(isFixture('stubborn'));
    const watchdog = find((c) => c.includes('watchdog-main.js'));
    expect(stubborn).toHaveLength(1);
    // The deaf server runs under /bin/sh: the shell and the node server share one group.
    expect(find(isFixture('deaf'))).toHaveLength(2);
    expect(watchdog).toHaveLength(1);
    return { stubborn: stubborn[0]!, watchdog: watchdog[0]! };
  }

  it('reaps every backend group when the router is SIGKILLed, SIGKILLing the one that ignores SIGTERM after a grace', async () => {
    const { stubborn, watchdog } = await startRouter();
    const killedAt = Date.now();
    process.kill(cli!.pid, 'SIGKILL');
    await cli!.exited;

    const stubbornGoneAfter = await eventually(() => !isAlive(stubborn) && Date.now() - killedAt, { what: 'the stubborn backend to die', timeoutMs: 10_000, intervalMs: 20 });
    // Sooner than the grace would mean it did not ignore EOF and SIGTERM, and this test proved nothing.
    expect(stubbornGoneAfter).toBeGreaterThanOrEqual(WATCHDOG_GRACE_MS - 100);
    expect(stubbornGoneAfter).toBeLessThan(WATCHDOG_GRACE_MS + 3000);
    await allGone(tree, groups, 5000);
    expect(isAlive(watchdog)).toBe(false);
  });

  it('leaves nothing behind after a normal shutdown (SIGTERM), watchdog included', async () => {
    await startRouter();
    process.kill(cli!.pid, 'SIGTERM');
    const exit = await cli!.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    await allGone(tree, groups, 5000);
  });

  it('leaves nothing behind when the client closes stdin', async () => {
    await startRouter();
    cli!.child.stdin!.end();
    const exit = await cli!.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    await allGone(tree, groups, 5000);
  });
});

describe('no orphans from the bridge', () => {
  let cli: CliProcess | undefined;
  let tree: number[] = [];
  let groups: number[] = [];

  beforeAll(() => assertBuilt());

  afterEach(async () => {
    await cli?.kill();
    killLeftovers(tree, groups);
  });

  it('reaps its stdio child, which ignores EOF and SIGTERM, when the bridge is SIGKILLed', async () => {
    const fx = fixtureStdioCommand('bridged', ['--tools', 'echo', '--ignore-eof', '--ignore-sigterm']);
    const shellCommand = [fx.command, ...fx.args].map(q).join(' ');
    cli = spawnCli(['bridge', '--stdio', shellCommand, '--outputTransport', 'streamableHttp', '--port', '0', '--shared']);
    await cli.waitForStderr(/bridge listening on/);
    const child = await eventually(() => processTree(cli!.pid).find((pid) => isFixture('bridged')(commandLine(pid))), { what: 'the bridged child', timeoutMs: 20_000 });
    tree = processTree(cli.pid);
    groups = processGroups(tree);
    expect(tree.map(commandLine).filter((c) => c.includes('watchdog-main.js'))).toHaveLength(1);

    process.kill(cli.pid, 'SIGKILL');
    await cli.exited;
    await allGone(tree, groups, 5000);
    expect(isAlive(child)).toBe(false);
  });
});
