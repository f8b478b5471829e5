/**
 * URL inputs (--streamableHttp, --sse) on every output. The remote is itself a bridge in front of
 * server-everything, guarded by a token that only --oauth2Bearer / --header can satisfy. stdio output
 * runs the real CLI over pipes, and its stdout must carry JSON-RPC and nothing else.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { Bridge } from '../../src/bridge/bridge.js';
import { bridge, clientTransport, CLI_MAIN, connectClient, echoText, EVERYTHING_CMD, TSX_LOADER, urlOf, type Output } from './bridge-helpers.js';

const TOKEN = 'remote-secret';
let httpRemote: Bridge;
let sseRemote: Bridge;
const clients: Client[] = [];

beforeAll(async () => {
  [httpRemote, sseRemote] = await Promise.all([
    bridge(['--stdio', EVERYTHING_CMD, '--outputTransport', 'streamableHttp', '--auth-token', TOKEN]),
    bridge(['--stdio', EVERYTHING_CMD, '--outputTransport', 'sse', '--auth-token', TOKEN]),
  ]);
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
  await Promise.all([httpRemote.close(), sseRemote.close()]);
});

const inputs = () => ({
  streamableHttp: ['--streamableHttp', urlOf(httpRemote, 'streamableHttp'), '--oauth2Bearer', TOKEN],
  // The other way supergateway users pass a token: a plain --header.
  sse: ['--sse', urlOf(sseRemote, 'sse'), '--header', `Authorization: Bearer ${TOKEN}`],
});

describe.each(['streamableHttp', 'sse'] as const)('bridge --%s URL', (input) => {
  it.each<Output>(['streamableHttp', 'sse', 'ws'])('-> %s: list and call', async (output) => {
    const b = await bridge([...inputs()[input], '--outputTransport', output]);
    try {
      const client = await connectClient(await clientTransport(output, urlOf(b, output)));
      clients.push(client);
      expect((await client.listTools()).tools.map((t) => t.name)).toContain('echo');
      expect(echoText(await client.callTool({ name: 'echo', arguments: { message: `${input}->${output}` } }))).toBe(`Echo: ${input}->${output}`);
    } finally {
      await b.close();
    }
  });

  it('-> stdio (the CLI): list, call, progress and sampling over pipes', async () => {
    const transport = new StdioClientTransport({ command: process.execPath, args: ['--import', TSX_LOADER, CLI_MAIN, 'bridge', ...inputs()[input], '--logLevel', 'none'], stderr: 'pipe' });
    const client = await connectClient(transport, 'piped');
    clients.push(client);
    expect((await client.listTools()).tools.map((t) => t.name)).toContain('trigger-sampling-request');
    expect(echoText(await client.callTool({ name: 'echo', arguments: { message: 'piped' } }))).toBe('Echo: piped');
    const progress: number[] = [];
    await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.2, steps: 2 } }, { onprogress: (p) => progress.push(p.progress) });
    // Two hops of the router (this bridge, then the remote one): the last progress can arrive in the
    // same stdout read as the result, and the SDK client drops it (reported; see docs/bridge.md).
    expect(progress[0]).toBe(1);
    const sampled = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'q', maxTokens: 5 } });
    expect(JSON.stringify(sampled.content)).toContain('sampled by piped');
  });
});

it('stdio output carries only JSON-RPC on stdout, even at --logLevel debug', async () => {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, CLI_MAIN, 'bridge', ...inputs().streamableHttp, '--logLevel', 'debug'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const send = (m: object) => child.stdin.write(JSON.stringify({ jsonrpc: '2.0', ...m }) + '\n');
  send({ id: 'init', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
  send({ method: 'notifications/initialized' });
  send({ id: 'call', method: 'tools/call', params: { name: 'echo', arguments: { message: 'raw' } } });
  const deadline = Date.now() + 20_000;
  while (!stdout.includes('"id":"call"') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  child.stdin.end();
  await new Promise((r) => child.once('exit', r));
  const lines = stdout.split('\n').filter(Boolean);
  expect(lines.length).toBeGreaterThanOrEqual(2);
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jsonrpc: '2.0' });
  expect(stdout).toContain('Echo: raw');
  expect(stderr).toContain('"level":20'); // debug logs were written, to stderr
});
