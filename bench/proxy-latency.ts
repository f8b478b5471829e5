/**
 * npm run bench (first part): three request kinds (request-kinds.ts) to @modelcontextprotocol/server-everything
 * over stdio, each directly, through a bare byte relay and through the router, with the same client.
 * Prints the tables and writes the run to bench/results/latest.json (kept out of git).
 *
 * BENCH_ROUNDS=n changes the number of rounds; BENCH_SMOKE=1 runs tiny counts to check the wiring
 * and writes no JSON (its numbers mean nothing).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { DEFAULT_BENCH, measure, median, type BenchOptions, type BenchResult } from './harness.js';
import { eraTable, measurementTable, resultsJson, TARGETS, verdictTable, type KindOutcome } from './proxy-report.js';
import { REQUEST_KINDS, type RequestKind } from './request-kinds.js';
import { openPath, stdioPaths, type StdioPath } from './stdio-paths.js';

const root = resolve(import.meta.dirname, '..');
const smoke = process.env.BENCH_SMOKE === '1';
const options: BenchOptions = smoke ? { sequential: 50, concurrency: 32, throughputMs: 300, warmup: 50 } : DEFAULT_BENCH;
// Every cell is the median of alternating rounds: on a 2-core machine a single run swings by ±10%
// with whatever else the machine does, and alternating spreads that evenly over the paths.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (smoke ? 1 : 3));

async function measurePath(path: StdioPath, kind: RequestKind): Promise<BenchResult> {
  const open = await openPath(path);
  try {
    return await measure(path.label, kind.call(open.client, path.names), options, open.probe);
  } finally {
    await open.close();
  }
}

const paths = stdioPaths(root);
const outcomes: KindOutcome[] = REQUEST_KINDS.map((kind) => ({ kind, medians: {}, rounds: {}, errors: [] }));
// Kinds and paths alternate inside each round, and each measurement gets a fresh process tree, so
// the router and the relay it is read against are measured close together in time for every kind.
for (let round = 0; round < ROUNDS; round++) {
  for (const outcome of outcomes) {
    for (const path of paths) {
      if (path.kinds && !path.kinds.includes(outcome.kind.id)) continue;
      try {
        const result = await measurePath(path, outcome.kind);
        (outcome.rounds[path.id] ??= []).push(result);
      } catch (err) {
        const message = `${outcome.kind.label} via ${path.id}, round ${round + 1}: ${err instanceof Error ? err.message : String(err)}`;
        outcome.errors.push(message);
        process.stderr.write(`${message}\n`);
      }
    }
  }
}
for (const outcome of outcomes) {
  for (const path of paths) {
    if (path.kinds && !path.kinds.includes(outcome.kind.id)) continue;
    const runs = outcome.rounds[path.id];
    // A path that failed in any round has no trustworthy median: the kind then shows as failed.
    if (runs?.length === ROUNDS) outcome.medians[path.id] = median(runs);
  }
}

function commit(): string | undefined {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

const info = { date: new Date().toISOString(), node: process.version, cores: cpus().length, commit: commit(), rounds: ROUNDS, options };
const header =
  `Node ${info.node}, ${info.cores} cores, commit ${info.commit ?? '?'}, median of ${ROUNDS} alternating round(s)${smoke ? ' (SMOKE: numbers mean nothing)' : ''}. ` +
  `p50/p99 one call at a time after ${options.warmup} warm-up calls; calls/s with ${options.concurrency} in flight for ${options.throughputMs} ms; CPU over the throughput phase.`;
process.stdout.write(`${header}\n\n${measurementTable(outcomes)}\n\nRouter against the bare relay (targets: p50 <= ${TARGETS.p50MaxVsRelay}x, calls/s >= ${TARGETS.throughputMinVsRelay}x):\n\n${verdictTable(outcomes)}\n\n2026-07-28 client against a 2025 session, same router and backend (target: p50 <= ${TARGETS.modernP50MaxVsLegacy}x):\n\n${eraTable(outcomes)}\n`);
if (!smoke) {
  const dir = join(root, 'bench/results');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'latest.json'), resultsJson(info, outcomes));
  process.stdout.write(`\nWrote bench/results/latest.json\n`);
}
if (outcomes.some((o) => o.errors.length > 0)) process.exitCode = 1;
