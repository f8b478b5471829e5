/**
 * Query expansion: turn the user's words into a weighted term map.
 *
 * Three sources, each weighted below the user's own words so they can only break ties or fill
 * vocabulary gaps, never outvote what was asked:
 *  - generic synonyms (synonyms.ts), kept only when the catalog actually contains them;
 *  - fuzzy/prefix vocabulary matches for long query terms the catalog lacks (fuzzy.ts);
 *  - pseudo-relevance feedback (RM3-style): terms that co-occur in the first pass's best tools,
 *    i.e. synonyms learned from the catalog itself for this query.
 */
import type { Bm25fIndex } from './bm25f.js';
import { fuzzyMatches } from './fuzzy.js';

export type WeightedQuery = Map<string, number>;

function raise(query: WeightedQuery, term: string, weight: number): void {
  if (weight > (query.get(term) ?? 0)) query.set(term, weight);
}

/** Original terms weigh 1, a repeated term a little more (sublinear, so repetition can't dominate). */
export function baseQuery(terms: readonly string[]): WeightedQuery {
  const counts = new Map<string, number>();
  for (const t of terms) counts.set(t, (counts.get(t) ?? 0) + 1);
  return new Map([...counts].map(([t, c]) => [t, 1 + 0.3 * Math.log(c)]));
}

export interface ExpandOptions {
  synonyms: ReadonlyMap<string, readonly string[]>;
  synonymWeight: number;
  fuzzyWeight: number;
  /** Fuzzy results are cached per index generation by the caller; this looks one up or computes it. */
  fuzzy: (term: string) => ReturnType<typeof fuzzyMatches>;
}

export function expandQuery<F extends string>(base: WeightedQuery, index: Bm25fIndex<F>, opts: ExpandOptions): WeightedQuery {
  const out: WeightedQuery = new Map(base);
  for (const [term, weight] of base) {
    for (const syn of opts.synonyms.get(term) ?? []) {
      if (index.docFreq(syn) > 0) raise(out, syn, weight * opts.synonymWeight);
    }
    if (index.docFreq(term) === 0 && opts.fuzzyWeight > 0) {
      for (const m of opts.fuzzy(term)) raise(out, m.term, weight * opts.fuzzyWeight * m.similarity);
    }
  }
  return out;
}

export interface FeedbackOptions {
  docs: number;
  terms: number;
  weight: number;
}

/**
 * Add the terms that best characterize the top-ranked tools. A term's feedback weight is the sum
 * over feedback docs of (doc's relative score) x (its share of the doc's weighted terms) x IDF, so
 * catalog-wide filler ("return", "string") loses to the distinctive words of the likely answers.
 */
export function feedbackQuery<F extends string>(
  query: WeightedQuery,
  /** The first pass's best documents (slots in `index`) with their scores, best first. */
  ranked: ReadonlyArray<readonly [number, number]>,
  index: Bm25fIndex<F>,
  opts: FeedbackOptions,
): WeightedQuery {
  const top = ranked.slice(0, opts.docs);
  const best = top[0]?.[1] ?? 0;
  if (opts.weight <= 0 || opts.terms <= 0 || best <= 0) return query;
  const candidates = new Map<string, number>();
  for (const [id, score] of top) {
    const weights = index.docTermWeights(id);
    let total = 0;
    for (const w of weights.values()) total += w;
    if (total === 0) continue;
    for (const [term, w] of weights) {
      if (query.has(term)) continue;
      candidates.set(term, (candidates.get(term) ?? 0) + (score / best) * (w / total) * index.idf(term));
    }
  }
  const picked = [...candidates].sort((a, b) => b[1] - a[1]).slice(0, opts.terms);
  const max = picked[0]?.[1] ?? 0;
  if (max <= 0) return query;
  const out: WeightedQuery = new Map(query);
  for (const [term, w] of picked) out.set(term, (opts.weight * w) / max);
  return out;
}
