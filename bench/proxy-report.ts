/**
 * Tables and the JSON record of one router bench run: for every request kind, each path's median
 * row, and the router read against the bare relay (the floor of any proxy that is its own process)
 * with a PASS/MISS against the targets.
 */
import type { BenchOptions, BenchResult } from './harness.js';
import type { PathId } from './stdio-paths.js';
import type { RequestKind } from './request-kinds.js';

/** The router against the bare relay, for every request kind. */
export const TARGETS = { p50MaxVsRelay: 1.15, throughputMinVsRelay: 0.9, modernP50MaxVsLegacy: 1.15 } as const;

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

const PATH_ORDER: PathId[] = ['direct', 'relay', 'router', 'router-2026'];

function cpu(r: BenchResult, role: string): string {
  const v = r.cpuPerCall?.[role];
  return v === undefined || Number.isNaN(v) ? '-' : Math.round(v).toString();
}

const mark = (pass: boolean) => (pass ? 'PASS' : 'MISS');

/** One row per kind and path: latency, throughput, and where each call's CPU went. */
export function measurementTable(outcomes: KindOutcome[]): string {
  const rows = outcomes.flatMap((o) =>
    // A path measured for some kinds only has no rounds (and no errors) for the others: no row.
    PATH_ORDER.filter((id) => o.rounds[id] !== undefined || o.errors.some((e) => e.includes(` via ${id},`))).map((id) => {
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

/** The same router and request from a 2026-07-28 client and from a 2025 session. */
export function eraVerdict(outcome: KindOutcome): { p50Ratio: number; throughputRatio: number; p50Pass: boolean } | undefined {
  const { router, 'router-2026': modern } = outcome.medians;
  if (!router || !modern) return undefined;
  const p50Ratio = modern.p50 / router.p50;
  return { p50Ratio, throughputRatio: modern.callsPerSec / router.callsPerSec, p50Pass: p50Ratio <= TARGETS.modernP50MaxVsLegacy };
}

/** One row per kind measured from both eras. */
export function eraTable(outcomes: KindOutcome[]): string {
  const rows = outcomes.flatMap((o) => {
    const v = eraVerdict(o);
    const { router, 'router-2026': modern } = o.medians;
    if (!v || !router || !modern) return o.rounds['router-2026'] ? [`| ${o.kind.label} | - | - | MISS (no result) | - | - | - |`] : [];
    return [
      `| ${o.kind.label} | ${router.p50.toFixed(3)} | ${modern.p50.toFixed(3)} | ${v.p50Ratio.toFixed(2)}x ${mark(v.p50Pass)} | ${Math.round(router.callsPerSec)} / ${Math.round(modern.callsPerSec)} (${v.throughputRatio.toFixed(2)}x) | ${cpu(router, 'hop')} / ${cpu(modern, 'hop')} | ${cpu(router, 'client')} / ${cpu(modern, 'client')} |`,
    ];
  });
  return [
    `| request | 2025 p50 ms | 2026 p50 ms | 2026/2025 p50 (<= ${TARGETS.modernP50MaxVsLegacy}x) | calls/s @32 2025 / 2026 | router CPU µs/call 2025 / 2026 | client CPU µs/call 2025 / 2026 |`,
    '|---|---|---|---|---|---|---|',
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
    modernVsLegacyClient: eraVerdict(o) ?? null,
    errors: o.errors,
  }));
  return `${JSON.stringify({ ...info, targets: TARGETS, kinds }, null, 2)}\n`;
}
