/**
 * stdio input (the official server-everything) on every network output, driven by SDK clients over
 * real sockets: list, call, progress, a server->client request, and two concurrent clients with
 * equal request ids that must each get exactly their own messages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { Client } from '@modelcontextprotocol/client';
import type { Bridge } from '../../src/bridge/bridge.js';
import { bridge, clientTransport, connectClient, echoText, EVERYTHING_CMD, urlOf, type Output } from './bridge-helpers.js';

async function exerciseOne(client: Client): Promise<void> {
  const { tools } = await client.listTools();
  expect(tools.map((t) => t.name)).toEqual(expect.arrayContaining(['echo', 'trigger-long-running-operation', 'trigger-sampling-request']));
  expect(echoText(await client.callTool({ name: 'echo', arguments: { message: 'hi' } }))).toBe('Echo: hi');
  const progress: number[] = [];
  await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } }, { onprogress: (p) => progress.push(p.progress) });
  expect(progress).toEqual([1, 2]);
  const sampled = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'q', maxTokens: 5 } });
  expect(JSON.stringify(sampled.content)).toContain('sampled by');
}

/** Both clients start at request id 0, so every concurrent pair of calls carries equal ids. */
async function exerciseTwo(a: Client, b: Client): Promise<void> {
  const calls = (client: Client, tag: string) =>
    Array.from({ length: 16 }, (_, i) => client.callTool({ name: 'echo', arguments: { message: `${tag}-${i}` } }).then(echoText));
  const [fromA, fromB] = await Promise.all([Promise.all(calls(a, 'a')), Promise.all(calls(b, 'b'))]);
  expect(fromA).toEqual(Array.from({ length: 16 }, (_, i) => `Echo: a-${i}`));
  expect(fromB).toEqual(Array.from({ length: 16 }, (_, i) => `Echo: b-${i}`));
  const [sa, sb] = await Promise.all([
    a.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'q', maxTokens: 5 } }),
    b.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'q', maxTokens: 5 } }),
  ]);
  expect(JSON.stringify(sa.content)).toContain('sampled by A');
  expect(JSON.stringify(sb.content)).toContain('sampled by B');
}

describe.each<Output>(['streamableHttp', 'sse', 'ws'])('bridge --stdio -> %s', (output) => {
  let b: Bridge;
  const clients: Client[] = [];
  beforeAll(async () => {
    b = await bridge(['--stdio', EVERYTHING_CMD, '--outputTransport', output]);
  });
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await b.close();
  });
  const connect = async (name: string) => {
    const client = await connectClient(await clientTransport(output, urlOf(b, output)), name);
    clients.push(client);
    return client;
  };

  it('serves list, call, progress and sampling', async () => {
    await exerciseOne(await connect('one'));
  });

  it('keeps two concurrent clients apart, each on its own child', async () => {
    const [a, c] = await Promise.all([connect('A'), connect('B')]);
    await exerciseTwo(a, c);
    expect(new Set(b.sessions.pids()).size).toBe(b.sessions.routerCount());
  });
});

describe('bridge --shared', () => {
  let b: Bridge;
  beforeAll(async () => {
    b = await bridge(['--stdio', EVERYTHING_CMD, '--outputTransport', 'ws', '--shared']);
  });
  afterAll(() => b.close());

  it('gives two clients one child and keeps their equal ids apart', async () => {
    const [a, c] = await Promise.all([connectClient(await clientTransport('ws', urlOf(b, 'ws')), 'A'), connectClient(await clientTransport('ws', urlOf(b, 'ws')), 'B')]);
    try {
      const calls = (client: Client, tag: string) => Promise.all(Array.from({ length: 16 }, (_, i) => client.callTool({ name: 'echo', arguments: { message: `${tag}${i}` } }).then(echoText)));
      const [fromA, fromB] = await Promise.all([calls(a, 'a'), calls(c, 'b')]);
      expect(fromA.every((t, i) => t === `Echo: a${i}`)).toBe(true);
      expect(fromB.every((t, i) => t === `Echo: b${i}`)).toBe(true);
      expect(b.sessions.pids()).toHaveLength(1);
    } finally {
      await Promise.all([a.close(), c.close()]);
    }
  });

  it('returns string and numeric ids exactly as each client sent them', async () => {
    const url = urlOf(b, 'ws');
    const raw = async (ids: Array<string | number>) => {
      const ws = new WebSocket(url, ['mcp']);
      const got: unknown[] = [];
      ws.on('message', (d) => got.push(JSON.parse(String(d))));
      await new Promise((r) => ws.once('open', r));
      const send = (m: object) => ws.send(JSON.stringify({ jsonrpc: '2.0', ...m }));
      send({ id: ids[0], method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
      send({ method: 'notifications/initialized' });
      for (const id of ids.slice(1)) send({ id, method: 'tools/call', params: { name: 'echo', arguments: { message: `${typeof id}:${id}` } } });
      return { ws, got };
    };
    const [x, y] = await Promise.all([raw(['same', 'same-call', 7]), raw(['same', 'same-call', 7])]);
    const responses = (r: { got: unknown[] }) => r.got.filter((m) => (m as { id?: unknown }).id !== undefined) as Array<{ id: unknown; result?: { content?: Array<{ text: string }> } }>;
    await new Promise<void>((resolve, reject) => {
      const deadline = setTimeout(() => reject(new Error('no responses')), 10_000);
      const check = setInterval(() => {
        if (responses(x).length >= 3 && responses(y).length >= 3) {
          clearInterval(check);
          clearTimeout(deadline);
          resolve();
        }
      }, 20);
    });
    for (const r of [x, y]) {
      const byId = responses(r);
      expect(byId.map((m) => m.id).sort()).toEqual([7, 'same', 'same-call'].sort());
      expect(byId.find((m) => m.id === 7)!.result!.content![0]!.text).toBe('Echo: number:7');
      expect(byId.find((m) => m.id === 'same-call')!.result!.content![0]!.text).toBe('Echo: string:same-call');
      expect(byId).toHaveLength(3);
      r.ws.close();
    }
  });
});
