/**
 * npm run bench:cluster: what running as a cluster costs a plain tools/call, in one run.
 *
 * Through nginx (plain round-robin, test/helpers/cluster-harness.ts) to 1 replica without Redis (no
 * `cluster:`: the baseline), 1 replica with Redis and 3 replicas with Redis, each with 2025 sessions
 * and with 2026-07-28 requests (stateless). Then, on the 3-replica cluster, one 2025 session's calls
 * sent straight to its owner and straight to another replica, which relays them: the cost of one
 * forwarding hop. CPU per call is read from /proc for the replicas (router processes only, not their
 * backend) and for nginx, for the projection in docs/scaling.md.
 *
 * The backend is test/fixtures/scale-backend.mjs (plain node, answers at once), so the router and the
 * balancer are what is measured. On a 2-core machine 3 replicas cannot show scaling: read the
 * throughput as "what the hops cost", and the CPU per call as what scales.
 *
 * BENCH_SMOKE=1 runs tiny counts to check the wiring (its numbers mean nothing).
 */
import { Agent, request } from 'node:http';
import { join, resolve } from 'node:path';
import { measure, type BenchOptions, type BenchResult, type Call, type CpuProbe } from './harness.js';
import { treeCpu } from './proc-cpu.js';
import { ClusterHarness, clusterToolsInstalled } from '../test/helpers/cluster-harness.js';
import { assertBuilt, q } from '../test/helpers/cli.js';

const root = resolve(import.meta.dirname, '..');
const smoke = process.env.BENCH_SMOKE === '1';
const options: BenchOptions = smoke ? { sequential: 50, concurrency: 8, throughputMs: 300, warmup: 50 } : { sequential: 1500, concurrency: 16, throughputMs: 3000, warmup: 1500 };
/** 2025 sessions per measurement: spread over the replicas by nginx, used in turn. */
const SESSIONS = 6;
const MODERN = '2026-07-28';
const agent = new Agent({ keepAlive: true, maxSockets: 64 });

const SERVERS = `  m:\n    command: ${q(process.execPath)}\n    args: [${q(join(root, 'test/fixtures/scale-backend.mjs'))}]\n    env: { SCALE_NAME: m }\n`;

function post(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  const data = JSON.stringify(body);
  return new Promise((resolvePost, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'content-length': Buffer.byteLength(data), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolvePost({ status: res.statusCode ?? 0, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(data);
  });
}

function resultOf(text: string, id: number): unknown {
  const messages = text.startsWith('{') ? [JSON.parse(text)] : text.split('\n').filter((l) => l.startsWith('data:') && l.length > 6).map((l) => JSON.parse(l.slice(5)));
  const reply = messages.find((m: { id?: number }) => m.id === id) as { result?: unknown; error?: unknown } | undefined;
  if (!reply?.result) throw new Error(`bad reply: ${text.slice(0, 300)}`);
  return reply.result;
}

interface Session {
  id: string;
  call(url?: string): Promise<unknown>;
}

let nextId = 1;

async function session2025(url: string): Promise<Session> {
  const init = await post(url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } }, {});
  const id = init.headers['mcp-session-id'] as string;
  const headers = { 'mcp-session-id': id, 'mcp-protocol-version': '2025-11-25' };
  await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers);
  return {
    id,
    async call(target = url) {
      const n = nextId++;
      const res = await post(target, { jsonrpc: '2.0', id: n, method: 'tools/call', params: { name: 'm__echo', arguments: { text: `t${n}` } } }, headers);
      return resultOf(res.text, n);
    },
  };
}

function modernCall(url: string): Call {
  const headers = { 'mcp-protocol-version': MODERN, 'mcp-method': 'tools/call', 'mcp-name': 'm__echo' };
  const meta = { 'io.modelcontextprotocol/protocolVersion': MODERN, 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { name: 'bench', version: '1' } };
  return async () => {
    const n = nextId++;
    const res = await post(url, { jsonrpc: '2.0', id: n, method: 'tools/call', params: { name: 'm__echo', arguments: { text: `t${n}` }, _meta: meta } }, headers);
    return resultOf(res.text, n);
  };
}

