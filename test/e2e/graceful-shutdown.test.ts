/**
 * Graceful shutdown under load, as a client sees it: two slow calls in flight when SIGTERM arrives.
 * The one that finishes within shutdownGraceMs gets its result; the one that would not gets a clean
 * SB_SHUTTING_DOWN error naming the signal once the grace is over; a request sent during the grace is
 * refused at once; the process exits 0 and no backend outlives it. Over Streamable HTTP (sessions,
 * a new session refused with 503) and over stdio (the CLI on a pipe, as Claude Desktop runs it).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpConn } from '../contract/network-conns.js';
import { initialize, type FrontConn } from '../contract/conn.js';
import { assertBuilt, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { allGone, killLeftovers, processGroups, processTree } from '../helpers/proc-tree.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import type { Message } from '../contract/inbox.js';
import { StdioConn } from '../contract/fronts.js';

const GRACE_MS = 1500;
const SHORT_MS = 600;
const LONG_MS = 30_000;

const tmp = tempDir('sb-shutdown-');
const fx = fixtureStdioCommand('fx', ['--tools', 'echo,sleep']);
const CONFIG = tmp.write('router.yaml', `servers:\n  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\nshutdownGraceMs: ${GRACE_MS}\n`);
afterAll(() => tmp.remove());

const sleepCall = (id: string, ms: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  // One progress step, sent as the sleep starts: the client knows the call reached the backend.
  params: { name: 'fx__sleep', arguments: { ms, steps: 1 }, _meta: { progressToken: `p-${id}` } },
});
const progressOf = (token: string) => (m: Message) => m.method === 'notifications/progress' && (m.params as { progressToken?: unknown })?.progressToken === token;

/** Two slow calls in flight, then SIGTERM; the answers and the exit, as the client observed them. */
async function underLoad(cli: CliProcess, conn: FrontConn, opts: { newSession?: () => Promise<number | undefined> }): Promise<void> {
  conn.send(sleepCall('short', SHORT_MS));
  conn.send(sleepCall('long', LONG_MS));
  await conn.next(progressOf('p-short'), 'progress of the short call');
  await conn.next(progressOf('p-long'), 'progress of the long call');
  const tree = processTree(cli.pid);
  const groups = processGroups(tree);
  try {
    const signalled = Date.now();
    cli.child.kill('SIGTERM');
    // The router logs this as it starts refusing (not before): a request sent earlier is not "during".
    await cli.waitForStderr(/shutting down \(SIGTERM\)/, 5000);
    // Refused at once, naming the reason, while the calls in flight go on.
    await eventuallyRefused(conn);
    if (opts.newSession) expect(await opts.newSession()).toBe(503);

    const short = await conn.response('short', GRACE_MS + 5000);
    expect(short.result).toMatchObject({ content: [{ type: 'text', text: `slept ${SHORT_MS}ms` }] });
    expect(Date.now() - signalled).toBeLessThan(GRACE_MS);

    const long = await conn.response('long', GRACE_MS + 5000);
    const cutAfter = Date.now() - signalled;
    expect(long.error?.code).toBe(-32071);
    expect(long.error?.message).toMatch(/shutting down \(SIGTERM\).*1500 ms grace period \(shutdownGraceMs\)/);
    expect(long.error?.data).toEqual({ reason: 'SB_SHUTTING_DOWN' });
    expect(cutAfter).toBeGreaterThanOrEqual(GRACE_MS - 50);
    expect(cutAfter).toBeLessThan(GRACE_MS + 3000);

    expect(await cli.exited).toEqual({ code: 0, signal: null });
    await allGone(tree, groups);
  } finally {
    killLeftovers(tree, groups);
  }
}

/** A request sent during the grace gets SB_SHUTTING_DOWN without waiting for anything. */
async function eventuallyRefused(conn: FrontConn): Promise<void> {
  const sent = Date.now();
  conn.send({ jsonrpc: '2.0', id: 'during', method: 'tools/call', params: { name: 'fx__echo', arguments: { text: 'late' } } });
  const refused = await conn.response('during', 2000);
  expect(refused.error).toEqual({ code: -32071, message: 'the router is shutting down (SIGTERM); reconnect in a moment', data: { reason: 'SB_SHUTTING_DOWN' } });
  expect(Date.now() - sent).toBeLessThan(1000);
}

describe('graceful shutdown under load', () => {
  let cli: CliProcess | undefined;
  let conns: FrontConn[] = [];

  beforeAll(() => assertBuilt());
  afterEach(async () => {
    for (const c of conns) await c.close();
    conns = [];
    await cli?.kill();
  });

  it('Streamable HTTP: one call finishes within the grace, one is cut with SB_SHUTTING_DOWN, exit 0, no orphans', async () => {
    cli = spawnCli(['serve', '--http', '--port', '0', '--config', CONFIG, '--log-level', 'info']);
    const url = (await cli.waitForStderr(/mcp-switchboard listening on (http:\S+\/mcp)/, 25_000))[1]!;
    await cli.waitForStderr(/mcp-switchboard: 1\/1 backends up/, 25_000);
    const conn = new HttpConn(url);
    conns.push(conn);
    await initialize(conn);
    const newSession = async () => {
      const late = new HttpConn(url);
      conns.push(late);
      return late.send({ jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'late', version: '1' } } }).status;
    };
    await underLoad(cli, conn, { newSession });
  }, 60_000);

  it('stdio: the same, on the pipe', async () => {
    cli = spawnCli(['serve', '--config', CONFIG, '--log-level', 'info']);
    const conn = new StdioConn(cli);
    conns.push(conn);
    await cli.waitForStderr(/mcp-switchboard: 1\/1 backends up/, 25_000);
    await initialize(conn);
    await underLoad(cli, conn, {});
  }, 60_000);
});
