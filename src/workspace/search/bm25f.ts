/**
 * An incremental BM25F inverted index (Robertson & Zaragoza's field-weighted BM25).
 *
 * Written here rather than on top of minisearch because the ranker needs three things minisearch
 * does not expose: per-term query weights (synonyms, feedback and fuzzy terms count less than the
 * user's own words), BM25F's "combine field frequencies, then saturate once" (minisearch saturates
 * each field separately, so a term repeated across name and description is over-counted), and
 * direct access to postings/document terms for pseudo-relevance feedback. It stays tiny.
 */

export interface Bm25fConfig<F extends string> {
  fields: readonly F[];
  weights: Readonly<Record<F, number>>;
  k1: number;
  b: number;
}

interface DocEntry {
  /** Field lengths in tokens, in `fields` order. */
  lengths: number[];
  /** term -> per-field term frequency, in `fields` order. */
  terms: Map<string, number[]>;
}

export class Bm25fIndex<F extends string> {
  private readonly docs = new Map<string, DocEntry>();
  /** term -> ids of docs that contain it. */
  private readonly postings = new Map<string, Set<string>>();
  private readonly totalLengths: number[];

  constructor(private readonly config: Bm25fConfig<F>) {
    this.totalLengths = config.fields.map(() => 0);
  }

  get size(): number {
    return this.docs.size;
  }

  has(id: string): boolean {
    return this.docs.has(id);
  }

  /** Add or replace a document. */
  set(id: string, fields: Readonly<Record<F, readonly string[]>>): void {
    this.delete(id);
    const { fields: names } = this.config;
    const lengths = names.map((f) => fields[f].length);
    const terms = new Map<string, number[]>();
    names.forEach((f, i) => {
      for (const term of fields[f]) {
        let tf = terms.get(term);
        if (!tf) terms.set(term, (tf = names.map(() => 0)));
        tf[i] = (tf[i] ?? 0) + 1;
      }
    });
    this.docs.set(id, { lengths, terms });
    lengths.forEach((len, i) => (this.totalLengths[i] = (this.totalLengths[i] ?? 0) + len));
    for (const term of terms.keys()) {
      let ids = this.postings.get(term);
      if (!ids) this.postings.set(term, (ids = new Set()));
      ids.add(id);
    }
  }

  delete(id: string): boolean {
    const doc = this.docs.get(id);
    if (!doc) return false;
    this.docs.delete(id);
    doc.lengths.forEach((len, i) => (this.totalLengths[i] = (this.totalLengths[i] ?? 0) - len));
    for (const term of doc.terms.keys()) {
      const ids = this.postings.get(term);
      ids?.delete(id);
      if (ids && ids.size === 0) this.postings.delete(term);
    }
    return true;
  }

  /** Number of documents containing `term`. */
  docFreq(term: string): number {
    return this.postings.get(term)?.size ?? 0;
  }

  /** BM25's non-negative IDF: rare terms count more, a term in every document counts ~0. */
  idf(term: string): number {
    const n = this.docs.size;
    const df = this.docFreq(term);
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  vocabulary(): IterableIterator<string> {
    return this.postings.keys();
  }

  /** Field-weighted term frequencies of one document, for feedback term selection. */
  docTermWeights(id: string): Map<string, number> {
    const out = new Map<string, number>();
    const doc = this.docs.get(id);
    if (!doc) return out;
    const { fields, weights } = this.config;
    for (const [term, tf] of doc.terms) {
      let w = 0;
      fields.forEach((f, i) => (w += weights[f] * (tf[i] ?? 0)));
      if (w > 0) out.set(term, w);
    }
    return out;
  }

  /** Score every document matching at least one weighted query term. */
  score(query: ReadonlyMap<string, number>): Map<string, number> {
    const scores = new Map<string, number>();
    const { fields, weights, k1, b } = this.config;
    const n = this.docs.size;
    if (n === 0) return scores;
    const avg = this.totalLengths.map((total) => Math.max(total / n, 1e-9));
    for (const [term, qWeight] of query) {
      const ids = this.postings.get(term);
      if (!ids || qWeight <= 0) continue;
      const idf = this.idf(term);
      for (const id of ids) {
        const doc = this.docs.get(id) as DocEntry;
        const tf = doc.terms.get(term) as number[];
        let pseudoTf = 0;
        for (let i = 0; i < fields.length; i++) {
          const f = tf[i] ?? 0;
          if (f === 0) continue;
          const norm = 1 - b + (b * (doc.lengths[i] ?? 0)) / (avg[i] ?? 1);
          pseudoTf += (weights[fields[i] as F] * f) / norm;
        }
        const contribution = (qWeight * idf * pseudoTf) / (k1 + pseudoTf);
        scores.set(id, (scores.get(id) ?? 0) + contribution);
      }
    }
    return scores;
  }
}
