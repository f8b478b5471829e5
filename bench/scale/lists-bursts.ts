/**
 * Big catalogs, bursts, search and idle memory, each direct against routed through `switchboard serve`
 * on stdio. The backend is test/fixtures/scale-backend.mjs: a precomputed 1,500-tool list served in
 * pages of 100, and a `burst` tool that sends N notifications and then answers.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineClient, median, percentile } from './line-client.js';
import { CLI, MEMORY_SERVER, ROOT, SCALE_BACKEND } from './paths.js';

const TOOLS = 1500;
/** The fixture lists echo, sleep and burst besides its numbered tools. */
const SCALE_ENV = { SCALE_TOOLS: String(TOOLS - 3), SCALE_PAGE: '100' };

function scaleConfig(extra = ''): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-scale-'));
  const path = join(dir, 'router.yaml');
  writeFileSync(path, `servers:\n  s:\n    command: node\n    args: [${JSON.stringify(SCALE_BACKEND)}]\n    env: { SCALE_TOOLS: "${SCALE_ENV.SCALE_TOOLS}", SCALE_PAGE: "100" }\n${extra}`);
  return path;
}

const directClient = () => new LineClient('node', [SCALE_BACKEND], { env: SCALE_ENV });
const routedClient = (config: string, ...flags: string[]) => new LineClient('node', [CLI, 'serve', '--config', config, '--log-level', 'silent', ...flags], { cwd: ROOT });

/** CPU time (user + system) a process has used so far, in ms: what a loaded machine does not skew. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
}

export interface ListTiming {
  /** Median wall time of one full listing, over every round. */
  ms: number;
  /** CPU of the serving process (backend or router) per listing. */
  cpu: number;
  tools: number;
}

/**
 * Full listings through three paths, alternating in rounds (so a burst of load from elsewhere hits
 * every path alike): the backend directly, the router with pages of 100 like the backend's (same
 * round trips), and the router at its default page size (1000, see docs/architecture.md).
 */
export async function fullList(reps: number, rounds = 5): Promise<{ direct: ListTiming; routed: ListTiming; routedDefault: ListTiming; tools: number }> {
  const clients = [directClient(), routedClient(scaleConfig('pagination:\n  pageSize: 100\n')), routedClient(scaleConfig())];
  const times: number[][] = clients.map(() => []);
  const cpu = clients.map(() => 0);
  const tools: number[] = [];
  for (const c of clients) {
    await c.initialize();
    for (let i = 0; i < 5; i++) tools[clients.indexOf(c)] = (await c.listAll()).length;
  }
  for (let r = 0; r < rounds; r++) {
    for (const [i, c] of clients.entries()) {
      const cpu0 = cpuMs(c.pid);
      for (let k = 0; k < Math.ceil(reps / rounds); k++) {
        const t0 = performance.now();
        await c.listAll();
        times[i]!.push(performance.now() - t0);
      }
      cpu[i]! += cpuMs(c.pid) - cpu0;
    }
  }
  await Promise.all(clients.map((c) => c.close()));
  for (const n of tools) if (n !== TOOLS) throw new Error(`expected ${TOOLS} tools, got ${n}`);
  const timing = (i: number): ListTiming => ({ ms: median(times[i]!), cpu: cpu[i]! / times[i]!.length, tools: tools[i]! });
  return { direct: timing(0), routed: timing(1), routedDefault: timing(2), tools: TOOLS };
}

async function timeBurst(client: LineClient, tool: string, kind: 'progress' | 'message', count: number, rounds: number): Promise<{ ms: number; inOrder: boolean }> {
  await client.initialize();
  await client.listAll(); // a routed client waits for its backend here
  const times: number[] = [];
  let inOrder = true;
  for (let r = 0; r < rounds; r++) {
    client.notes = [];
    client.collect = true;
    const t0 = performance.now();
    await client.request('tools/call', { name: tool, arguments: { count, kind }, _meta: { progressToken: 'p' } });
    times.push(performance.now() - t0);
    client.collect = false;
    const seen = client.notes.map((n) => (kind === 'progress' ? (n.params!.progress as number) : (n.params!.data as { i: number }).i));
    inOrder &&= seen.length === count && seen.every((v, i) => v === i + 1);
  }
  await client.close();
  return { ms: median(times), inOrder };
}

export async function bursts(count: number, rounds: number) {
  const rows = [];
  for (const kind of ['progress', 'message'] as const) {
    const direct = await timeBurst(directClient(), 'burst', kind, count, rounds);
    const routed = await timeBurst(routedClient(scaleConfig()), 's__burst', kind, count, rounds);
    rows.push({ kind, direct: direct.ms, routed: routed.ms, inOrder: direct.inOrder && routed.inOrder });
  }
  return rows;
}

const QUERIES = ['read item 00042', 'store writes', 'tool number 1234', 'echo text back', 'notifications burst', 'item 00777 store', 'sleep milliseconds', 'fixture reads'];

/** search_tools over 1,500 tools in a search-mode workspace: the first search, then p50/p99. */
export async function search(calls: number): Promise<{ first: number; p50: number; p99: number }> {
  const client = routedClient(scaleConfig('workspaces:\n  all:\n    servers: [s]\n    search: true\n'), '--workspace', 'all');
  await client.initialize();
  await client.listAll();
  const call = (i: number) => client.request('tools/call', { name: 'search_tools', arguments: { query: QUERIES[i % QUERIES.length] } });
  const t0 = performance.now();
  await call(0);
  const first = performance.now() - t0;
  for (let i = 0; i < 100; i++) await call(i);
  const times: number[] = [];
  for (let i = 0; i < calls; i++) {
    const s = performance.now();
    await call(i);
    times.push(performance.now() - s);
  }
  await client.close();
  times.sort((a, b) => a - b);
  return { first, p50: percentile(times, 50), p99: percentile(times, 99) };
}

function rssMb(pid: number): number {
  const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
  return kb / 1024;
}

/**
 * RSS of `serve` with the bundled router.yaml once its backends are up and it has sat idle, and of
 * server-memory alone, sampled after each of `settleMs` (ascending). Two samples because V8 only
 * gives memory back when its memory reducer runs, some 8-20 s after the last big GC: at 3 s both
 * processes still hold their start-up heap, by 30 s both have shrunk.
 */
export async function idleRss(settleMs: readonly number[]): Promise<Array<{ after: number; router: number; server: number }>> {
  const router = routedClient(join(ROOT, 'router.yaml'));
  await router.initialize();
  await router.listAll();
  const server = new LineClient('node', [MEMORY_SERVER], { env: { MEMORY_FILE_PATH: join(mkdtempSync(join(tmpdir(), 'sb-scale-')), 'm.jsonl') } });
  await server.initialize();
  await server.listAll();
  const t0 = performance.now();
  const samples = [];
  for (const after of settleMs) {
    await new Promise((r) => setTimeout(r, Math.max(0, after - (performance.now() - t0))));
    samples.push({ after, router: rssMb(router.pid), server: rssMb(server.pid) });
  }
  await Promise.all([router.close(), server.close()]);
  return samples;
}
