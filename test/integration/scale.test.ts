/**
 * Behaviour at scale (never timing): a first tools/list is complete while many slow backends start
 * on a starved CPU; a burst of 20,000 notifications arrives whole, in order, before its result;
 * listen.maxSessions closes the least recently active idle session, and refuses with 503 when every
 * session is mid-request.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { makeServerConfig, defaultListenConfig } from '../../src/config/defaults.js';
import type { RouterConfig, ServerConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { HttpFront } from '../../src/transports/http-front.js';
import { StdioFrontTransport } from '../../src/transports/stdio-front.js';
import { JsonRpcLines } from '../helpers/jsonrpc-lines.js';
import { httpRequest, JSON_HEADERS } from '../helpers/http-raw.js';
import { ROOT } from '../helpers/relay-harness.js';

const SCALE_BACKEND = join(ROOT, 'test/fixtures/scale-backend.mjs');

function scaleServer(name: string, env: Record<string, string> = {}): ServerConfig {
  return makeServerConfig(name, { kind: 'stdio', command: process.execPath, args: [SCALE_BACKEND], env: { SCALE_NAME: name, ...env }, cwd: ROOT });
}

function routerConfig(servers: ServerConfig[], listen = defaultListenConfig()): RouterConfig {
  return { separator: '__', pageSize: 100, servers, listen, workspaces: [], search: { autoThreshold: 0, maxActive: 20 } } as unknown as RouterConfig;
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A router on an in-process stdio front, and a line reader on its output. */
async function stdioRouter(servers: ServerConfig[]) {
  const router = new Router(routerConfig(servers), { log: silentLogger(), waitForFirstStart: true });
  cleanups.push(() => router.close());
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const lines = new JsonRpcLines(stdout);
  void router.start();
  await router.connect(new StdioFrontTransport(stdin, stdout));
  const send = (m: object) => stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
  send({ id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
  await lines.response(0);
  send({ method: 'notifications/initialized' });
  return { router, lines, send };
}

describe('first tools/list under CPU starvation', () => {
  it('lists every tool of 20 slow, CPU-heavy backends while a CPU hog runs', async () => {
    const hog: ChildProcess = spawn(process.execPath, ['-e', 'const end = Date.now() + 60000; while (Date.now() < end);'], { stdio: 'ignore' });
    cleanups.push(() => void hog.kill('SIGKILL'));
    // Each backend spins its CPU, then waits before reading: together far past any fixed few-second wait.
    const servers = Array.from({ length: 20 }, (_, i) => scaleServer(`s${i}`, { SCALE_TOOLS: '5', SCALE_BURN_MS: '150', SCALE_DELAY_MS: String(200 + i * 150) }));
    const { lines, send } = await stdioRouter(servers);
    const names: string[] = [];
    let cursor: string | undefined;
    for (let id = 1; id < 10; id++) {
      send({ id, method: 'tools/list', params: cursor ? { cursor } : {} });
      const answer = (await lines.response(id, 60_000)).result as { tools: Array<{ name: string }>; nextCursor?: string };
      names.push(...answer.tools.map((t) => t.name));
      cursor = answer.nextCursor;
      if (!cursor) break;
    }
    expect(names).toHaveLength(20 * 8);
    for (let i = 0; i < 20; i++) expect(names).toContain(`s${i}__tool_00004`);
  }, 90_000);
});

describe('a burst of 20,000 notifications', () => {
  for (const kind of ['progress', 'message'] as const) {
    it(`relays every ${kind} notification in order, all before the result`, async () => {
      const { lines, send } = await stdioRouter([scaleServer('b')]);
      send({ id: 1, method: 'tools/call', params: { name: 'b__burst', arguments: { count: 20_000, kind }, _meta: { progressToken: 'tok' } } });
      const result = await lines.response(1, 60_000);
      expect((result.result as { content: Array<{ text: string }> }).content[0]!.text).toBe('sent 20000');
      const before = lines.messages.slice(0, lines.messages.indexOf(result));
      const seen =
        kind === 'progress'
          ? before.filter((m) => m.method === 'notifications/progress').map((m) => (m.params as { progressToken: unknown; progress: number }).progress)
          : before.filter((m) => m.method === 'notifications/message').map((m) => (m.params as { data: { i: number } }).data.i);
      expect(seen).toEqual(Array.from({ length: 20_000 }, (_, i) => i + 1));
      if (kind === 'progress') expect(before.filter((m) => m.method === 'notifications/progress').every((m) => (m.params as { progressToken: unknown }).progressToken === 'tok')).toBe(true);
    }, 90_000);
  }
});

describe('listen.maxSessions', () => {
  async function httpRouter(maxSessions: number) {
    const router = new Router(routerConfig([scaleServer('m')]), { log: silentLogger(), waitForFirstStart: true });
    await router.start();
    const front = new HttpFront({ listen: { ...defaultListenConfig(), port: 0, maxSessions }, log: silentLogger(), connect: (t, v) => router.connect(t, v) });
    cleanups.push(() => router.close());
    cleanups.push(() => front.close());
    const url = await front.listen();
    const post = (body: object, session?: string) =>
      httpRequest(url, { method: 'POST', headers: { ...JSON_HEADERS, ...(session && { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' }) }, body: JSON.stringify({ jsonrpc: '2.0', ...body }) });
    const open = async () => {
      const res = await post({ id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } });
      const id = res.headers['mcp-session-id'] as string | undefined;
      if (id) await post({ method: 'notifications/initialized' }, id);
      return { res, id };
    };
    return { router, post, open };
  }

  it('closes the least recently active idle session to admit a new one', async () => {
    const { router, post, open } = await httpRouter(2);
    const a = (await open()).id!;
    const b = (await open()).id!;
    expect((await post({ id: 1, method: 'ping' }, a)).status).toBe(200); // a is now more recent than b
    const c = await open();
    expect(c.res.status).toBe(200);
    expect(router.sessionCount()).toBe(2);
    expect((await post({ id: 2, method: 'ping' }, b)).status).toBe(404);
    expect((await post({ id: 3, method: 'ping' }, a)).status).toBe(200);
    expect((await post({ id: 4, method: 'ping' }, c.id!)).status).toBe(200);
  });

  it('answers 503 with a JSON-RPC error when every session is mid-request, and admits once one is idle', async () => {
    const { post, open } = await httpRouter(2);
    const a = (await open()).id!;
    const b = (await open()).id!;
    const slow = (s: string, id: number) => post({ id, method: 'tools/call', params: { name: 'm__sleep', arguments: { ms: 1500 } } }, s);
    const calls = [slow(a, 1), slow(b, 2)];
    await new Promise((r) => setTimeout(r, 300));
    const refused = await open();
    expect(refused.res.status).toBe(503);
    const body = JSON.parse(refused.res.body) as { jsonrpc: string; id: null; error: { code: number; message: string; data?: { reason?: string } } };
    expect(body.jsonrpc).toBe('2.0');
    expect(body.error.code).toBe(-32070);
    expect(body.error.data?.reason).toBe('SB_TOO_MANY_SESSIONS');
    expect(body.error.message).toMatch(/already serves 2 sessions.*listen\.maxSessions/);
    for (const done of await Promise.all(calls)) expect(done.status).toBe(200);
    expect((await open()).res.status).toBe(200);
  });
});