function rotating(sessions: Session[]): Call {
  let i = 0;
  return () => sessions[i++ % sessions.length]!.call();
}

/** CPU seconds of the replicas' own processes (not their backends) and of nginx and its workers. */
function cpuProbe(cluster: ClusterHarness): CpuProbe {
  return () => {
    const replicas = cluster.replicas.reduce((sum, r) => sum + (treeCpu(r.cli.pid)?.root ?? 0), 0);
    const nginx = cluster.nginxPid === undefined ? undefined : treeCpu(cluster.nginxPid);
    return { replicas, nginx: nginx ? nginx.root + nginx.descendants : 0 };
  };
}

interface Row {
  setup: string;
  era: string;
  result: BenchResult;
}

const rows: Row[] = [];
const hops: Array<{ name: string; result: BenchResult }> = [];

async function bench(setup: string, replicas: number, withRedis: boolean): Promise<void> {
  const cluster = await ClusterHarness.start({ replicas, servers: SERVERS, cluster: withRedis, logLevel: 'error' });
  try {
    const probe = cpuProbe(cluster);
    const sessions: Session[] = [];
    for (let i = 0; i < SESSIONS; i++) sessions.push(await session2025(cluster.url));
    rows.push({ setup, era: '2025-11-25 session', result: await measure(setup, rotating(sessions), options, probe) });
    rows.push({ setup, era: '2026-07-28', result: await measure(setup, modernCall(cluster.url), options, probe) });
    if (replicas > 1) {
      // One session, no nginx: straight to its owner, then to a replica that relays it.
      const owned = await session2025(cluster.replicas[0]!.url + '/mcp');
      const owner = cluster.ownerOf(owned.id);
      const other = cluster.replicas.find((r) => r.id !== owner)!;
      const sequentialOnly = { ...options, concurrency: 1, throughputMs: smoke ? 100 : 1000 };
      hops.push({ name: `owner-direct (${owner})`, result: await measure('owner-direct', () => owned.call(cluster.replica(owner).url + '/mcp'), sequentialOnly, probe) });
      hops.push({ name: `forwarded (${other.id} -> ${owner})`, result: await measure('forwarded', () => owned.call(other.url + '/mcp'), sequentialOnly, probe) });
    }
  } finally {
    await cluster.close();
  }
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined || Number.isNaN(n) ? '-' : n.toFixed(digits));

async function main(): Promise<void> {
  if (!clusterToolsInstalled()) throw new Error('bench:cluster needs redis-server and nginx (apt-get install redis-server nginx)');
  assertBuilt();
  await bench('nginx -> 1 replica, no Redis', 1, false);
  await bench('nginx -> 1 replica + Redis', 1, true);
  await bench('nginx -> 3 replicas + Redis', 3, true);
  const lines = [
    `| setup | client | p50 ms | p99 ms | calls/s (${options.concurrency} in flight) | replica CPU µs/call | nginx CPU µs/call |`,
    '|---|---|---:|---:|---:|---:|---:|',
    ...rows.map((r) => `| ${r.setup} | ${r.era} | ${fmt(r.result.p50)} | ${fmt(r.result.p99)} | ${fmt(r.result.callsPerSec, 0)} | ${fmt(r.result.cpuPerCall?.replicas, 0)} | ${fmt(r.result.cpuPerCall?.nginx, 0)} |`),
    '',
    '| 2025 session, no nginx | p50 ms | p99 ms | replica CPU µs/call (all replicas) |',
    '|---|---:|---:|---:|',
    ...hops.map((h) => `| ${h.name} | ${fmt(h.result.p50)} | ${fmt(h.result.p99)} | ${fmt(h.result.cpuPerCall?.replicas, 0)} |`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  if (smoke) process.stdout.write('(BENCH_SMOKE=1: tiny counts, the numbers mean nothing)\n');
}

await main();
process.exit(0);
