/**
 * The front fuzzers' shared machinery: one built `serve` per front against the stdio fixture backend,
 * connections from the contract adapters, the checks one generated run must pass (every request-shaped
 * message answered exactly once with the right code or status, notifications and stray responses never,
 * nothing else), the router's RSS, and the fast-check parameters (small, bounded, seed printed).
 */
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import fc from 'fast-check';
import { expect } from 'vitest';
import { initialize, type FrontConn } from '../contract/conn.js';
import { StdioConn } from '../contract/fronts.js';
import { isResponseTo, type Message } from '../contract/inbox.js';
import { HttpConn, SseConn, WsConn } from '../contract/network-conns.js';
import { assertBuilt, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import type { CaseFactory, FuzzCase } from './cases.js';

export type FrontKind = 'stdio' | 'http' | 'sse' | 'ws';

/** listen.maxBodyBytes of the fuzz config: the limit of the HTTP, SSE and WebSocket fronts. */
export const NETWORK_LIMIT = 64 * 1024;
/** How long a message may take to be answered before the run counts it as left hanging. */
const ANSWER_MS = 5000;
/** After the expected answers: time for an unexpected extra one to show up. */
const SETTLE_MS = 100;

/** fast-check parameters: FUZZ_SEED reproduces a failing run (fast-check prints seed and path). */
export function fuzzParams(numRuns: number): fc.Parameters<unknown> {
  const seed = process.env.FUZZ_SEED === undefined ? Date.now() ^ (Math.random() * 0x7fffffff) : Number(process.env.FUZZ_SEED);
  return { numRuns, seed, endOnFailure: true, verbose: 1 };
}

export interface Served {
  kind: FrontKind;
  cli: CliProcess;
  /** A fresh, initialized connection (stdio: the one pipe there is). */
  open(): Promise<FrontConn>;
  /** The SECOND, well-behaved connection (stdio has one per process: the same pipe). */
  healthy: FrontConn;
  urls: string[];
  stop(): Promise<void>;
}

const BACKENDS_UP = /mcp-switchboard: 1\/1 backends up/;

/** `serve` on one front, with the fixture backend `fx` and a 64 KiB network limit. */
export async function serve(kind: FrontKind): Promise<Served> {
  assertBuilt();
  const tmp = tempDir(`sb-fuzz-${kind}-`);
  const fx = fixtureStdioCommand('fx', ['--tools', 'echo,sleep']);
  const config = tmp.write('router.yaml', `servers:\n  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\nlisten:\n  maxBodyBytes: ${NETWORK_LIMIT}\n`);
  const args = kind === 'stdio' ? ['serve', '--config', config, '--log-level', 'warn'] : ['serve', '--transport', kind, '--port', '0', '--config', config, '--log-level', 'warn'];
  const cli = spawnCli(args);
  const stdio = kind === 'stdio' ? new StdioConn(cli) : undefined;
  await cli.waitForStderr(BACKENDS_UP, 30_000);
  const urls = [...cli.stderr().matchAll(/mcp-switchboard listening on (\S+)\n/g)].map((m) => m[1]!);
  const opened: FrontConn[] = [];
  const open = async (): Promise<FrontConn> => {
    if (stdio) return stdio;
    const conn = await connect(kind, urls);
    opened.push(conn);
    await initialize(conn);
    return conn;
  };
  const healthy = await open();
  if (stdio) await initialize(stdio);
  return {
    kind,
    cli,
    open,
    healthy,
    urls,
    async stop() {
      for (const c of opened) await c.close();
      await cli.kill();
      tmp.remove();
    },
  };
}

async function connect(kind: FrontKind, urls: string[]): Promise<FrontConn> {
  if (kind === 'http') return new HttpConn(urls.find((u) => u.endsWith('/mcp'))!);
  if (kind === 'sse') return new SseConn(urls.find((u) => u.endsWith('/sse'))!).open();
  const ws = new WebSocket(urls.find((u) => u.startsWith('ws://'))!, ['mcp']);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return new WsConn(ws);
}

let calls = 0;

/** A plain tools/call works (on the second, well-behaved connection, after every run). */
export async function expectServing(conn: FrontConn, what: string): Promise<void> {
  const id = `health-${++calls}`;
  conn.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fx__echo', arguments: { text: what } } });
  const r = await conn.response(id, ANSWER_MS);
  expect(r.result, `plain call ${what}`).toMatchObject({ content: [{ type: 'text', text: `echo:${what}` }] });
}

const errorNoId = (m: Message) => m.method === undefined && m.error !== undefined && m.id === null;

/**
 * Send the cases of one run on `conn` and check what came back: each answer once, under the right
 * id, with the right code; the right HTTP status per POST; id-null errors exactly as many as
 * expected, with the right codes; nothing for notifications and stray responses; nothing extra.
 */
export async function checkRun(kind: FrontKind, conn: FrontConn, factories: CaseFactory[], run: string): Promise<void> {
  const cases: FuzzCase[] = factories.map((make, i) => make(`${run}-${i}`));
  const nullErrorsBefore = conn.inbox.all.filter(errorNoId).length;
  const sent = cases.map((c) => conn.send(c.text));
  const statuses = await Promise.all(sent.map((s) => s.status.catch((err: Error) => `failed: ${err.message}`)));
  if (kind === 'http' || kind === 'sse') {
    const want = cases.map((c) => (kind === 'http' ? c.expect.httpStatus : c.expect.sseStatus));
    expect(statuses, labels(cases)).toEqual(want);
  }
  for (const c of cases) {
    if (c.expect.kind === 'none' || (c.expect.kind === 'error' && c.expect.idNull)) continue;
    const r = await conn.response(c.id!, ANSWER_MS).catch((err: Error) => ({ hung: `${c.label}: ${err.message}` }) as Message);
    expect(r.hung, c.label).toBeUndefined();
    if (c.expect.kind === 'error') expect(r.error?.code, `${c.label}: ${JSON.stringify(r).slice(0, 300)}`).toBe(c.expect.code);
  }
  const nullCodes = cases.flatMap((c) => (c.expect.kind === 'error' && c.expect.idNull ? [c.expect.code] : []));
  const deadline = Date.now() + ANSWER_MS;
  while (conn.inbox.all.filter(errorNoId).length - nullErrorsBefore < nullCodes.length && Date.now() < deadline) await delay(10);
  await delay(SETTLE_MS);
  const nullErrors = conn.inbox.all.filter(errorNoId).slice(nullErrorsBefore);
  expect(nullErrors.map((m) => m.error!.code).sort(), `id-null errors for ${labels(cases)}`).toEqual(nullCodes.sort());
  conn.inbox.take(errorNoId);
  // Exactly one answer per own id, none for anything else of this run.
  for (const [i, c] of cases.entries()) {
    const own = `${run}-${i}`;
    const answers = conn.inbox.all.filter((m) => m.method === undefined && (m.id === own || m.id === `stray-${own}`));
    const expected = c.expect.kind === 'none' || (c.expect.kind === 'error' && c.expect.idNull) ? 0 : 1;
    expect(answers.length, `${c.label}: answers ${JSON.stringify(answers).slice(0, 300)}`).toBe(expected);
  }
}

function labels(cases: FuzzCase[]): string {
  return cases.map((c) => c.label.slice(0, 80)).join(' | ');
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resident set size of a process, in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

/** The process is still running (not exited, not a zombie). */
export function expectAlive(cli: CliProcess): void {
  expect(cli.child.exitCode, `serve exited; stderr:\n${cli.stderr().slice(-2000)}`).toBeNull();
  expect(cli.child.signalCode).toBeNull();
}

/**
 * Duplicate in-flight ids: a slow call under id D is at the backend (its progress arrived), then
 * `dups` more requests reuse D. Each duplicate gets -32600 under D; the slow call still gets its own
 * result ("slept N ms"), never a duplicate's answer.
 */
export async function checkDuplicateIds(kind: FrontKind, conn: FrontConn, id: string, sleepMs: number, dups: number): Promise<void> {
  const token = `progress-${id}`;
  conn.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fx__sleep', arguments: { ms: sleepMs, steps: 1 }, _meta: { progressToken: token } } });
  await conn.next((m) => m.method === 'notifications/progress' && (m.params as { progressToken?: unknown }).progressToken === token, 'progress of the slow call', ANSWER_MS);
  const statuses = [];
  for (let i = 0; i < dups; i++) statuses.push(conn.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fx__echo', arguments: { text: `dup ${i}` } } }).status);
  const answers: Message[] = [];
  for (let i = 0; i <= dups; i++) answers.push(await conn.response(id, sleepMs + ANSWER_MS));
  await delay(SETTLE_MS);
  expect(conn.inbox.pending(isResponseTo(id)), 'no answer beyond one per request').toEqual([]);
  const refused = answers.filter((a) => a.error?.code === -32600);
  const results = answers.filter((a) => a.result !== undefined);
  expect(refused.length, JSON.stringify(answers)).toBe(dups);
  expect(results).toHaveLength(1);
  expect(results[0]!.result).toMatchObject({ content: [{ type: 'text', text: `slept ${sleepMs}ms` }] });
  if (kind === 'http') expect(await Promise.all(statuses)).toEqual(Array(dups).fill(200));
}
