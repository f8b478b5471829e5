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
  id: string;
  /** Field lengths in tokens, in `fields` order. */
  lengths: number[];
  /** term -> per-field term frequency, in `fields` order. */
  terms: Map<string, number[]>;
  /** Per field: weight / BM25 length norm, refreshed lazily after the collection changes. */
  fieldFactor: number[];
  /** docTermWeights, memoized: it depends on this document only. */
  termWeights?: Map<string, number>;
}

export class Bm25fIndex<F extends string> {
  /** Documents live in numbered slots so scoring can accumulate into a flat array. */
  private readonly slots: Array<DocEntry | undefined> = [];
  private readonly freeSlots: number[] = [];
  private readonly slotById = new Map<string, number>();
  /** term -> slot -> per-field term frequency. */
  private readonly postings = new Map<string, Map<number, number[]>>();
  private readonly totalLengths: number[];
  /** Length norms and IDFs depend on the whole collection: recomputed on first use after a change. */
  private dirty = true;
  private idfCache = new Map<string, number>();

  constructor(private readonly config: Bm25fConfig<F>) {
    this.totalLengths = config.fields.map(() => 0);
  }

  get size(): number {
    return this.slotById.size;
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
    const slot = this.freeSlots.pop() ?? this.slots.length;
    this.slots[slot] = { id, lengths, terms, fieldFactor: names.map(() => 0) };
    this.slotById.set(id, slot);
    lengths.forEach((len, i) => (this.totalLengths[i] = (this.totalLengths[i] ?? 0) + len));
    for (const [term, tf] of terms) {
      let docs = this.postings.get(term);
      if (!docs) this.postings.set(term, (docs = new Map()));
      docs.set(slot, tf);
    }
    this.dirty = true;
  }

  delete(id: string): boolean {
    const slot = this.slotById.get(id);
    if (slot === undefined) return false;
    const doc = this.slots[slot] as DocEntry;
    this.slotById.delete(id);
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    doc.lengths.forEach((len, i) => (this.totalLengths[i] = (this.totalLengths[i] ?? 0) - len));
    for (const term of doc.terms.keys()) {
      const docs = this.postings.get(term);
      docs?.delete(slot);
      if (docs && docs.size === 0) this.postings.delete(term);
    }
    this.dirty = true;
    return true;
  }

  /** Number of documents containing `term`. */
  docFreq(term: string): number {
    return this.postings.get(term)?.size ?? 0;
  }

  /** Ids of the documents containing `term`. */
  docsWith(term: string): string[] {
    const docs = this.postings.get(term);
    if (!docs) return [];
    const out: string[] = [];
    for (const slot of docs.keys()) out.push((this.slots[slot] as DocEntry).id);
    return out;
  }

  /** BM25's non-negative IDF: rare terms count more, a term in every document counts ~0. */
  idf(term: string): number {
    this.refresh();
    let v = this.idfCache.get(term);
    if (v === undefined) {
      const n = this.slotById.size;
      const df = this.docFreq(term);
      v = Math.log(1 + (n - df + 0.5) / (df + 0.5));
      if (this.idfCache.size > 100_000) this.idfCache.clear();
      this.idfCache.set(term, v);
    }
    return v;
  }

  vocabulary(): IterableIterator<string> {
    return this.postings.keys();
  }

  /** Field-weighted term frequencies of one document, for feedback term selection. */
  docTermWeights(id: string): ReadonlyMap<string, number> {
    const slot = this.slotById.get(id);
    const doc = slot === undefined ? undefined : this.slots[slot];
    if (!doc) return new Map();
    if (doc.termWeights) return doc.termWeights;
    const out = new Map<string, number>();
    const { fields, weights } = this.config;
    for (const [term, tf] of doc.terms) {
      let w = 0;
      fields.forEach((f, i) => (w += weights[f] * (tf[i] ?? 0)));
      if (w > 0) out.set(term, w);
    }
    doc.termWeights = out;
    return out;
  }

  /** Recompute per-document field factors (weight / length norm) after the collection changed. */
  private refresh(): void {
    if (!this.dirty) return;
    this.dirty = false;
    this.idfCache = new Map();
    const { fields, weights, b } = this.config;
    const n = this.slotById.size;
    if (n === 0) return;
    const avg = this.totalLengths.map((total) => Math.max(total / n, 1e-9));
    for (const doc of this.slots) {
      if (!doc) continue;
      for (let i = 0; i < fields.length; i++) {
        const norm = 1 - b + (b * (doc.lengths[i] ?? 0)) / (avg[i] ?? 1);
        doc.fieldFactor[i] = weights[fields[i] as F] / norm;
      }
    }
  }

  /** Score every document matching at least one weighted query term. */
  score(query: ReadonlyMap<string, number>): Map<string, number> {
    const out = new Map<string, number>();
    if (this.slotById.size === 0) return out;
    this.refresh();
    const { k1 } = this.config;
    const acc = new Float64Array(this.slots.length);
    const touched: number[] = [];
    for (const [term, qWeight] of query) {
      const docs = this.postings.get(term);
      if (!docs || qWeight <= 0) continue;
      const w = qWeight * this.idf(term);
      for (const [slot, tf] of docs) {
        const factor = (this.slots[slot] as DocEntry).fieldFactor;
        let pseudoTf = 0;
        for (let i = 0; i < tf.length; i++) {
          const f = tf[i] as number;
          if (f !== 0) pseudoTf += f * (factor[i] as number);
        }
        if (acc[slot] === 0) touched.push(slot);
        acc[slot] = (acc[slot] as number) + (w * pseudoTf) / (k1 + pseudoTf);
      }
    }
    for (const slot of touched) out.set((this.slots[slot] as DocEntry).id, acc[slot] as number);
    return out;
  }
}
