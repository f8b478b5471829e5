/**
 * /metrics of the built CLI: `serve --transport sse` with two fixture backends, one Streamable HTTP
 * and one legacy SSE client. Every count below is exact: the calls made, the list_changed sent, the
 * restart after a crash. Gauges are checked against what the router holds at the time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, SSEClientTransport, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { assertBuilt, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { parseExposition, sampleKey as key, type Exposition } from '../helpers/prom-text.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

const METRIC_NAMES = [
  'switchboard_tool_calls_total',
  'switchboard_request_duration_seconds',
  'switchboard_requests_in_flight',
  'switchboard_queue_depth',
  'switchboard_backend_up',
  'switchboard_backend_state',
  'switchboard_backend_restarts_total',
  'switchboard_sessions',
  'switchboard_list_changed_sent_total',
];

function samplesOf(expo: Exposition, name: string): Record<string, number> {
  return Object.fromEntries([...expo.samples].filter(([k]) => k === name || k.startsWith(`${name}{`)));
}

async function connect(transport: StreamableHTTPClientTransport | SSEClientTransport, toolChanges: string[], label: string): Promise<Client> {
  const client = new Client({ name: `metrics-${label}`, version: '1.0.0' });
  client.setNotificationHandler('notifications/tools/list_changed', () => void toolChanges.push(label));
  await client.connect(transport);
  return client;
}

describe('serve: /metrics', () => {
  const tmp = tempDir('sb-metrics-');
  const toolChanges: string[] = [];
  let cli: CliProcess;
  let origin: string;
  let http: Client;
  let sse: Client;

  const scrape = async (): Promise<Exposition> => {
    const res = await fetch(`${origin}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    return parseExposition(await res.text());
  };

  beforeAll(async () => {
    assertBuilt();
    const server = (name: string) => {
      const fx = fixtureStdioCommand(name);
      return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n`;
    };
    const config = tmp.write('router.yaml', `servers:\n${server('a')}${server('b')}`);
    cli = spawnCli(['serve', '--transport', 'sse', '--port', '0', '--config', config]);
    origin = new URL((await cli.waitForStderr(/listening on (http:\/\/127\.0\.0\.1:\d+)\/mcp\n/))[1]!).origin;
    await cli.waitForStderr(/mcp-switchboard: 2\/2 backends up/, 25_000);
    http = await connect(new StreamableHTTPClientTransport(new URL(`${origin}/mcp`)), toolChanges, 'http');
    sse = await connect(new SSEClientTransport(new URL(`${origin}/sse`)), toolChanges, 'sse');
  });

  afterAll(async () => {
    await Promise.all([http?.close(), sse?.close()].map((p) => p?.catch(() => undefined)));
    await cli?.kill();
    tmp.remove();
  });

  it('starts with every known series at zero and both backends up', async () => {
    const expo = await scrape();
    expect([...expo.types].filter(([n]) => n.startsWith('switchboard_'))).toEqual(
      METRIC_NAMES.map((n) => [n, n.endsWith('_total') ? 'counter' : n.endsWith('_seconds') ? 'histogram' : 'gauge']),
    );
    expect(samplesOf(expo, 'switchboard_sessions')).toEqual({
      [key('switchboard_sessions', { transport: 'stdio' })]: 0,
      [key('switchboard_sessions', { transport: 'http' })]: 1,
      [key('switchboard_sessions', { transport: 'sse' })]: 1,
      [key('switchboard_sessions', { transport: 'ws' })]: 0,
    });
    expect(samplesOf(expo, 'switchboard_tool_calls_total')).toEqual({});
    expect(samplesOf(expo, 'switchboard_backend_up')).toEqual({ [key('switchboard_backend_up', { backend: 'a' })]: 1, [key('switchboard_backend_up', { backend: 'b' })]: 1 });
    expect(samplesOf(expo, 'switchboard_requests_in_flight')).toEqual({
      [key('switchboard_requests_in_flight', { backend: 'a' })]: 0,
      [key('switchboard_requests_in_flight', { backend: 'b' })]: 0,
    });
    expect(samplesOf(expo, 'switchboard_queue_depth')).toEqual({ [key('switchboard_queue_depth', { backend: 'a' })]: 0, [key('switchboard_queue_depth', { backend: 'b' })]: 0 });
    expect(samplesOf(expo, 'switchboard_backend_restarts_total')).toEqual({
      [key('switchboard_backend_restarts_total', { backend: 'a' })]: 0,
      [key('switchboard_backend_restarts_total', { backend: 'b' })]: 0,
    });
    const state = (backend: string, s: string) => key('switchboard_backend_state', { backend, state: s });
    expect(samplesOf(expo, 'switchboard_backend_state')).toEqual({
      [state('a', 'starting')]: 0, [state('a', 'ready')]: 1, [state('a', 'down')]: 0, [state('a', 'idle')]: 0, [state('a', 'failed')]: 0, [state('a', 'closed')]: 0,
      [state('b', 'starting')]: 0, [state('b', 'ready')]: 1, [state('b', 'down')]: 0, [state('b', 'idle')]: 0, [state('b', 'failed')]: 0, [state('b', 'closed')]: 0,
    });
    expect(samplesOf(expo, 'switchboard_list_changed_sent_total')).toEqual({
      [key('switchboard_list_changed_sent_total', { kind: 'tools' })]: 0,
      [key('switchboard_list_changed_sent_total', { kind: 'prompts' })]: 0,
      [key('switchboard_list_changed_sent_total', { kind: 'resources' })]: 0,
    });
  });

  it('counts calls by backend, tool and outcome, and times every forward', async () => {
    await http.callTool({ name: 'a__echo', arguments: { text: 'one' } });
    await sse.callTool({ name: 'a__echo', arguments: { text: 'two' } });
    expect((await http.callTool({ name: 'a__is_error' })).isError).toBe(true);
    await expect(http.callTool({ name: 'b__fail', arguments: { code: -32050, message: 'nope' } })).rejects.toThrow(/nope/);
    // A tool the router refuses never reaches a backend: no series for it.
    await expect(http.callTool({ name: 'a__missing' })).rejects.toThrow(/Unknown tool/);
    // One more tool on a: one tools list_changed to each of the two sessions.
    await http.callTool({ name: 'a__set_tools', arguments: { names: [...FIXTURE_TOOL_NAMES, 'extra'] } });
    await eventually(() => toolChanges.length === 2, { what: 'both clients told the tools changed' });

    const expo = await scrape();
    const calls = (backend: string, tool: string, outcome: string) => key('switchboard_tool_calls_total', { backend, tool, outcome });
    expect(samplesOf(expo, 'switchboard_tool_calls_total')).toEqual({
      [calls('a', 'a__echo', 'ok')]: 2,
      [calls('a', 'a__is_error', 'tool_error')]: 1,
      [calls('b', 'b__fail', 'error')]: 1,
      [calls('a', 'a__set_tools', 'ok')]: 1,
    });
    const duration = (suffix: string, backend: string, extra: Record<string, string> = {}) =>
      key(`switchboard_request_duration_seconds_${suffix}`, { backend, method: 'tools/call', ...extra });
    expect(expo.samples.get(duration('count', 'a'))).toBe(4);
    expect(expo.samples.get(duration('count', 'b'))).toBe(1);
    expect(expo.samples.get(duration('bucket', 'a', { le: '+Inf' }))).toBe(4);
    expect(expo.samples.get(duration('sum', 'a'))).toBeGreaterThan(0);
    expect(samplesOf(expo, 'switchboard_requests_in_flight')).toEqual({
      [key('switchboard_requests_in_flight', { backend: 'a' })]: 0,
      [key('switchboard_requests_in_flight', { backend: 'b' })]: 0,
    });
    expect(toolChanges.sort()).toEqual(['http', 'sse']);
    expect(expo.samples.get(key('switchboard_list_changed_sent_total', { kind: 'tools' }))).toBe(2);
    expect(expo.samples.get(key('switchboard_list_changed_sent_total', { kind: 'prompts' }))).toBe(0);
  });

  it('counts a restart after a crash, and the list changes of going down and coming back', async () => {
    await expect(http.callTool({ name: 'b__crash' })).rejects.toThrow(/server "b" disconnected during tools\/call/);
    await eventually(
      async () => {
        const status = (await (await fetch(`${origin}/status.json`)).json()) as { backends: Array<{ name: string; state: string; restarts: number }> };
        const b = status.backends.find((x) => x.name === 'b');
        return b?.state === 'ready' && b.restarts === 1;
      },
      { what: 'b back up after its crash', timeoutMs: 15_000 },
    );
    const expo = await scrape();
    expect(expo.samples.get(key('switchboard_backend_restarts_total', { backend: 'b' }))).toBe(1);
    expect(expo.samples.get(key('switchboard_backend_restarts_total', { backend: 'a' }))).toBe(0);
    expect(expo.samples.get(key('switchboard_backend_up', { backend: 'b' }))).toBe(1);
    expect(expo.samples.get(key('switchboard_tool_calls_total', { backend: 'b', tool: 'b__crash', outcome: 'unavailable' }))).toBe(1);
    // b's tools, prompts and resources vanished and came back: each list, each of two sessions, twice.
    expect(samplesOf(expo, 'switchboard_list_changed_sent_total')).toEqual({
      [key('switchboard_list_changed_sent_total', { kind: 'tools' })]: 2 + 4,
      [key('switchboard_list_changed_sent_total', { kind: 'prompts' })]: 4,
      [key('switchboard_list_changed_sent_total', { kind: 'resources' })]: 4,
    });
  });

  it('stops counting a session once it closes', async () => {
    await sse.close();
    const sessions = await eventually(
      async () => {
        const s = samplesOf(await scrape(), 'switchboard_sessions');
        return s[key('switchboard_sessions', { transport: 'sse' })] === 0 && s;
      },
      { what: 'the SSE session gone from the gauge' },
    );
    expect(sessions[key('switchboard_sessions', { transport: 'http' })]).toBe(1);
  });
});
