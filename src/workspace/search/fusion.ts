/**
 * How the signals and the rankings of a query's pieces combine into one ranking.
 *
 *  - one piece of text: BM25F normalized to the best tool, plus server routing, name coverage and
 *    phrase bonuses, each times its weight (combineSignals);
 *  - a multi-step query: the whole query's ranking, each clause's and each implied file
 *    operation's, fused by reciprocal rank (fuseRankings), since scores of different queries aren't
 *    comparable but ranks are;
 *  - then argument producers are lifted (liftProducers) and a tool name already listed (the same
 *    tool on two backends) is pushed down (diversify).
 */
import { NO_SERVER } from './corpus.js';
import { bareToolName } from './fields.js';
import { FUSION_DEPTH, type RankerParams } from './parameters.js';

export type Ranked = ReadonlyArray<readonly [string, number]>;

/** Best score first; equal scores by name, so results never depend on insertion order. */
function byScoreThenName(a: readonly [string, number], b: readonly [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

export interface Signals {
  /** BM25F score of each tool that matched a query term. */
  bm25f: ReadonlyMap<string, number>;
  /** Server -> routing score, 0..1 (serverRouting). */
  servers: ReadonlyMap<string, number>;
  /** Tool -> name coverage, 0..1 (nameCoverage). */
  coverage: ReadonlyMap<string, number>;
  /** Tool -> phrase bonus, 0..1 (phraseBonus). */
  phrases: ReadonlyMap<string, number>;
}

/** One piece of text's ranking: the tools BM25F matched, best first; [] when none scored. */
export function combineSignals(
  signals: Signals,
  serverOf: (tool: string) => string | undefined,
  params: Pick<RankerParams, 'serverBoost' | 'nameCoverage' | 'phraseWeight'>,
): Array<[string, number]> {
  let maxTool = 0;
  for (const s of signals.bm25f.values()) maxTool = Math.max(maxTool, s);
  if (maxTool <= 0) return [];
  const out: Array<[string, number]> = [];
  for (const [name, s] of signals.bm25f) {
    const lift = signals.servers.get(serverOf(name) ?? NO_SERVER) ?? 0;
    const bonus = params.nameCoverage * (signals.coverage.get(name) ?? 0) + params.phraseWeight * (signals.phrases.get(name) ?? 0);
    out.push([name, s / maxTool + params.serverBoost * lift + bonus]);
  }
  out.sort(byScoreThenName);
  return out;
}

export interface FusionInput {
  ranked: Ranked;
  weight: number;
  /** How many of its best tools take part (default FUSION_DEPTH). */
  depth?: number;
}

/** Reciprocal-rank fusion: each ranking adds weight / (rrfK + rank) to its tools; best first. */
export function fuseRankings(inputs: readonly FusionInput[], rrfK: number): Array<[string, number]> {
  const fused = new Map<string, number>();
  for (const { ranked, weight, depth = FUSION_DEPTH } of inputs) {
    ranked.slice(0, depth).forEach(([name], rank) => fused.set(name, (fused.get(name) ?? 0) + weight / (rrfK + rank + 1)));
  }
  return [...fused].sort(byScoreThenName);
}

/** Add each producer's lift to its score (a producer not yet ranked enters with its lift alone). */
export function liftProducers(sorted: Ranked, lifts: ReadonlyMap<string, number>): Ranked {
  if (lifts.size === 0) return sorted;
  const out = new Map<string, number>(sorted);
  for (const [name, l] of lifts) out.set(name, (out.get(name) ?? 0) + l);
  return [...out].sort(byScoreThenName);
}

/**
 * Near-duplicate suppression: the same tool name offered by two backends (two filesystem servers'
 * write_file) would take two of the few slots an agent reads, so a name already picked discounts
 * later tools of that name by `dupDecay`. Returns the best `limit`.
 */
export function diversify(sorted: Ranked, limit: number, dupDecay: number): Array<[string, number]> {
  if (dupDecay >= 1) return sorted.slice(0, limit).map(([n, s]) => [n, s]);
  const seen = new Set<string>();
  const kept: Array<[string, number]> = [];
  const deferred: Array<[string, number]> = [];
  for (const [name, score] of sorted.slice(0, Math.max(limit * 2, FUSION_DEPTH))) {
    const bare = bareToolName(name);
    if (seen.has(bare)) deferred.push([name, score * dupDecay]);
    else {
      seen.add(bare);
      kept.push([name, score]);
    }
  }
  return [...kept, ...deferred].sort(byScoreThenName).slice(0, limit);
}
