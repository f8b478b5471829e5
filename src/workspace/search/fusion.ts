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
 *
 * Tools are ids (see ToolCorpus). A ranking is kept unordered (Scored) and only its best few are
 * ever put in order (topK): no step reads past FUSION_DEPTH or the caller's limit.
 */
import type { ToolCorpus } from './corpus.js';
import type { SlotScores } from './bm25f.js';
import { FUSION_DEPTH, type RankerParams } from './parameters.js';
import { topK } from './top-k.js';

/** Tools with scores, in no particular order. */
export interface Scored {
  ids: number[];
  scores: number[];
}

/** Tools with scores, best first. */
export type Ranked = Array<[number, number]>;

const EMPTY: Scored = { ids: [], scores: [] };

/** The best `k` of a ranking, best first; equal scores by name, so results never depend on insertion order. */
export function best(scored: Scored, k: number, corpus: ToolCorpus): Ranked {
  const { ids, scores } = scored;
  const order = topK(ids.length, k, (i, j) => (scores[j] as number) - (scores[i] as number) || compareNames(corpus.nameOf(ids[i] as number), corpus.nameOf(ids[j] as number)));
  return order.map((i) => [ids[i] as number, scores[i] as number]);
}

function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export interface Signals {
  /** BM25F score of each tool that matched a query term. */
  bm25f: SlotScores;
  /** By server slot: routing score, 0..1 (serverRouting). */
  servers: Float64Array | undefined;
  /** By tool id: name coverage, 0..1 (nameCoverage). */
  coverage: Float64Array | undefined;
  /** By tool id: phrase bonus, 0..1 (phraseBonus). */
  phrases: Float64Array | undefined;
}

/** One piece of text's ranking: the tools BM25F matched; empty when none scored. */
export function combineSignals(signals: Signals, corpus: ToolCorpus, params: Pick<RankerParams, 'serverBoost' | 'nameCoverage' | 'phraseWeight'>): Scored {
  const { slots, scores } = signals.bm25f;
  let maxTool = 0;
  for (const s of scores) maxTool = Math.max(maxTool, s);
  if (maxTool <= 0) return EMPTY;
  const { servers, coverage, phrases } = signals;
  const { serverBoost, nameCoverage, phraseWeight } = params;
  const out = new Array<number>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const id = slots[i] as number;
    const lift = servers ? (servers[corpus.serverSlotOf(id)] ?? 0) : 0;
    const bonus = nameCoverage * (coverage ? (coverage[id] as number) : 0) + phraseWeight * (phrases ? (phrases[id] as number) : 0);
    out[i] = (scores[i] as number) / maxTool + serverBoost * lift + bonus;
  }
  return { ids: slots, scores: out };
}

export interface FusionInput {
  ranked: Ranked;
  weight: number;
}

/** Reciprocal-rank fusion: each ranking adds weight / (rrfK + rank) to its tools. */
export function fuseRankings(inputs: readonly FusionInput[], rrfK: number): Scored {
  const fused = new Map<number, number>();
  for (const { ranked, weight } of inputs) {
    ranked.forEach(([id], rank) => fused.set(id, (fused.get(id) ?? 0) + weight / (rrfK + rank + 1)));
  }
  return { ids: [...fused.keys()], scores: [...fused.values()] };
}

/** Add each producer's lift to its score (a producer not yet ranked enters with its lift alone). */
export function liftProducers(scored: Scored, lifts: ReadonlyMap<number, number>): Scored {
  if (lifts.size === 0) return scored;
  const ids = [...scored.ids];
  const scores = [...scored.scores];
  for (const [id, l] of lifts) {
    const at = ids.indexOf(id);
    if (at === -1) {
      ids.push(id);
      scores.push(l);
    } else scores[at] = (scores[at] as number) + l;
  }
  return { ids, scores };
}

/**
 * Near-duplicate suppression: the same tool name offered by two backends (two filesystem servers'
 * write_file) would take two of the few slots an agent reads, so a name already picked discounts
 * later tools of that name by `dupDecay`. Returns the best `limit`.
 */
export function diversify(scored: Scored, limit: number, dupDecay: number, corpus: ToolCorpus): Ranked {
  if (dupDecay >= 1) return best(scored, limit, corpus);
  const seen = new Set<string>();
  const kept: Scored = { ids: [], scores: [] };
  const deferred: Scored = { ids: [], scores: [] };
  for (const [id, score] of best(scored, Math.max(limit * 2, FUSION_DEPTH), corpus)) {
    const bare = corpus.bareNameOf(id);
    if (seen.has(bare)) {
      deferred.ids.push(id);
      deferred.scores.push(score * dupDecay);
    } else {
      seen.add(bare);
      kept.ids.push(id);
      kept.scores.push(score);
    }
  }
  return best({ ids: [...kept.ids, ...deferred.ids], scores: [...kept.scores, ...deferred.scores] }, limit, corpus);
}
