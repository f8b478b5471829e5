/**
 * Tables and the JSON record of one router bench run: for every request kind, each path's median
 * row, and the router read against the bare relay (the floor of any proxy that is its own process)
 * with a PASS/MISS against the targets.
 */
import type { BenchOptions, BenchResult } from './harness.js';
import type { PathId } from './stdio-paths.js';
import type { RequestKind } from './request-kinds.js';

/** The router against the bare relay, for every request kind. */
export const TARGETS = { p50MaxVsRelay: 1.15, throughputMinVsRelay: 0.9 } as const;

export interface KindOutcome {
  kind: RequestKind;
  /** Median over the rounds, per path; a path missing here failed (see errors). */
  medians: Partial<Record<PathId, BenchResult>>;
  rounds: Partial<Record<PathId, BenchResult[]>>;
  errors: string[];
}

export interface Verdict {
  p50Ratio: number;
  throughputRatio: number;
  p50Pass: boolean;
  throughputPass: boolean;
}

export function verdict(outcome: KindOutcome): Verdict | undefined {
  const { relay, router } = outcome.medians;
  if (!relay || !router) return undefined;
  const p50Ratio = router.p50 / relay.p50;
  const throughputRatio = router.callsPerSec / relay.callsPerSec;
  return { p50Ratio, throughputRatio, p50Pass: p50Ratio <= TARGETS.p50MaxVsRelay, throughputPass: throughputRatio >= TARGETS.throughputMinVsRelay };
}

const PATH_ORDER: PathId[] = ['direct', 'relay', 'router'];

function cpu(r: BenchResult, role: string): string {
  const v = r.cpuPerCall?.[role];
  return v === undefined || Number.isNaN(v) ? '-' : Math.round(v).toString();
}

const mark = (pass: boolean) => (pass ? 'PASS' : 'MISS');

/** One row per kind and path: latency, throughput, and where each call's CPU went. */
export function measurementTable(outcomes: KindOutcome[]): string {
  const rows = outcomes.flatMap((o) =>
    PATH_ORDER.map((id) => {
      const r = o.medians[id];
      if (!r) return `| ${o.kind.label} | ${id} | failed | | | | | |`;
      return `| ${o.kind.label} | ${id} | ${r.p50.toFixed(3)} | ${r.p99.toFixed(3)} | ${Math.round(r.callsPerSec)} | ${cpu(r, 'hop')} | ${cpu(r, 'server')} | ${cpu(r, 'client')} |`;
    }),
  );
  return [
    '| request | path | p50 ms | p99 ms | calls/s @32 | CPU µs/call: router or relay | server | client |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

/** One row per kind: the router's ratios to the bare relay and whether they meet the targets. */
export function verdictTable(outcomes: KindOutcome[]): string {
  const rows = outcomes.map((o) => {
    const v = verdict(o);
    if (!v) return `| ${o.kind.label} | - | MISS (no result) | - | MISS (no result) | - |`;
    const routerCpu = o.medians.router ? cpu(o.medians.router, 'hop') : '-';
    return `| ${o.kind.label} | ${v.p50Ratio.toFixed(2)}x | ${mark(v.p50Pass)} | ${v.throughputRatio.toFixed(2)}x | ${mark(v.throughputPass)} | ${routerCpu} |`;
  });
  return [
    `| request | router/relay p50 | <= ${TARGETS.p50MaxVsRelay}x | router/relay calls/s | >= ${TARGETS.throughputMinVsRelay}x | router CPU µs/call |`,
    '|---|---|---|---|---|---|',
    ...rows,
  ].join('\n');
}

export interface RunInfo {
  date: string;
  node: string;
  cores: number;
  commit?: string;
  rounds: number;
  options: BenchOptions;
}

/** Everything a later run or a script needs to compare against: medians, every round, verdicts. */
export function resultsJson(info: RunInfo, outcomes: KindOutcome[]): string {
  const kinds = outcomes.map((o) => ({
    id: o.kind.id,
    label: o.kind.label,
    medians: o.medians,
    rounds: o.rounds,
    routerVsRelay: verdict(o) ?? null,
    errors: o.errors,
  }));
  return `${JSON.stringify({ ...info, targets: TARGETS, kinds }, null, 2)}\n`;
}
