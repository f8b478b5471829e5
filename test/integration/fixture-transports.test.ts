/** fixture-main as a real process, once per transport: proves the entry point that router tests spawn. */
import { afterEach, describe, expect, it } from 'vitest';
import { Client, SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { fixtureStdioCommand, spawnFixture, type SpawnedFixture } from '../helpers/spawn-fixture.js';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

async function connectOver(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'fixture-transport-test', version: '1.0.0' }, { capabilities: { sampling: {} } });
  client.setRequestHandler('sampling/createMessage', () => ({
    model: 'm',
    role: 'assistant',
    content: { type: 'text', text: 'from the client' },
  }));
  await client.connect(transport);
  cleanups.push(() => client.close());
  return client;
}

async function spawned(opts: Parameters<typeof spawnFixture>[0]): Promise<SpawnedFixture> {
  const fixture = await spawnFixture(opts);
  cleanups.push(() => fixture.close());
  return fixture;
}

async function exercise(client: Client, name: string): Promise<void> {
  const echo = await client.callTool({ name: 'echo', arguments: { text: 'over the wire' } });
  expect(echo.content).toEqual([{ type: 'text', text: 'echo:over the wire' }]);
  expect(echo.structuredContent).toEqual({ server: name, text: 'over the wire' });
  const progress: number[] = [];
  await client.callTool({ name: 'sleep', arguments: { ms: 20, steps: 2 } }, { onprogress: (p) => progress.push(p.progress) });
  expect(progress).toEqual([1, 2]);
  const sampled = await client.callTool({ name: 'ask_sampling', arguments: { prompt: 'q' } });
  expect(sampled.content).toEqual([{ type: 'text', text: 'from the client' }]);
}

describe('fixture-main', () => {
  it('serves stdio, and crash ends the process', async () => {
    const { command, args } = fixtureStdioCommand('stdio-one', ['--tools', 'echo,sleep,ask_sampling,crash']);
    const transport = new StdioClientTransport({ command, args, stderr: 'pipe' });
    const client = await connectOver(transport);
    expect((await client.listTools()).tools.map((t) => t.name)).toEqual(['echo', 'sleep', 'ask_sampling', 'crash']);
    await exercise(client, 'stdio-one');
    const closed = new Promise<void>((resolve) => {
      client.onclose = resolve;
    });
    void client.callTool({ name: 'crash' }).catch(() => undefined);
    await closed;
  });

  it('serves Streamable HTTP at /mcp, with 404 for an unknown session', async () => {
    const fixture = await spawned({ name: 'http-one', transport: 'http' });
    expect(fixture.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    const client = await connectOver(new StreamableHTTPClientTransport(new URL(fixture.url)));
    await exercise(client, 'http-one');
    const stray = await fetch(fixture.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-session-id': 'nope' },
      body: '{"jsonrpc":"2.0","method":"ping","id":1}',
    });
    expect(stray.status).toBe(404);
  });

  it('serves legacy SSE at /sse', async () => {
    const fixture = await spawned({ name: 'sse-one', transport: 'sse', tools: ['echo', 'sleep', 'ask_sampling'] });
    expect(fixture.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/sse$/);
    const client = await connectOver(new SSEClientTransport(new URL(fixture.url)));
    expect((await client.listTools()).tools).toHaveLength(3);
    await exercise(client, 'sse-one');
  });

  it('close() stops the child', async () => {
    const fixture = await spawnFixture({ name: 'short-lived', transport: 'http' });
    await fixture.close();
    expect(() => process.kill(fixture.pid, 0)).toThrow();
    await fixture.close(); // idempotent
  });
});
