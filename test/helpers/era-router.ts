/**
 * The built router for the protocol-era tests: a config with the era fixtures behind it, `serve
 * --http` started and its URL read from the listening line, and 2026-07-28 requests sent by hand
 * (what a client library hides: headers, a tampered requestState, every frame of a response).
 */
import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';
import { CLI_MAIN, PROJECT_ROOT, q, spawnCli, type CliProcess } from './cli.js';
import { eventually } from './eventually.js';
import { textOf } from './relay-harness.js';
import { modernStdioServer } from './modern-fixture.js';
import { fixtureStdioCommand } from './spawn-fixture.js';

export const MODERN_VERSION = '2026-07-28';
const LISTENING = /mcp-switchboard listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/;

/** The envelope a hand-made 2026-07-28 request carries (elicitation only, unless a test adds more). */
export const HAND_ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN_VERSION,
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
  'io.modelcontextprotocol/clientInfo': { name: 'by-hand', version: '1.0.0' },
};

/** YAML for one server: the 2025 fixture over stdio with exactly these tools. */
export function fixtureServerYaml(name: string, tools: readonly string[]): string {
  const fx = fixtureStdioCommand(name, ['--tools', tools.join(',')]);
  return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n`;
}

/** YAML for one server: @modelcontextprotocol/server-everything over stdio. */
export function everythingServerYaml(name: string, main: string): string {
  return `  ${name}:\n    command: ${q(process.execPath)}\n    args: [${q(main)}, stdio]\n`;
}

/** YAML for one server: the 2026-capable fixture over stdio, spoken to in 2026-07-28. */
export function modernServerYaml(name: string): string {
  const target = modernStdioServer(name).target as { command: string; args: string[] };
  return `  ${name}:\n    command: ${q(target.command)}\n    args: [${target.args.map(q).join(', ')}]\n    cwd: ${q(PROJECT_ROOT)}\n    protocol: ${MODERN_VERSION}\n`;
}

/** YAML for one server: a 2026-capable server at this Streamable HTTP URL, spoken to in 2026-07-28. */
export function modernHttpServerYaml(name: string, url: string): string {
  return `  ${name}:\n    url: ${q(url)}\n    protocol: ${MODERN_VERSION}\n`;
}

export interface HttpRouter {
  url: string;
  cli: CliProcess;
}

export async function startHttpRouter(config: string): Promise<HttpRouter> {
  const cli = spawnCli(['serve', '--http', '--port', '0', '--config', config]);
  const url = (await cli.waitForStderr(LISTENING, 30_000))[1]!;
  return { url, cli };
}

/** How to start the router on stdio with this config (for a client that spawns it). */
export function stdioRouterCommand(config: string): { command: string; args: string[]; cwd: string } {
  return { command: process.execPath, args: [CLI_MAIN, 'serve', '--config', config], cwd: PROJECT_ROOT };
}

export interface RawAnswer {
  status: number;
  body: { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string; data?: { reason?: string } } };
}

function modernHeaders(method: string, params: Record<string, unknown>, extra: Record<string, string>): Record<string, string> {
  const name: Record<string, string> = typeof params.name === 'string' ? { 'mcp-name': params.name } : {};
  return { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN_VERSION, 'mcp-method': method, ...name, ...extra };
}

function messagesOf(contentType: string | null, text: string): Array<Record<string, unknown>> {
  if (!(contentType ?? '').includes('text/event-stream')) return [JSON.parse(text)];
  return text.split('\n').filter((l) => l.startsWith('data:')).map((l) => JSON.parse(l.slice(5)));
}

/** One 2026-07-28 request by hand, with the standard headers unless `headers` overrides them. */
export async function rawModern(url: string, id: number, method: string, params: Record<string, unknown>, headers: Record<string, string> = {}, meta: Record<string, unknown> = {}): Promise<RawAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: modernHeaders(method, params, headers),
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: { ...HAND_ENVELOPE, ...meta } } }),
  });
  const messages = messagesOf(res.headers.get('content-type'), await res.text());
  return { status: res.status, body: messages.find((m) => 'id' in m) as RawAnswer['body'] };
}

/** Every message a modern tools/call's response carried (SSE frames, or the one JSON body). */
export async function modernFrames(url: string, id: number, name: string, args: Record<string, unknown>, meta: Record<string, unknown>): Promise<Array<Record<string, unknown>>> {
  const params = { name, arguments: args };
  const res = await fetch(url, {
    method: 'POST',
    headers: modernHeaders('tools/call', params, {}),
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { ...params, _meta: { ...HAND_ENVELOPE, ...meta } } }),
  });
  return messagesOf(res.headers.get('content-type'), await res.text());
}

/**
 * Starts the fixture's 10 s `fx__sleep` with `client`, aborts it after `afterMs`, and resolves with
 * the cancellations the fixture backend recorded once it saw one (what reached the backend).
 */
export async function abortSleepAndReadCancellations(client: Client, afterMs: number, reason: string): Promise<unknown[]> {
  const controller = new AbortController();
  const call = client.callTool({ name: 'fx__sleep', arguments: { ms: 10_000 } }, { signal: controller.signal });
  setTimeout(() => controller.abort(reason), afterMs);
  await expect(call).rejects.toThrow();
  return eventually(async () => {
    const records = JSON.parse(textOf(await client.callTool({ name: 'fx__cancellations', arguments: {} }))) as unknown[];
    return records.length > 0 && records;
  }, { what: 'the backend to observe the cancellation' });
}
