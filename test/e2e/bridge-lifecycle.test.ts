/**
 * What supergateway got wrong, checked on real sockets: sessions time out while their stream is
 * open and take their child with them, DELETE reaps, a crashed child is restarted, a reconnecting
 * client gets a working session, and the bridge refuses bad tokens, bad Origins and unsafe binds.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import type { Bridge } from '../../src/bridge/bridge.js';
import { assertSafeBind } from '../../src/cli/listeners.js';
import { defaultListenConfig } from '../../src/config/defaults.js';
import { bridge, clientTransport, connectClient, echoText, EVERYTHING_CMD, isAlive, urlOf, waitFor, type Output } from './bridge-helpers.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn().catch(() => undefined)));
});

async function started(args: string[]): Promise<Bridge> {
  const b = await bridge(['--stdio', EVERYTHING_CMD, ...args]);
  cleanups.push(() => b.close());
  return b;
}

async function client(b: Bridge, output: Output, headers: Record<string, string> = {}, name = 'c'): Promise<Client> {
  const c = await connectClient(await clientTransport(output, urlOf(b, output), headers), name);
  cleanups.push(() => c.close());
  return c;
}

const echo = async (c: Client, message: string) => echoText(await c.callTool({ name: 'echo', arguments: { message } }));

describe('bridge session lifecycle', () => {
  it.each<Output>(['streamableHttp', 'sse'])('%s: --sessionTimeout closes an idle session with its stream open, reaps its child, and a reconnect works', async (output) => {
    const b = await started(['--outputTransport', output, '--sessionTimeout', '1500']);
    const c = await client(b, output);
    expect(await echo(c, 'before')).toBe('Echo: before');
    const [pid] = b.sessions.pids();
    expect(pid).toBeDefined();
    await waitFor(() => !isAlive(pid!), 'the idle session and its child to go');
    // A legacy SSE client re-opens its stream by itself (a new session); Streamable HTTP gets 404.
    if (output === 'streamableHttp') await expect(c.callTool({ name: 'echo', arguments: { message: 'late' } })).rejects.toThrow(/not found/i);
    else await c.close();
    const again = await client(b, output);
    expect(await echo(again, 'after')).toBe('Echo: after');
  });

  it('sse: a request the client cancelled does not keep its session from timing out', async () => {
    const b = await started(['--outputTransport', 'sse', '--sessionTimeout', '1500']);
    const c = await client(b, 'sse');
    expect(await echo(c, 'up')).toBe('Echo: up');
    const [pid] = b.sessions.pids();
    expect(isAlive(pid!)).toBe(true);
    const controller = new AbortController();
    const call = c.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 60, steps: 60 } }, { signal: controller.signal }).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 300));
    controller.abort('changed my mind'); // a cancelled request never gets a response
    expect(await call).toBeInstanceOf(Error);
    await waitFor(() => !isAlive(pid!), 'the idle session and its child to go');
  });

  it('DELETE ends a Streamable HTTP session and reaps its child', async () => {
    const b = await started(['--outputTransport', 'streamableHttp']);
    const c = await client(b, 'streamableHttp');
    await echo(c, 'x');
    const [pid] = b.sessions.pids();
    await (c.transport as StreamableHTTPClientTransport).terminateSession();
    await waitFor(() => b.sessions.routerCount() === 0 && !isAlive(pid!), 'the child to be reaped');
  });

  it('caps concurrent client sessions (each owns a child) and frees a slot when one ends', async () => {
    const b = await started(['--outputTransport', 'streamableHttp', '--maxSessions', '1']);
    const first = await client(b, 'streamableHttp', {}, 'first');
    expect(await echo(first, 'one')).toBe('Echo: one');
    const refused = await connectClient(await clientTransport('streamableHttp', urlOf(b, 'streamableHttp')), 'second').then(
      () => ({ status: 0, message: 'connected' }),
      (err: Error & { data?: { status?: number } }) => ({ status: err.data?.status, message: err.message }),
    );
    expect(refused.status).toBe(503);
    expect(refused.message).toContain('this bridge already serves 1 client sessions, each with its own child process; close one, raise --maxSessions, or use --shared');
    expect(b.sessions.routerCount()).toBe(1);
    await (first.transport as StreamableHTTPClientTransport).terminateSession();
    await waitFor(() => b.sessions.routerCount() === 0, 'the first session to end');
    expect(await echo(await client(b, 'streamableHttp', {}, 'third'), 'three')).toBe('Echo: three');
  });

  it('ws: a client over the session cap is closed with 1013 (try again later) and the reason', async () => {
    const b = await started(['--outputTransport', 'ws', '--maxSessions', '1']);
    expect(await echo(await client(b, 'ws', {}, 'first'), 'one')).toBe('Echo: one');
    const ws = new WebSocket(urlOf(b, 'ws'), 'mcp');
    cleanups.push(async () => ws.terminate());
    const [code, reason] = await new Promise<[number, string]>((resolve) => ws.once('close', (c, r) => resolve([c, r.toString()])));
    expect(code).toBe(1013);
    // A close reason holds 123 bytes: the refusal's message, cut to fit.
    const message = 'this bridge already serves 1 client sessions, each with its own child process; close one, raise --maxSessions, or use --shared';
    expect(reason).toBe(message.slice(0, 123));
  });

  it('restarts a crashed child and keeps serving the same session', async () => {
    const b = await started(['--outputTransport', 'streamableHttp']);
    const c = await client(b, 'streamableHttp');
    await echo(c, 'x');
    const [pid] = b.sessions.pids();
    // The child is `sh -c CMD` in its own process group, as supergateway runs it: crash all of it.
    process.kill(-pid!, 'SIGKILL');
    await waitFor(async () => (await echo(c, 'back').catch(() => '')) === 'Echo: back', 'the session to work again');
    expect(b.sessions.pids()).toHaveLength(1);
    expect(b.sessions.pids()[0]).not.toBe(pid);
    expect(await echo(await client(b, 'streamableHttp'), 'new')).toBe('Echo: new');
  });
});

describe('bridge guards', () => {
  it.each<Output>(['streamableHttp', 'sse', 'ws'])('%s: refuses a missing or wrong token and accepts the right one', async (output) => {
    const b = await started(['--outputTransport', output, '--auth-token', 's3cret']);
    await expect(client(b, output)).rejects.toThrow();
    await expect(client(b, output, { Authorization: 'Bearer nope' })).rejects.toThrow();
    expect(await echo(await client(b, output, { Authorization: 'Bearer s3cret' }), 'ok')).toBe('Echo: ok');
  });

  it('refuses a foreign Origin on HTTP and on the WebSocket upgrade', async () => {
    const http = await started(['--outputTransport', 'streamableHttp']);
    const res = await fetch(urlOf(http, 'streamableHttp'), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', origin: 'http://evil.example' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'x', version: '1' } } }),
    });
    expect(res.status).toBe(403);
    const ws = await started(['--outputTransport', 'ws']);
    await expect(clientTransport('ws', urlOf(ws, 'ws'), { Origin: 'http://evil.example' })).rejects.toMatchObject({ status: 403 });
    expect(http.sessions.routerCount() + ws.sessions.routerCount()).toBe(0);
  });

  it('refuses a non-loopback bind without a token unless told to', () => {
    const listen = { ...defaultListenConfig(), host: '0.0.0.0' };
    expect(() => assertSafeBind(listen)).toThrow(/refusing to serve on 0.0.0.0/);
    expect(() => assertSafeBind({ ...listen, authToken: 't' })).not.toThrow();
    expect(() => assertSafeBind({ ...listen, allowUnauthenticated: true })).not.toThrow();
  });
});
