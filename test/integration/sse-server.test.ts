import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Client, SSEClientTransport } from '@modelcontextprotocol/client';
import { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import { SseServerTransport, endpointWithSessionId } from '../../src/transports/sse-server.js';

interface Harness {
  base: string;
  sessions: Map<string, SseServerTransport>;
  /** Resolves with the session id each time a server-side transport fires onclose. */
  closed: string[];
  onClosed: (fn: (id: string) => void) => void;
  close(): Promise<void>;
}

/** A routing server like a real front: GET /sse opens a session, POST /message?sessionId= feeds it. */
async function startHarness(opts: { maxBodyBytes?: number; keepAliveMs?: number } = {}): Promise<Harness> {
  const sessions = new Map<string, SseServerTransport>();
  const closed: string[] = [];
  const listeners: Array<(id: string) => void> = [];
  const http: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (req.method === 'GET' && url.pathname === '/sse') {
      const transport = new SseServerTransport('/message', res, opts);
      const id = transport.sessionId;
      sessions.set(id, transport);
      transport.onclose = () => {
        sessions.delete(id);
        closed.push(id);
        for (const fn of listeners) fn(id);
      };
      const server = new McpServer({ name: 'sse-test', version: '1.0.0' });
      server.registerTool('whoami', { description: 'session id of this connection' }, (ctx) => ({
        content: [{ type: 'text', text: ctx.sessionId ?? 'none' }],
      }));
      server.registerTool('upper', { inputSchema: z.object({ text: z.string() }) }, ({ text }) => ({
        content: [{ type: 'text', text: text.toUpperCase() }],
      }));
      void server.connect(transport);
      return;
    }
    if (req.method === 'POST' && url.pathname === '/message') {
      const transport = sessions.get(url.searchParams.get('sessionId') ?? '');
      if (!transport) {
        res.writeHead(404).end('Unknown session');
        return;
      }
      void transport.handlePostMessage(req, res);
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const { port } = http.address() as AddressInfo;
  return {
    base: `http://127.0.0.1:${port}`,
    sessions,
    closed,
    onClosed: (fn) => listeners.push(fn),
    close: () => new Promise((resolve) => {
      http.closeAllConnections();
      http.close(() => resolve());
    }),
  };
}

async function connectClient(base: string): Promise<Client> {
  const client = new Client({ name: 'sse-test-client', version: '1.0.0' });
  await client.connect(new SSEClientTransport(new URL(`${base}/sse`)));
  return client;
}

/** Opens the event stream by hand and returns the endpoint the server announced. */
async function openRawStream(base: string, signal: AbortSignal): Promise<{ endpoint: string; contentType: string | null; read: () => Promise<string> }> {
  const res = await fetch(`${base}/sse`, { signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const read = async (): Promise<string> => {
    const { value } = await reader.read();
    buffered += decoder.decode(value);
    return buffered;
  };
  while (!/event: endpoint\ndata: (\S+)\n\n/.test(buffered)) await read();
  const endpoint = /event: endpoint\ndata: (\S+)\n\n/.exec(buffered)![1]!;
  return { endpoint, contentType: res.headers.get('content-type'), read };
}

describe('endpointWithSessionId', () => {
  it('adds sessionId to a bare, a query-carrying, an absolute and a fragment-carrying endpoint', () => {
    expect(endpointWithSessionId('/message', 'abc')).toBe('/message?sessionId=abc');
    expect(endpointWithSessionId('/message?tenant=a%20b', 'abc')).toBe('/message?tenant=a+b&sessionId=abc');
    expect(endpointWithSessionId('message', 'abc')).toBe('message?sessionId=abc');
    expect(endpointWithSessionId('http://h:1/m?x=1#top', 'abc')).toBe('http://h:1/m?x=1&sessionId=abc#top');
    expect(endpointWithSessionId('/m?sessionId=old', 'new')).toBe('/m?sessionId=new');
  });
});

describe('SseServerTransport over loopback HTTP', () => {
  let harness: Harness;
  beforeEach(async () => {
    harness = await startHarness({ maxBodyBytes: 2048, keepAliveMs: 50 });
  });
  afterEach(async () => {
    await harness.close();
  });

  it('announces the endpoint as the first event, with SSE headers', async () => {
    const abort = new AbortController();
    const { endpoint, contentType } = await openRawStream(harness.base, abort.signal);
    expect(contentType).toBe('text/event-stream');
    expect(endpoint).toMatch(/^\/message\?sessionId=[0-9a-f-]{36}$/);
    abort.abort();
  });

  it('sends keep-alive comments on an idle stream', async () => {
    const abort = new AbortController();
    const { read } = await openRawStream(harness.base, abort.signal);
    let seen = '';
    while (!seen.includes(': keep-alive\n\n')) seen = await read();
    abort.abort();
  });

  it('lists and calls tools through the SDK SSE client', async () => {
    const client = await connectClient(harness.base);
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(['upper', 'whoami']);
    const result = await client.callTool({ name: 'upper', arguments: { text: 'abc' } });
    expect(result.content).toEqual([{ type: 'text', text: 'ABC' }]);
    await client.close();
  });

  it('keeps two concurrent clients apart: each sees only its own responses', async () => {
    const [a, b] = await Promise.all([connectClient(harness.base), connectClient(harness.base)]);
    const ask = async (client: Client): Promise<string[]> => {
      const results = await Promise.all(Array.from({ length: 10 }, () => client.callTool({ name: 'whoami' })));
      return results.map((r) => (r.content as Array<{ text: string }>)[0]!.text);
    };
    const [fromA, fromB] = await Promise.all([ask(a), ask(b)]);
    expect(new Set(fromA).size).toBe(1);
    expect(new Set(fromB).size).toBe(1);
    expect(fromA[0]).not.toBe(fromB[0]);
    expect([...harness.sessions.keys()].sort()).toEqual([fromA[0], fromB[0]].sort());
    await Promise.all([a.close(), b.close()]);
  });

  it('rejects malformed, non-JSON-RPC, oversized and non-JSON posts', async () => {
    const abort = new AbortController();
    const { endpoint } = await openRawStream(harness.base, abort.signal);
    const post = (body: string, contentType = 'application/json'): Promise<Response> =>
      fetch(`${harness.base}${endpoint}`, { method: 'POST', headers: { 'content-type': contentType }, body });

    // Every refusal is a JSON-RPC error body (never text/plain), with the catalog's code as data.reason.
    const refusal = async (res: Response) => ({
      status: res.status,
      type: res.headers.get('content-type'),
      body: (await res.json()) as { jsonrpc: string; id: unknown; error: { code: number; message: string; data: { reason: string } } },
    });

    const malformed = await refusal(await post('{"jsonrpc":'));
    expect([malformed.status, malformed.type]).toEqual([400, 'application/json']);
    expect(malformed.body).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700, data: { reason: 'SB_PARSE_ERROR' } } });

    const notRpc = await refusal(await post('{"hello":"world"}'));
    expect([notRpc.status, notRpc.body.error.code, notRpc.body.error.data.reason]).toEqual([400, -32600, 'SB_INVALID_REQUEST']);

    const batch = await refusal(await post('[{"jsonrpc":"2.0","method":"ping","id":1}]'));
    expect([batch.status, batch.body.error.code, batch.body.error.data.reason]).toEqual([400, -32600, 'SB_INVALID_REQUEST']);

    const tooBig = await refusal(await post(JSON.stringify({ jsonrpc: '2.0', method: 'x', params: { pad: 'x'.repeat(4096) } })));
    expect([tooBig.status, tooBig.type]).toEqual([413, 'application/json']);
    expect(tooBig.body.error).toEqual({
      code: -32600,
      message: 'Request body exceeds the limit of 2048 bytes (listen.maxBodyBytes)',
      data: { reason: 'SB_BODY_TOO_LARGE', limit: 2048 },
    });

    const wrongType = await refusal(await post('{}', 'text/plain'));
    expect([wrongType.status, wrongType.type]).toEqual([415, 'application/json']);
    expect(wrongType.body.error).toMatchObject({ code: -32064, data: { reason: 'SB_UNSUPPORTED_MEDIA_TYPE' } });
    abort.abort();
  });

  it('answers a POST to a transport whose stream is gone with a JSON 404, not text', async () => {
    // Never started: the state of a transport whose client hung up before the POST arrived.
    const gone = new SseServerTransport('/message', undefined as never);
    const poster = createServer((req, res) => void gone.handlePostMessage(req, res));
    await new Promise<void>((resolve) => poster.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = poster.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/message`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"jsonrpc":"2.0","method":"ping","id":1}' });
      expect([res.status, res.headers.get('content-type')]).toEqual([404, 'application/json']);
      expect(((await res.json()) as { error: unknown }).error).toMatchObject({ code: -32003, data: { reason: 'SB_UNKNOWN_SESSION' } });
    } finally {
      await new Promise<void>((resolve) => poster.close(() => resolve()));
    }
  });

  it('answers 404 for an unknown session (the routing server does that)', async () => {
    const res = await fetch(`${harness.base}/message?sessionId=nope`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"jsonrpc":"2.0","method":"ping","id":1}',
    });
    expect(res.status).toBe(404);
  });

  it('fires onclose on the server side when the client closes', async () => {
    const client = await connectClient(harness.base);
    const [id] = [...harness.sessions.keys()];
    const closedNow = new Promise<string>((resolve) => harness.onClosed(resolve));
    await client.close();
    expect(await closedNow).toBe(id);
    expect(harness.sessions.size).toBe(0);
  });

  it('ends the stream when the server closes the transport, and onclose fires once', async () => {
    // A raw reader, not the SDK client: its EventSource would treat the end of the stream as a
    // reason to reconnect (opening a new session) rather than as a close.
    const abort = new AbortController();
    const res = await fetch(`${harness.base}/sse`, { signal: abort.signal });
    const reader = res.body!.getReader();
    await reader.read(); // the endpoint event: the session exists now
    const [transport] = [...harness.sessions.values()];
    await transport!.close();
    await transport!.close();
    let done = false;
    while (!done) done = (await reader.read()).done;
    expect(harness.closed).toHaveLength(1);
    await expect(transport!.send({ jsonrpc: '2.0', method: 'notifications/message' })).rejects.toThrow(/not connected/);
  });
});
