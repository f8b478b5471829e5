/**
 * The legacy SSE and WebSocket fronts toward a client that stops reading: past the buffer limit,
 * logs and progress are dropped and counted, while responses and requests still arrive, in order,
 * once the client reads again. Real loopback sockets; the client pauses its socket, so what piles
 * up is the router's own buffer once the kernel's is full.
 */
import { createServer, get, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { SseServerTransport } from '../../src/transports/sse-server.js';
import { WebSocketTransport } from '../../src/transports/ws-transport.js';
import { silentLogger } from '../../src/log.js';

/** 20,000 logs of ~500 bytes: about 10 MB, far past any loopback socket buffer. */
const LOGS = 20_000;
const LIMIT = 64 * 1024;
const log = (i: number) => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: `${i} ${'x'.repeat(480)}` } }) as JSONRPCMessage;
const progress = { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 'p', progress: 1 } } as JSONRPCMessage;
const response = { jsonrpc: '2.0', id: 7, result: { content: [] } } as unknown as JSONRPCMessage;
const request = { jsonrpc: '2.0', id: 8, method: 'roots/list' } as JSONRPCMessage;

/** A logger that records the warnings CongestionDrops writes. */
function recordingLog() {
  const warnings: Array<Record<string, unknown>> = [];
  const base = silentLogger();
  const logger = Object.assign(Object.create(base) as typeof base, {
    warn: (obj: Record<string, unknown>) => {
      warnings.push(obj);
    },
  });
  return { logger, warnings };
}

function sendAll(transport: { send(m: JSONRPCMessage): Promise<void> }): void {
  for (let i = 0; i < LOGS; i++) void transport.send(log(i));
  void transport.send(progress);
  void transport.send(response);
  void transport.send(request);
}

function expectDroppedButAnswered(messages: Array<{ id?: number; method?: string; params?: { data?: string } }>, warnings: Array<Record<string, unknown>>): void {
  const logs = messages.filter((m) => m.method === 'notifications/message');
  expect(logs.length).toBeGreaterThan(0);
  expect(logs.length).toBeLessThan(LOGS);
  // What got through is in order: drops cut the tail of the burst, they never reorder it.
  const seen = logs.map((m) => Number(m.params!.data!.split(' ')[0]));
  expect(seen).toEqual([...seen].sort((a, b) => a - b));
  expect(messages.slice(-2)).toEqual([response, request]);
  expect(warnings[0]).toMatchObject({ bufferedBytes: expect.any(Number) });
  expect(warnings[0]!.bufferedBytes as number).toBeGreaterThan(LIMIT);
}

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

describe('backpressure on the legacy SSE and WebSocket fronts', () => {
  it('SSE: drops logs and progress for a client that stopped reading, never responses or requests', async () => {
    const { logger, warnings } = recordingLog();
    let transport: SseServerTransport | undefined;
    const paused = deferred<IncomingMessage>();
    const started = new Promise<SseServerTransport>((resolve) => {
      const http: Server = createServer((_req, res) => {
        transport = new SseServerTransport('/message', res, { log: logger, maxBufferedBytes: LIMIT });
        void transport.start().then(() => resolve(transport!));
      });
      http.listen(0, '127.0.0.1', () => {
        const { port } = http.address() as AddressInfo;
        get(`http://127.0.0.1:${port}/sse`, (res: IncomingMessage) => {
          res.pause();
          paused.resolve(res);
        });
      });
      cleanups.push(() => new Promise<void>((r) => http.close(() => r())), () => http.closeAllConnections());
    });
    const server = await started;
    const client = await paused.promise;
    sendAll(server);
    const messages = await new Promise<Array<{ id?: number; method?: string }>>((resolve) => {
      let text = '';
      client.setEncoding('utf8');
      client.on('data', (chunk: string) => {
        text += chunk;
        if (!text.includes('"id":8')) return;
        const events = text.split('\n\n').filter((e) => e.startsWith('event: message\n'));
        resolve(events.map((e) => JSON.parse(e.slice('event: message\ndata: '.length))));
      });
      client.resume();
    });
    expectDroppedButAnswered(messages, warnings);
    await transport!.close();
  });

  it('WebSocket: drops logs and progress for a client that stopped reading, never responses or requests', async () => {
    const { logger, warnings } = recordingLog();
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    cleanups.push(() => new Promise<void>((r) => wss.close(() => r())));
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    cleanups.push(() => client.terminate());
    await new Promise<void>((r) => client.once('open', () => r()));
    client.pause();
    const server = new WebSocketTransport(await accepted, Infinity, { log: logger, maxBufferedBytes: LIMIT });
    await server.start();
    const messages: Array<{ id?: number; method?: string }> = [];
    const done = new Promise<void>((resolve) => {
      client.on('message', (data) => {
        const m = JSON.parse(String(data)) as { id?: number };
        messages.push(m);
        if (m.id === 8) resolve();
      });
    });
    sendAll(server);
    client.resume();
    await done;
    expectDroppedButAnswered(messages, warnings);
    await server.close();
  });
});

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
