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
  terms: Map<string, Occurrence>;
  /** Per field: weight / BM25 length norm, refreshed lazily after the collection changes. */
  fieldFactor: number[];
  /** docTermWeights, memoized: it depends on this document only. */
  termWeights?: Map<string, number>;
}

function bm25Idf(n: number, df: number): number {
  return Math.log(1 + (n - df + 0.5) / (df + 0.5));
}

/** A term in one document. */
interface Occurrence {
  /** Per-field term frequency, in `fields` order. */
  tf: number[];
  /** Where the document is in the term's posting, so removing it takes no search. */
  at: number;
}

/** One term's documents as parallel arrays, so scoring is a flat loop with no per-document lookups. */
interface Posting {
  slots: number[];
  /** The term's occurrence in each document (shared with its DocEntry.terms). */
  occurrences: Occurrence[];
  /**
   * BM25F's pseudo-frequency of the term in each document (field frequencies times weight / length
   * norm, summed). It depends on the whole collection, so it is recomputed on the term's first use
   * after a change: a change then costs only the terms queries actually use.
   */
  pseudoTf: number[];
  /** The collection generation pseudoTf was computed for. */
  generation: number;
  /** The term's IDF, likewise computed on first use in a generation. */
  idf: number;
  idfGeneration: number;
}

/** Documents that matched a query, by slot, with their scores; in no particular order. */
export interface SlotScores {
  slots: number[];
  scores: number[];
}

export class Bm25fIndex<F extends string> {
  /** Documents live in numbered slots (stable while a document stays) so callers can key arrays by them. */
  private readonly slots: Array<DocEntry | undefined> = [];
  private readonly freeSlots: number[] = [];
  private readonly slotById = new Map<string, number>();
  private readonly postings = new Map<string, Posting>();
  private readonly totalLengths: number[];
  /** Length norms and IDFs depend on the whole collection: recomputed on first use after a change. */
  private dirty = true;
  /** Counts refreshes: a posting whose pseudoTf or IDF is from an older generation is stale. */
  private generation = 0;
  /** Scoring scratch, all zero between calls. */
  private acc = new Float64Array(0);
  private seen = new Uint8Array(0);

  constructor(private readonly config: Bm25fConfig<F>) {
    this.totalLengths = config.fields.map(() => 0);
  }

  get size(): number {
    return this.slotById.size;
  }

  /** One more than the highest slot in use: arrays of this length can be indexed by any slot. */
  get capacity(): number {
    return this.slots.length;
  }

  slotOf(id: string): number | undefined {
    return this.slotById.get(id);
  }

  /** The id of the document in `slot` ('' for a free slot). */
  idOf(slot: number): string {
    return this.slots[slot]?.id ?? '';
  }

  /** Add or replace a document; returns its slot. */
  set(id: string, fields: Readonly<Record<F, readonly string[]>>): number {
    this.delete(id);
    const { fields: names } = this.config;
    const lengths = names.map((f) => fields[f].length);
    const terms = new Map<string, Occurrence>();
    names.forEach((f, i) => {
      for (const term of fields[f]) {
        let occurrence = terms.get(term);
        if (!occurrence) terms.set(term, (occurrence = { tf: names.map(() => 0), at: -1 }));
        occurrence.tf[i] = (occurrence.tf[i] ?? 0) + 1;
      }
    });
    const slot = this.freeSlots.pop() ?? this.slots.length;
    this.slots[slot] = { id, lengths, terms, fieldFactor: names.map(() => 0) };
    this.slotById.set(id, slot);
    lengths.forEach((len, i) => (this.totalLengths[i] = (this.totalLengths[i] ?? 0) + len));
    for (const [term, occurrence] of terms) {
      let posting = this.postings.get(term);
      if (!posting) this.postings.set(term, (posting = { slots: [], occurrences: [], pseudoTf: [], generation: -1, idf: 0, idfGeneration: -1 }));
      occurrence.at = posting.slots.length;
      posting.slots.push(slot);
      posting.occurrences.push(occurrence);
      posting.pseudoTf.push(0);
    }
    this.dirty = true;
    return slot;
  }

