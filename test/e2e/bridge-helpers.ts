/**
 * Shared by the bridge end-to-end tests: the official server-everything as the stdio server, bridges
 * started in-process (real sockets) or as the CLI (real pipes), and SDK clients for every output.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Client, SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { startBridge, type Bridge } from '../../src/bridge/bridge.js';
import { parseBridgeArgs } from '../../src/cli/bridge.js';
import { silentLogger } from '../../src/log.js';
import { connectWebSocket } from '../helpers/ws-client.js';

const require = createRequire(import.meta.url);
export const EVERYTHING = require.resolve('@modelcontextprotocol/server-everything/dist/index.js');
export const EVERYTHING_CMD = `"${process.execPath}" "${EVERYTHING}" stdio`;
export const CLI_MAIN = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
export const TSX_LOADER = pathToFileURL(require.resolve('tsx')).href;

export type Output = 'streamableHttp' | 'sse' | 'ws';

/** `switchboard bridge ARGS` in this process, on a free port. */
export async function bridge(args: string[]): Promise<Bridge> {
  const parsed = parseBridgeArgs(['--port', '0', ...args]);
  if (parsed === 'help') throw new Error('unexpected help');
  return startBridge(parsed.options, { log: silentLogger(), retryDelaysMs: [100, 500] });
}

export function urlOf(b: Bridge, output: Output): string {
  const url = output === 'streamableHttp' ? b.urls.streamableHttp : output === 'sse' ? b.urls.sse : b.urls.ws;
  if (!url) throw new Error(`bridge does not serve ${output}`);
  return url;
}

export async function clientTransport(output: Output, url: string, headers: Record<string, string> = {}): Promise<Transport> {
  if (output === 'ws') return connectWebSocket(url, { headers });
  // The v2 SSE client sends requestInit headers on its GET too.
  if (output === 'sse') return new SSEClientTransport(new URL(url), { requestInit: { headers } });
  return new StreamableHTTPClientTransport(new URL(url), { requestInit: { headers } });
}

/** An SDK client that answers sampling with `model: <name>`, so a test can tell whose answer came back. */
export async function connectClient(transport: Transport, name = 'client'): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' }, { capabilities: { sampling: {} } });
  client.setRequestHandler('sampling/createMessage', () => ({ model: name, role: 'assistant', content: { type: 'text', text: `sampled by ${name}` } }));
  try {
    await client.connect(transport);
  } catch (err) {
    await transport.close().catch(() => undefined); // a refused SSE stream would otherwise keep retrying
    throw err;
  }
  return client;
}

export function echoText(result: { content?: unknown }): string {
  const [first] = (result.content ?? []) as Array<{ text?: string }>;
  return first?.text ?? '';
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Poll until `check` holds; fails with `what` after `ms`. */
export async function waitFor(check: () => boolean | Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}
