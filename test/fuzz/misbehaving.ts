/**
 * Clients that misbehave at the transport level, one per front: a slow reader (does not read its
 * answer for a while: a paused HTTP response, SSE stream, WebSocket or stdout pipe) and a client that
 * vanishes mid-call (socket destroyed, stream cut, WebSocket terminated). The slow reader still gets
 * exactly its answer once it reads again; meanwhile, and after a vanished client, the router keeps
 * serving the second, well-behaved connection.
 */
import { request, type ClientRequest, type IncomingMessage } from 'node:http';
import { WebSocket } from 'ws';
import { PROTOCOL_VERSION } from '../contract/conn.js';
import { eventStreamParser } from '../contract/http-exchange.js';
import type { Message } from '../contract/inbox.js';
import { JSON_HEADERS } from '../helpers/http-raw.js';
import { delay, expectServing, type Served } from './harness.js';

const INIT = { jsonrpc: '2.0', id: 'init', method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'misbehaving', version: '1' } } };
const INITIALIZED = { jsonrpc: '2.0', method: 'notifications/initialized' };
export const echo = (id: string, text: string) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fx__echo', arguments: { text } } });
export const sleep = (id: string, ms: number) => ({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fx__sleep', arguments: { ms } } });

function post(url: string, headers: Record<string, string>, body: object): { req: ClientRequest; res: Promise<IncomingMessage> } {
  const req = request(url, { method: 'POST', headers });
  const res = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  res.catch(() => undefined);
  req.end(JSON.stringify(body));
  return { req, res };
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

async function httpSession(url: string): Promise<Record<string, string>> {
  const init = await post(url, JSON_HEADERS, INIT).res;
  await readAll(init);
  const headers = { ...JSON_HEADERS, 'mcp-session-id': String(init.headers['mcp-session-id']), 'mcp-protocol-version': PROTOCOL_VERSION };
  await readAll(await post(url, headers, INITIALIZED).res);
  return headers;
}

/** Streamable HTTP: the POST's answer is not read for pauseMs; then exactly the echo comes back. */
export async function httpSlowReader(served: Served, id: string, text: string, pauseMs: number): Promise<Message> {
  const url = served.urls.find((u) => u.endsWith('/mcp'))!;
  const res = await post(url, await httpSession(url), echo(id, text)).res;
  res.pause();
  await expectServing(served.healthy, `while ${id} is not read`);
  await delay(pauseMs);
  res.resume();
  return JSON.parse(await readAll(res)) as Message;
}

/** Streamable HTTP: the socket is destroyed `afterMs` into a call. */
export async function httpVanish(served: Served, id: string, sleepMs: number, afterMs: number): Promise<void> {
  const url = served.urls.find((u) => u.endsWith('/mcp'))!;
  const { req } = post(url, await httpSession(url), sleep(id, sleepMs));
  await delay(afterMs);
  req.destroy();
}

interface SseClient {
  res: IncomingMessage;
  messages: Message[];
  post(body: object): Promise<number>;
  close(): void;
}

async function sseClient(served: Served): Promise<SseClient> {
  const sseUrl = served.urls.find((u) => u.endsWith('/sse'))!;
  const messages: Message[] = [];
  const req = request(sseUrl, { method: 'GET', headers: { accept: 'text/event-stream' } });
  const { res, endpoint } = await new Promise<{ res: IncomingMessage; endpoint: string }>((resolve, reject) => {
    req.on('response', (r) => {
      r.setEncoding('utf8');
      r.on('data', eventStreamParser((event, data) => {
        if (event === 'endpoint') resolve({ res: r, endpoint: new URL(data, sseUrl).href });
        else if (event === 'message') messages.push(JSON.parse(data) as Message);
      }));
      r.on('error', () => undefined);
    });
    req.on('error', reject);
    req.end();
  });
  const client: SseClient = {
    res,
    messages,
    post: async (body) => {
      const answer = await post(endpoint, { 'content-type': 'application/json' }, body).res;
      await readAll(answer);
      return answer.statusCode ?? 0;
    },
    close: () => req.destroy(),
  };
  await client.post(INIT);
  await waitFor(() => messages.find((m) => m.id === 'init'), 'initialize answer on the SSE stream');
  await client.post(INITIALIZED);
  return client;
}

async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${timeoutMs} ms`);
    await delay(10);
  }
}

/** Legacy SSE: the stream is not read for pauseMs while the echo's answer is written to it. */
export async function sseSlowReader(served: Served, id: string, text: string, pauseMs: number): Promise<Message[]> {
  const client = await sseClient(served);
  try {
    client.res.pause();
    await client.post(echo(id, text));
    await expectServing(served.healthy, `while ${id} is not read`);
    await delay(pauseMs);
    client.res.resume();
    await waitFor(() => client.messages.find((m) => m.id === id), `answer to ${id}`);
    await delay(50);
    return client.messages.filter((m) => m.id === id);
  } finally {
    client.close();
  }
}

/** Legacy SSE: the stream is cut `afterMs` into a call. */
export async function sseVanish(served: Served, id: string, sleepMs: number, afterMs: number): Promise<void> {
  const client = await sseClient(served);
  await client.post(sleep(id, sleepMs));
  await delay(afterMs);
  client.close();
}

async function wsClient(served: Served): Promise<{ ws: WebSocket; messages: Message[] }> {
  const ws = new WebSocket(served.urls.find((u) => u.startsWith('ws://'))!, ['mcp']);
  const messages: Message[] = [];
  ws.on('message', (data) => messages.push(JSON.parse(String(data)) as Message));
  ws.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  ws.send(JSON.stringify(INIT));
  await waitFor(() => messages.find((m) => m.id === 'init'), 'initialize answer on the WebSocket');
  ws.send(JSON.stringify(INITIALIZED));
  return { ws, messages };
}

/** WebSocket: the socket is paused for pauseMs while the echo's answer is sent. */
export async function wsSlowReader(served: Served, id: string, text: string, pauseMs: number): Promise<Message[]> {
  const { ws, messages } = await wsClient(served);
  try {
    ws.pause();
    ws.send(JSON.stringify(echo(id, text)));
    await expectServing(served.healthy, `while ${id} is not read`);
    await delay(pauseMs);
    ws.resume();
    await waitFor(() => messages.find((m) => m.id === id), `answer to ${id}`);
    await delay(50);
    return messages.filter((m) => m.id === id);
  } finally {
    ws.terminate();
  }
}

/** WebSocket: terminated `afterMs` into a call. */
export async function wsVanish(served: Served, id: string, sleepMs: number, afterMs: number): Promise<void> {
  const { ws } = await wsClient(served);
  ws.send(JSON.stringify(sleep(id, sleepMs)));
  await delay(afterMs);
  ws.terminate();
}