  delete(id: string): boolean {
    const slot = this.slotById.get(id);
    if (slot === undefined) return false;
    const doc = this.slots[slot] as DocEntry;
    this.slotById.delete(id);
    this.slots[slot] = undefined;
    this.freeSlots.push(slot);
    doc.lengths.forEach((len, i) => (this.totalLengths[i] = (this.totalLengths[i] ?? 0) - len));
    for (const [term, { at }] of doc.terms) {
      const posting = this.postings.get(term);
      if (!posting) continue;
      // Move the last entry into the gap: the order of a posting list carries no meaning.
      const last = posting.slots.length - 1;
      const moved = posting.occurrences[last] as Occurrence;
      posting.slots[at] = posting.slots[last] as number;
      posting.occurrences[at] = moved;
      posting.pseudoTf[at] = posting.pseudoTf[last] as number;
      moved.at = at;
      posting.slots.pop();
      posting.occurrences.pop();
      posting.pseudoTf.pop();
      if (posting.slots.length === 0) this.postings.delete(term);
    }
    this.dirty = true;
    return true;
  }

  /** Number of documents containing `term`. */
  docFreq(term: string): number {
    return this.postings.get(term)?.slots.length ?? 0;
  }

  /** Slots of the documents containing `term`. */
  docsWith(term: string): readonly number[] {
    return this.postings.get(term)?.slots ?? [];
  }

  /**
   * BM25's non-negative IDF: rare terms count more, a term in every document counts ~0. Kept on
   * the term's posting, so no memo grows with the words queries bring.
   */
  idf(term: string): number {
    this.refresh();
    const posting = this.postings.get(term);
    if (!posting) return bm25Idf(this.slotById.size, 0);
    if (posting.idfGeneration !== this.generation) {
      posting.idf = bm25Idf(this.slotById.size, posting.slots.length);
      posting.idfGeneration = this.generation;
    }
    return posting.idf;
  }

  /** Changes whenever IDFs may have (documents added or removed): what callers key IDF-derived caches on. */
  idfGeneration(): number {
    this.refresh();
    return this.generation;
  }

  vocabulary(): IterableIterator<string> {
    return this.postings.keys();
  }

  /** Field-weighted term frequencies of the document in `slot`, for feedback term selection. */
  docTermWeights(slot: number): ReadonlyMap<string, number> {
    const doc = this.slots[slot];
    if (!doc) return new Map();
    if (doc.termWeights) return doc.termWeights;
    const out = new Map<string, number>();
    const { fields, weights } = this.config;
    for (const [term, { tf }] of doc.terms) {
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
    this.generation++;
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

  private refreshPosting(posting: Posting): void {
    posting.generation = this.generation;
    for (let j = 0; j < posting.slots.length; j++) {
      const factor = (this.slots[posting.slots[j] as number] as DocEntry).fieldFactor;
      const { tf } = posting.occurrences[j] as Occurrence;
      let pseudoTf = 0;
      for (let i = 0; i < tf.length; i++) {
        const f = tf[i] as number;
        if (f !== 0) pseudoTf += f * (factor[i] as number);
      }
      posting.pseudoTf[j] = pseudoTf;
    }
  }

  /** Score every document matching at least one weighted query term. */
  score(query: ReadonlyMap<string, number>): SlotScores {
    const out: SlotScores = { slots: [], scores: [] };
    if (this.slotById.size === 0) return out;
    this.refresh();
    const { k1 } = this.config;
    if (this.acc.length < this.slots.length) {
      this.acc = new Float64Array(this.slots.length);
      this.seen = new Uint8Array(this.slots.length);
    }
    const { acc, seen } = this;
    const touched = out.slots;
    for (const [term, qWeight] of query) {
      const posting = this.postings.get(term);
      if (!posting || qWeight <= 0) continue;
      const w = qWeight * this.idf(term);
      if (posting.generation !== this.generation) this.refreshPosting(posting);
      const { slots, pseudoTf } = posting;
      for (let j = 0; j < slots.length; j++) {
        const slot = slots[j] as number;
        const p = pseudoTf[j] as number;
        if (seen[slot] === 0) {
          seen[slot] = 1;
          touched.push(slot);
        }
        acc[slot] = (acc[slot] as number) + (w * p) / (k1 + p);
      }
    }
    for (const slot of touched) {
      out.scores.push(acc[slot] as number);
      acc[slot] = 0;
      seen[slot] = 0;
    }
    return out;
  }
}
