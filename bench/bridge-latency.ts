/**
 * npm run bench (second part): stdio -> Streamable HTTP and stdio -> SSE bridges in one run, same
 * backend (server-everything's echo), same SDK client: switchboard bridge vs supergateway vs
 * punkpeye's mcp-proxy. Each gateway runs as its own process on a free port, one at a time.
 * Writes the table to docs/bridge-benchmark.md as well as stdout.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, connect as tcpConnect } from 'node:net';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { Client, SSEClientTransport, StreamableHTTPClientTransport, type Transport } from '@modelcontextprotocol/client';
import { measure, echoCall, median, type BenchResult, type CpuProbe } from './harness.js';
import { treeCpu } from './proc-cpu.js';
import { sseClient, streamableHttpClient } from './raw-clients.js';

const root = resolve(import.meta.dirname, '..');
const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const node = process.execPath;
const serverCmd = `"${node}" "${everything}" stdio`;
const cli = join(root, 'dist/cli/main.js');
const supergateway = join(root, 'node_modules/supergateway/dist/index.js');
const mcpProxy = join(root, 'node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs');
const bareBridge = join(root, 'bench/bare-bridge.mjs');
/** Alternating rounds per table; each cell is the median over them. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

type Kind = 'http' | 'sse';
interface Gateway {
  name: string;
  kind: Kind;
  args: (port: number) => string[];
  path: string;
}

const GATEWAYS: Gateway[] = [
  { name: 'switchboard bridge stdio->Streamable HTTP', kind: 'http', path: '/mcp', args: (p) => [cli, 'bridge', '--stdio', serverCmd, '--outputTransport', 'streamableHttp', '--port', `${p}`, '--logLevel', 'none'] },
  { name: 'supergateway stdio->Streamable HTTP (--stateful)', kind: 'http', path: '/mcp', args: (p) => [supergateway, '--stdio', serverCmd, '--outputTransport', 'streamableHttp', '--stateful', '--port', `${p}`, '--logLevel', 'none'] },
  { name: 'mcp-proxy stdio->Streamable HTTP', kind: 'http', path: '/mcp', args: (p) => [mcpProxy, '--port', `${p}`, '--host', '127.0.0.1', '--server', 'stream', '--', node, everything, 'stdio'] },
  { name: 'floor: bare node:http relay, one child (bench/bare-bridge.mjs)', kind: 'http', path: '/mcp', args: (p) => [bareBridge, `${p}`, 'http', node, everything, 'stdio'] },
  { name: 'switchboard bridge stdio->SSE', kind: 'sse', path: '/sse', args: (p) => [cli, 'bridge', '--stdio', serverCmd, '--outputTransport', 'sse', '--port', `${p}`, '--logLevel', 'none'] },
  { name: 'supergateway stdio->SSE', kind: 'sse', path: '/sse', args: (p) => [supergateway, '--stdio', serverCmd, '--outputTransport', 'sse', '--port', `${p}`, '--logLevel', 'none'] },
  { name: 'mcp-proxy stdio->SSE', kind: 'sse', path: '/sse', args: (p) => [mcpProxy, '--port', `${p}`, '--host', '127.0.0.1', '--server', 'sse', '--', node, everything, 'stdio'] },
  { name: 'floor: bare node:http relay, one child (bench/bare-bridge.mjs)', kind: 'sse', path: '/sse', args: (p) => [bareBridge, `${p}`, 'sse', node, everything, 'stdio'] },
];

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
    s.on('error', rej);
  });
}

async function waitForPort(port: number, child: ChildProcess, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`gateway exited with ${child.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const sock = tcpConnect(port, '127.0.0.1', () => (sock.end(), r(true)));
      sock.on('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`nothing listening on ${port} after ${ms} ms`);
}

/** The SDK client (what users run) or a raw node:http client (so the gateway, not the client, is the limit). */
type ClientKind = 'sdk' | 'raw';

