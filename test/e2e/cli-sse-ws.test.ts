/**
 * `serve --transport sse` and `--transport ws` through the built CLI: old HTTP+SSE clients and
 * WebSocket clients reach the same catalog as Streamable HTTP clients, on the same port.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { connectWebSocket } from '../helpers/ws-client.js';
import { assertBuilt, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { httpRequest } from '../helpers/http-raw.js';

const LISTENING = /mcp-switchboard listening on (\S+)\n/g;

function configFor(tmp: ReturnType<typeof tempDir>): string {
  const fx = fixtureStdioCommand('fx');
  return tmp.write('router.yaml', `servers:\n  fx:\n    command: ${JSON.stringify(fx.command)}\n    args: ${JSON.stringify(fx.args)}\n`);
}

async function start(transport: 'sse' | 'ws', tmp: ReturnType<typeof tempDir>): Promise<{ cli: CliProcess; urls: string[] }> {
  const cli = spawnCli(['serve', '--transport', transport, '--port', '0', '--config', configFor(tmp)]);
  await cli.waitForStderr(/mcp-switchboard: 1\/1 backends up/);
  const urls = [...cli.stderr().matchAll(LISTENING)].map((m) => m[1]!);
  return { cli, urls };
}

async function echoThrough(transport: Transport, text: string): Promise<{ tools: string[]; echoed: unknown }> {
  const client = new Client({ name: 'sse-ws-test', version: '1.0.0' });
  await client.connect(transport);
  try {
    const tools = (await client.listTools()).tools.map((t) => t.name);
    const result = await client.callTool({ name: 'fx__echo', arguments: { text } });
    return { tools, echoed: result.content };
  } finally {
    await client.close();
  }
}

describe('serve --transport sse', () => {
  const tmp = tempDir('sb-cli-sse-');
  let cli: CliProcess;
  let urls: string[];

  beforeAll(async () => {
    assertBuilt();
    ({ cli, urls } = await start('sse', tmp));
  });

  afterAll(async () => {
    await cli?.kill();
    tmp.remove();
  });

  it('announces both endpoints on one port', () => {
    expect(urls).toHaveLength(2);
    expect(urls[0]).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(urls[1]).toBe(urls[0]!.replace(/\/mcp$/, '/sse'));
  });

  it('serves a legacy HTTP+SSE client', async () => {
    const { tools, echoed } = await echoThrough(new SSEClientTransport(new URL(urls[1]!)), 'over sse');
    expect(tools).toContain('fx__echo');
    expect(echoed).toEqual([{ type: 'text', text: 'echo:over sse' }]);
  });

  it('still serves Streamable HTTP on /mcp', async () => {
    const { echoed } = await echoThrough(new StreamableHTTPClientTransport(new URL(urls[0]!)), 'over http');
    expect(echoed).toEqual([{ type: 'text', text: 'echo:over http' }]);
  });

  it('answers an unknown SSE session with 404 and a JSON-RPC error', async () => {
    const res = await fetch(urls[1]!.replace(/\/sse$/, '/message?sessionId=nope'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect([res.status, res.headers.get('content-type')]).toEqual([404, 'application/json']);
    expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32003, data: { reason: 'SB_UNKNOWN_SESSION' } } });
  });

  it('answers a message that is not JSON with 415 and a JSON-RPC error, never text/plain', async () => {
    const stream = await fetch(urls[1]!, { headers: { accept: 'text/event-stream' } });
    const reader = stream.body!.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    const endpoint = /data: (\S+)/.exec(first)![1]!;
    try {
      const res = await fetch(new URL(endpoint, urls[1]!), { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'ping' });
      expect([res.status, res.headers.get('content-type')]).toEqual([415, 'application/json']);
      expect(await res.json()).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32064, data: { reason: 'SB_UNSUPPORTED_MEDIA_TYPE' } } });
    } finally {
      await reader.cancel();
    }
  });
});

describe('serve --transport ws', () => {
  const tmp = tempDir('sb-cli-ws-');
  let cli: CliProcess;
  let urls: string[];

  beforeAll(async () => {
    assertBuilt();
    ({ cli, urls } = await start('ws', tmp));
  });

  afterAll(async () => {
    await cli?.kill();
    tmp.remove();
  });

  it('serves a WebSocket client (subprotocol mcp) beside Streamable HTTP', async () => {
    const ws = urls.find((u) => u.startsWith('ws://'));
    expect(ws).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const { tools, echoed } = await echoThrough(await connectWebSocket(ws!), 'over ws');
    expect(tools).toContain('fx__echo');
    expect(echoed).toEqual([{ type: 'text', text: 'echo:over ws' }]);
    const http = urls.find((u) => u.startsWith('http://'));
    expect((await echoThrough(new StreamableHTTPClientTransport(new URL(http!)), 'over http')).echoed).toEqual([{ type: 'text', text: 'echo:over http' }]);
  });

  it('refuses a WebSocket upgrade from a foreign Origin', async () => {
    const ws = urls.find((u) => u.startsWith('ws://'))!;
    await expect(connectWebSocket(ws, { headers: { origin: 'http://evil.example' } })).rejects.toThrow(/403/);
    // The refusal is a JSON-RPC error body, as on every HTTP front.
    const upgrade = { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==' };
    const refused = await httpRequest(ws.replace(/^ws/, 'http'), { headers: { ...upgrade, origin: 'http://evil.example' } });
    expect([refused.status, refused.headers['content-type']]).toEqual([403, 'application/json']);
    expect(JSON.parse(refused.body)).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32031, data: { reason: 'SB_FORBIDDEN_ORIGIN' } } });
  });
});
