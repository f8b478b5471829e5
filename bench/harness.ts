/**
 * Shared measurement loop for the latency benchmarks: sequential calls for p50/p99, then a fixed
 * number of calls in flight for throughput. Every loop is bounded in count and time.
 */
import { setMaxListeners } from 'node:events';
import type { Client } from '@modelcontextprotocol/client';

// The SDK's HTTP client transport adds an abort listener per request to one long-lived signal;
// at thousands of calls Node warns on every one, drowning the tables. The client's quirk, not the
// gateways': lift the limit for benchmark processes only.
setMaxListeners(0);

export interface BenchResult {
  name: string;
  p50: number;
  p99: number;
  callsPerSec: number;
  /** Microseconds of CPU per call during the throughput phase, when a probe was given. */
  cpuPerCall?: Record<string, number>;
}

/** Reads CPU counters (seconds, by process role) around the throughput phase. */
export type CpuProbe = () => Record<string, number>;

export interface BenchOptions {
  sequential: number;
  concurrency: number;
  throughputMs: number;
  warmup: number;
}

// 3 000 warm-up calls: the JIT of a Node gateway and of the Node server behind it needs a few thousand
// calls to settle. After only 300, every path's p50 measured about twice its steady state, which is
// not what a long-running router shows its clients.
export const DEFAULT_BENCH: BenchOptions = { sequential: 2000, concurrency: 32, throughputMs: 4000, warmup: 3000 };

export type Call = () => Promise<unknown>;

export function echoCall(client: Client, tool: string): Call {
  let i = 0;
  return () => client.callTool({ name: tool, arguments: { message: `m${i++}` } });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export async function measure(name: string, call: Call, opts: BenchOptions = DEFAULT_BENCH, probe?: CpuProbe): Promise<BenchResult> {
  for (let i = 0; i < opts.warmup; i++) await call();
  const times: number[] = [];
  for (let i = 0; i < opts.sequential; i++) {
    const t0 = performance.now();
    await call();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  let done = 0;
  const deadline = performance.now() + opts.throughputMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      await call();
      done++;
    }
  };
  const before = probe?.();
  const t0 = performance.now();
  await Promise.all(Array.from({ length: opts.concurrency }, worker));
  const elapsed = (performance.now() - t0) / 1000;
  const result: BenchResult = { name, p50: percentile(times, 50), p99: percentile(times, 99), callsPerSec: done / elapsed };
  if (probe && before) {
    const after = probe();
    result.cpuPerCall = Object.fromEntries(Object.keys(before).map((k) => [k, ((after[k]! - before[k]!) * 1e6) / done]));
  }
  return result;
}

/** Per-column median of several runs of one path. */
export function median(runs: BenchResult[]): BenchResult {
  const mid = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  const result: BenchResult = { name: runs[0]!.name, p50: mid(runs.map((r) => r.p50)), p99: mid(runs.map((r) => r.p99)), callsPerSec: mid(runs.map((r) => r.callsPerSec)) };
  const cpuKeys = Object.keys(runs[0]!.cpuPerCall ?? {});
  if (cpuKeys.length) result.cpuPerCall = Object.fromEntries(cpuKeys.map((k) => [k, mid(runs.map((r) => r.cpuPerCall?.[k] ?? NaN))]));
  return result;
}