async function run(gw: Gateway, clientKind: ClientKind): Promise<BenchResult | undefined> {
  const port = await freePort();
  const child = spawn(node, gw.args(port), { stdio: ['ignore', 'ignore', 'ignore'], detached: true });
  try {
    await waitForPort(port, child);
    const url = new URL(`http://127.0.0.1:${port}${gw.path}`);
    const probe: CpuProbe = () => {
      const tree = treeCpu(child.pid!);
      const own = process.cpuUsage();
      return { gateway: tree?.root ?? NaN, server: tree?.descendants ?? NaN, client: (own.user + own.system) / 1e6 };
    };
    if (clientKind === 'raw') {
      const raw = gw.kind === 'http' ? await streamableHttpClient(url.href) : await sseClient(url.href);
      try {
        let i = 0;
        return await measure(gw.name, () => raw.call('echo', { message: `m${i++}` }), undefined, probe);
      } finally {
        raw.close();
      }
    }
    const transport: Transport = gw.kind === 'http' ? new StreamableHTTPClientTransport(url) : new SSEClientTransport(url);
    const client = new Client({ name: 'bench', version: '1' });
    await client.connect(transport);
    try {
      return await measure(gw.name, echoCall(client, 'echo'), undefined, probe);
    } finally {
      await client.close();
    }
  } catch (err) {
    process.stderr.write(`${gw.name}: ${String(err)}\n`);
    return undefined;
  } finally {
    try {
      process.kill(-child.pid!, 'SIGKILL'); // the whole group: gateways leave children behind
    } catch {
      /* gone */
    }
  }
}

/** One table per transport: each gateway against switchboard's row, with where the CPU went. */
function table(results: BenchResult[]): string {
  const ours = results[0]!;
  const us = (r: BenchResult, k: string) => (r.cpuPerCall?.[k] === undefined || Number.isNaN(r.cpuPerCall[k]) ? '?' : Math.round(r.cpuPerCall[k]!).toString());
  const rows = results.map((r) => {
    const rel = r === ours ? '' : `${(r.p50 / ours.p50).toFixed(2)}x / ${(r.callsPerSec / ours.callsPerSec).toFixed(2)}x`;
    return `| ${r.name} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${Math.round(r.callsPerSec)} | ${rel} | ${us(r, 'gateway')} | ${us(r, 'server')} | ${us(r, 'client')} |`;
  });
  return [
    '| path | p50 ms | p99 ms | calls/s @32 | p50 / calls/s vs switchboard | CPU µs/call: gateway | server | client |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** Median per cell over ROUNDS rounds; the gateways alternate inside each round so drift hits all alike. */
async function tablesFor(clientKind: ClientKind): Promise<string> {
  const runs = new Map<Gateway, BenchResult[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const gw of GATEWAYS) {
      const r = await run(gw, clientKind);
      if (r) runs.set(gw, [...(runs.get(gw) ?? []), r]);
    }
  }
  const tableOf = (kind: Kind) => table(GATEWAYS.filter((gw) => gw.kind === kind && runs.has(gw)).map((gw) => median(runs.get(gw)!)));
  return (['http', 'sse'] as const).map(tableOf).join('\n\n');
}

// BENCH_CLIENTS=raw (or sdk) runs one half, for quick looks; the docs file is only written by a full run.
const clients = (process.env.BENCH_CLIENTS ?? 'sdk,raw').split(',');
const sdkTables = clients.includes('sdk') ? await tablesFor('sdk') : '(not run)';
const rawTables = clients.includes('raw') ? await tablesFor('raw') : '(not run)';
const header = `Node ${process.version}, ${cpus().length} cores, ${new Date().toISOString().slice(0, 10)}. tools/call echo on server-everything; p50/p99 one call at a time, calls/s with 32 in flight, each cell the median of ${ROUNDS} alternating rounds. CPU µs/call is measured over the throughput phase: the gateway process, the server process(es) under it, and the bench client. The floor row is a bare node:http relay with one child and no MCP logic: no gateway can beat it by much.`;
const text = `${header}\n\n### With the SDK client (what users run)\n\n${sdkTables}\n\n### With a raw node:http client (bench/raw-clients.ts), so the gateway is the limit\n\n${rawTables}\n`;
process.stdout.write(`\n${text}`);
if (clients.length === 2) writeFileSync(join(root, 'docs/bridge-benchmark.md'), `# Bridge benchmark\n\nGenerated by \`npm run bench\` (bench/bridge-latency.ts).\n\n${text}`);
