/**
 * deploy/nginx/mcp-locations.conf in a real nginx in front of three loopback upstreams that record
 * what reaches them: plain round-robin, MCP headers through unchanged in both directions, events
 * streamed as they are written, a dead replica skipped, and a POST never run twice.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse, type IncomingMessage } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startNginx, type RunningNginx } from '../helpers/nginx.js';

interface Seen {
  upstream: number;
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  socket: string;
}

type Handler = (req: IncomingMessage, res: ServerResponse, upstream: number) => void;

const seen: Seen[] = [];
let handler: Handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
const upstreams: Server[] = [];
let ports: number[] = [];
let nginx: RunningNginx;

function upstream(index: number): Server {
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({ upstream: index, method: req.method ?? '', url: req.url ?? '', headers: req.headers, socket: `${index}:${req.socket.remotePort}` });
      handler(req, res, index);
    });
  });
}

async function post(path = '/mcp', headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${nginx.url}${path}`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{"jsonrpc":"2.0","id":1,"method":"ping"}' });
}

beforeAll(async () => {
  ports = [await freePort(), await freePort(), await freePort()];
  for (const [i, port] of ports.entries()) {
    const server = upstream(i);
    upstreams.push(server);
    await new Promise<void>((ok) => server.listen(port, '127.0.0.1', ok));
  }
  nginx = await startNginx({ upstreamPorts: ports, failTimeoutS: 1 });
});

afterAll(async () => {
  await nginx?.close();
  for (const server of upstreams) {
    if (!server.listening) continue;
    server.closeAllConnections();
    await new Promise<void>((ok) => server.close(() => ok()));
  }
});

describe('nginx with deploy/nginx/mcp-locations.conf', () => {
  it('balances round-robin over every replica, with no stickiness, on kept-alive connections', async () => {
    seen.length = 0;
    for (let i = 0; i < 9; i++) expect((await post('/mcp', { 'Mcp-Session-Id': 'same-session' })).status).toBe(200);
    const perUpstream = [0, 1, 2].map((u) => seen.filter((s) => s.upstream === u).length);
    expect(perUpstream).toEqual([3, 3, 3]);
    // HTTP/1.1 keepalive to the upstreams: far fewer connections than requests.
    expect(new Set(seen.map((s) => s.socket)).size).toBeLessThanOrEqual(3);
  });

  it('skips a replica that went down: every POST is answered by the others', async () => {
    // The replica's process is gone: its port refuses, and its kept-alive connections are closed.
    const down = upstreams[1] as Server;
    down.closeAllConnections();
    await new Promise<void>((ok) => down.close(() => ok()));
    seen.length = 0;
    const statuses = [];
    for (let i = 0; i < 6; i++) statuses.push((await post()).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 200]);
    expect(new Set(seen.map((s) => s.upstream))).toEqual(new Set([0, 2]));
    expect(seen).toHaveLength(6);
  });

  it('passes Authorization and the MCP headers through unchanged, and Mcp-Session-Id back', async () => {
    seen.length = 0;
    handler = (_req, res) => res.writeHead(200, { 'Content-Type': 'application/json', 'Mcp-Session-Id': 'sess-from-upstream' }).end('{}');
    const sent = {
      Authorization: 'Bearer t0ken-value',
      'Mcp-Session-Id': 'sess-123',
      'Mcp-Protocol-Version': '2025-11-25',
      'Last-Event-ID': 'evt-42',
      Accept: 'application/json, text/event-stream',
    };
    const res = await post('/w/notes/mcp', sent);
    expect(res.headers.get('mcp-session-id')).toBe('sess-from-upstream');
    const got = seen[0];
    expect(got?.url).toBe('/w/notes/mcp');
    expect(got?.headers).toMatchObject({
      authorization: sent.Authorization,
      'mcp-session-id': sent['Mcp-Session-Id'],
      'mcp-protocol-version': sent['Mcp-Protocol-Version'],
      'last-event-id': sent['Last-Event-ID'],
      accept: sent.Accept,
      host: `127.0.0.1:${nginx.port}`,
    });
    expect(got?.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('delivers each server-sent event as it is written, while the stream stays open', async () => {
    let release!: () => void;
    const released = new Promise<void>((ok) => (release = ok));
    handler = (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache' });
      res.write('id: 1\ndata: {"first":true}\n\n');
      // The second event and the end wait for the client to have seen the first: a buffering proxy
      // would hold the first back and this would time out.
      void released.then(() => res.end('id: 2\ndata: {"second":true}\n\n'));
    };
    const res = await fetch(`${nginx.url}/mcp`, { headers: { Accept: 'text/event-stream' } });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    let text = '';
    const firstEvent = async () => {
      while (!text.includes('\n\n')) {
        const { value, done } = await reader.read();
        if (done) break;
        text += decoder.decode(value, { stream: true });
      }
    };
    let timer: NodeJS.Timeout | undefined;
    const heldBack = new Promise<never>((_ok, fail) => {
      timer = setTimeout(() => fail(new Error('the first event did not arrive within 5 s: the proxy holds events back (buffering or compression)')), 5000);
    });
    await Promise.race([firstEvent(), heldBack]).finally(() => clearTimeout(timer));
    expect(text).toBe('id: 1\ndata: {"first":true}\n\n');
    release();
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      text += decoder.decode(value, { stream: true });
    }
    expect(text).toBe('id: 1\ndata: {"first":true}\n\nid: 2\ndata: {"second":true}\n\n');
  });

  it('never sends a POST to a second replica once one has received it', async () => {
    seen.length = 0;
    // The replica dies holding the request (SIGKILL mid-call): its connection just drops.
    handler = (req) => req.socket.destroy();
    const res = await post();
    expect(res.status).toBe(502);
    expect(seen).toHaveLength(1);
    handler = (_req, res2) => res2.writeHead(200).end('{}');
  });
});
