/**
 * Heap per idle Streamable HTTP session: a router and its HTTP front run in this process (started
 * with --expose-gc), 1,000 clients each send a raw initialize POST and notifications/initialized and
 * then go quiet. Heap after a full GC, before and after, divided by the sessions still open.
 */
import { request } from 'node:http';
import { defaultListenConfig, makeServerConfig } from '../../src/config/defaults.js';
import type { RouterConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { HttpFront } from '../../src/transports/http-front.js';
import { ROOT, SCALE_BACKEND } from './paths.js';

function post(url: string, body: object, session?: string): Promise<{ status: number; session?: string }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    if (session) Object.assign(headers, { 'mcp-session-id': session, 'mcp-protocol-version': '2025-11-25' });
    // agent: false closes each connection, so open sockets are not counted as session memory.
    const req = request(url, { method: 'POST', headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, session: res.headers['mcp-session-id'] as string | undefined }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ jsonrpc: '2.0', ...body }));
  });
}

async function heapAfterGc(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().heapUsed;
}

export async function heapPerSession(count: number): Promise<{ bytesPerSession: number; open: number }> {
  const server = makeServerConfig('s', { kind: 'stdio', command: process.execPath, args: [SCALE_BACKEND], env: { SCALE_TOOLS: '50' }, cwd: ROOT });
  const listen = { ...defaultListenConfig(), port: 0, maxSessions: count * 2 };
  const config = { separator: '__', pageSize: 100, servers: [server], listen, workspaces: [], search: { autoThreshold: 0, maxActive: 20 } } as unknown as RouterConfig;
  const router = new Router(config, { log: silentLogger(), waitForFirstStart: true });
  await router.start();
  const front = new HttpFront({ listen, log: silentLogger(), connect: (t, v) => router.connect(t, v) });
  const url = await front.listen();
  const open = async () => {
    const init = await post(url, { id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } });
    await post(url, { method: 'notifications/initialized' }, init.session);
  };
  // Warm every code path so the measurement holds sessions, not compiled code: after 50 (300)
  // sessions the JIT was still adding ~0.7 (0.5) KB of code and inline-cache data per new session.
  for (let i = 0; i < 1000; i++) await open();
  const before = await heapAfterGc();
  const opened = router.sessionCount();
  for (let i = 0; i < count; i++) await open();
  const after = await heapAfterGc();
  const added = router.sessionCount() - opened;
  await front.close();
  await router.close();
  return { bytesPerSession: (after - before) / added, open: added };
}
