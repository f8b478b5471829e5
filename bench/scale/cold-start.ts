/**
 * Cold start: N server-memory backends (9 tools each) started directly by a bare client, against the
 * same N behind `switchboard serve` on stdio. Times from spawn: initialize answered, and a COMPLETE
 * first tools/list (every page followed; the routed list must hold all 9*N tools, and the bench
 * says when it does not). The router alone with no servers gives its own load time.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LineClient, median } from './line-client.js';
import { CLI, MEMORY_SERVER, ROOT } from './paths.js';

export interface ColdStart {
  backends: number;
  directInit: number;
  directList: number;
  routedInit: number;
  routedList: number;
  /** Tools in the routed first list / tools expected. */
  routedComplete: string;
  /** Router CPU (ms) spent before initialize was answered, and backends already spawned then (medians). */
  routedInitCpu: number;
  spawnedAtInit: number;
}

/** CPU time (user + system) a process has used so far, in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * (1000 / 100);
}

/** Child processes of a process (its backends, and serve's watchdog helper). */
function childCount(pid: number): number {
  return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).length;
}

function memoryConfig(n: number, dir: string): string {
  const servers = Array.from({ length: n }, (_, i) => `  m${i}:\n    command: node\n    args: [${JSON.stringify(MEMORY_SERVER)}]\n    env: { MEMORY_FILE_PATH: ${JSON.stringify(join(dir, `m${i}.jsonl`))} }\n`).join('');
  const path = join(dir, `router-${n}.yaml`);
  writeFileSync(path, n ? `servers:\n${servers}` : 'servers: {}\n');
  return path;
}

async function direct(n: number, dir: string): Promise<{ init: number; list: number; tools: number }> {
  const t0 = performance.now();
  const clients = Array.from({ length: n }, (_, i) => new LineClient('node', [MEMORY_SERVER], { env: { MEMORY_FILE_PATH: join(dir, `d${i}.jsonl`) } }));
  let init = 0;
  let list = 0;
  let tools = 0;
  await Promise.all(
    clients.map(async (c) => {
      await c.initialize();
      init = Math.max(init, performance.now() - t0);
      tools += (await c.listAll()).length;
      list = Math.max(list, performance.now() - t0);
    }),
  );
  await Promise.all(clients.map((c) => c.close()));
  return { init, list, tools };
}

async function routed(config: string): Promise<{ init: number; list: number; tools: number; initCpu: number; spawned: number }> {
  const t0 = performance.now();
  const client = new LineClient('node', [CLI, 'serve', '--config', config, '--log-level', 'silent'], { cwd: ROOT });
  await client.initialize();
  const init = performance.now() - t0;
  const initCpu = cpuMs(client.pid);
  const spawned = childCount(client.pid);
  const tools = (await client.listAll()).length;
  const list = performance.now() - t0;
  await client.close();
  return { init, list, tools, initCpu, spawned };
}

/** The router alone (no servers): what loading it costs before it can answer. */
export async function routerLoad(rounds: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-scale-'));
  const config = memoryConfig(0, dir);
  const times: number[] = [];
  for (let r = 0; r < rounds; r++) times.push((await routed(config)).init);
  return median(times);
}

export async function coldStart(counts: number[], rounds: number): Promise<ColdStart[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-scale-'));
  const rows: ColdStart[] = [];
  for (const n of counts) {
    const config = memoryConfig(n, dir);
    const d: Array<Awaited<ReturnType<typeof direct>>> = [];
    const r: Array<Awaited<ReturnType<typeof routed>>> = [];
    for (let i = 0; i < rounds; i++) {
      d.push(await direct(n, dir));
      r.push(await routed(config));
    }
    const complete = r.filter((x) => x.tools === 9 * n).length;
    rows.push({
      backends: n,
      directInit: median(d.map((x) => x.init)),
      directList: median(d.map((x) => x.list)),
      routedInit: median(r.map((x) => x.init)),
      routedList: median(r.map((x) => x.list)),
      routedComplete: `${complete}/${rounds} complete (min ${Math.min(...r.map((x) => x.tools))}/${9 * n} tools)`,
      routedInitCpu: median(r.map((x) => x.initCpu)),
      spawnedAtInit: median(r.map((x) => x.spawned)),
    });
  }
  return rows;
}
