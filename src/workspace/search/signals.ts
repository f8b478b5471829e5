/**
 * The ranking signals beside plain BM25F over tool fields. Each reads the corpus and the query and
 * says, per tool, how much more that tool deserves; fusion.ts decides how they add up. Per-tool
 * values are arrays indexed by tool id (see ToolCorpus), undefined when the signal is off or empty.
 */
import { LRUCache } from 'lru-cache';
import type { ToolCorpus } from './corpus.js';
import type { WeightedQuery } from './expansion.js';
import { fuzzyMatches, type FuzzyMatch } from './fuzzy.js';
import { MAX_QUERY_MEMO_ENTRIES, type RankerParams } from './parameters.js';

/**
 * Server routing: BM25F over servers-as-documents (all of a server's tool text), normalized to
 * the best server. It lifts every tool of the servers the query is about: multi-step tasks need
 * several tools of one backend, and a server's pooled text matches queries its single tools miss.
 */
export function serverRouting(corpus: ToolCorpus, query: WeightedQuery, serverBoost: number): Float64Array | undefined {
  if (serverBoost <= 0 || corpus.servers.size < 2) return undefined;
  const { slots, scores } = corpus.servers.score(query);
  let max = 0;
  for (const s of scores) max = Math.max(max, s);
  if (max <= 0) return undefined;
  // By server slot: a tool reads its server's value through corpus.serverSlotOf.
  const out = new Float64Array(corpus.servers.capacity);
  for (let i = 0; i < slots.length; i++) out[slots[i] as number] = (scores[i] as number) / max;
  return out;
}

/**
 * Name coverage: how much of the tool's name the query spells out, IDF-weighted. A query that
 * mentions every word of "write_file" names that tool, while one sharing only "write" with
 * "excel_write_to_sheet" does not. BM25F saturation alone can't tell these apart.
 */
export function nameCoverage(corpus: ToolCorpus, query: WeightedQuery, params: Pick<RankerParams, 'nameCoverage' | 'coverageMinWords'>): Float64Array | undefined {
  if (params.nameCoverage <= 0) return undefined;
  // Only tools with at least one name word in the query can score, found via the name index. Each
  // is scored once (a query word can share many tools with another), in no particular order: every
  // tool writes its own slot.
  const out = new Float64Array(corpus.tools.capacity);
  const seen = new Uint8Array(corpus.tools.capacity);
  let any = false;
  for (const term of query.keys()) {
    for (const id of corpus.toolsWithNameWord(term)) {
      if (seen[id]) continue;
      seen[id] = 1;
      any = true;
      let hit = 0;
      let matched = 0;
      // Same words, same order as the total: the sums are exactly those of one combined loop.
      for (const w of corpus.nameWordsOf(id)) {
        const q = query.get(w);
        if (q !== undefined) {
          hit += corpus.tools.idf(w) * Math.min(1, q);
          matched++;
        }
      }
      const total = corpus.nameIdfTotal(id);
      if (matched >= params.coverageMinWords && total > 0) out[id] = hit / total;
    }
  }
  return any ? out : undefined;
}

/** Word pair -> ids of the tools that have it side by side. */
export type PhraseMemo = LRUCache<string, readonly number[]>;

export function phraseMemo(): PhraseMemo {
  return new LRUCache({ max: MAX_QUERY_MEMO_ENTRIES });
}

function adjacent(list: readonly string[], a: string, b: string): boolean {
  for (let i = 1; i < list.length; i++) if (list[i] === b && list[i - 1] === a) return true;
  return false;
}

/**
 * Proximity: the query's adjacent word pairs that a tool's text also has side by side ("word
 * cloud", "fear greed", "pull request"). A bag of words can't tell "cloud storage for words" from
 * "word cloud". Each matched pair counts by its rarity, log(1 + N/df) / log(1 + N); the sum is
 * capped at 1. Pair lookups depend on the catalog only, so they are memoized in `memo` (which the
 * owner empties whenever the catalog changes).
 */
export function phraseBonus(corpus: ToolCorpus, terms: readonly string[], memo: PhraseMemo): Float64Array | undefined {
  if (terms.length < 2) return undefined;
  const out = new Float64Array(corpus.tools.capacity);
  const n = corpus.tools.size;
  const norm = Math.log(1 + n);
  const seen = new Set<string>();
  for (let i = 1; i < terms.length; i++) {
    const p = `${terms[i - 1]} ${terms[i]}`;
    if (seen.has(p)) continue;
    seen.add(p);
    let tools = memo.get(p);
    if (!tools) {
      tools = phraseTools(corpus, terms[i - 1] as string, terms[i] as string);
      memo.set(p, tools);
    }
    if (tools.length === 0) continue;
    const w = Math.log(1 + n / tools.length) / norm;
    for (const t of tools) out[t] = Math.min(1, (out[t] as number) + w);
  }
  return out;
}

/**
 * Tools whose name, title or description has `a` directly followed by `b` (stop words removed from
 * descriptions and titles; names keep theirs, so "convert_to_pdf" has no (convert, pdf)). Found at
 * query time from the tools containing both words, so indexing pays nothing.
 */
function phraseTools(corpus: ToolCorpus, a: string, b: string): number[] {
  const out: number[] = [];
  const { tools } = corpus;
  if (a === b || tools.docFreq(a) === 0 || tools.docFreq(b) === 0) return out;
  const [rare, common] = tools.docFreq(a) <= tools.docFreq(b) ? [a, b] : [b, a];
  const withCommon = new Set(tools.docsWith(common));
  for (const tool of tools.docsWith(rare)) {
    if (!withCommon.has(tool)) continue;
    const f = corpus.fieldsOf(tool);
    if (f && [f.name, f.title, f.description].some((list) => adjacent(list, a, b))) out.push(tool);
  }
  return out;
}

/**
 * Format hints: the format names a query's paths imply ("x.docx" -> word document), for the formats
 * its prose (`said`) does not already name. The extension is a fallback for the object type, and
 * repeating a format the user spelled out would only let that step outweigh the task's others.
 */
export function addFormatHints(base: WeightedQuery, formats: ReadonlyArray<readonly string[]>, said: ReadonlySet<string>, formatWeight: number): void {
  if (formatWeight <= 0) return;
  for (const terms of formats) {
    if (terms.some((t) => said.has(t))) continue;
    for (const t of terms) base.set(t, Math.max(base.get(t) ?? 0, formatWeight));
  }
}

/**
 * Fuzzy matches for a query term the catalog lacks, from the vocabulary terms sharing its first
 * letter. Every fuzzy candidate does (prefix matches trivially, and edit matches are gated on it),
 * so a bucket replaces a scan of the whole vocabulary.
 */
export class FuzzyVocabulary {
  private readonly memo = new LRUCache<string, FuzzyMatch[]>({ max: MAX_QUERY_MEMO_ENTRIES });
  private buckets: Map<string, string[]> | undefined;

  constructor(private readonly corpus: ToolCorpus) {}

  matches(term: string): FuzzyMatch[] {
    let hit = this.memo.get(term);
    if (!hit) this.memo.set(term, (hit = fuzzyMatches(term, this.bucket(term))));
    return hit;
  }

  /** Forget everything derived from the vocabulary: it changed. */
  reset(): void {
    this.memo.clear();
    this.buckets = undefined;
  }

  private bucket(term: string): readonly string[] {
    if (!this.buckets) {
      this.buckets = new Map();
      for (const t of this.corpus.tools.vocabulary()) {
        const key = t[0] ?? '';
        let list = this.buckets.get(key);
        if (!list) this.buckets.set(key, (list = []));
        list.push(t);
      }
    }
    return this.buckets.get(term[0] ?? '') ?? [];
  }
}

/**
 * Argument producers: a tool that needs a "ticker", a "station code" or a "latitude" is used after
 * the tool of its own server that looks that value up, and the query rarely names that lookup
 * step. Links are derived per server when its tools change; at query time each of the best few
 * tools lifts its linked siblings by its score times the share of its arguments they supply.
 */
export class ProducerLinks {
  /** Consumer tool id -> same-server tools that mention its required arguments, with those argument terms. */
  private readonly links = new Map<number, Array<readonly [number, readonly string[]]>>();

  constructor(
    private readonly corpus: ToolCorpus,
    private readonly params: Pick<RankerParams, 'producerLift' | 'producerMaxSuppliers'>,
  ) {}

  forget(ids: readonly number[]): void {
    for (const id of ids) this.links.delete(id);
  }

  /**
   * For each tool of one server, the siblings that mention some of its required arguments in
   * their name or description without requiring them themselves: the lookups that produce them.
   * An argument that many siblings mention that way ("path", "file") is a generic one that no
   * particular lookup supplies, so it links nothing.
   */
  relink(server: string): void {
    const members = this.corpus.memberIds(server);
    // Term -> the members that mention it without requiring it: built once per server, so linking
    // stays linear in the server's size (a server with a thousand tools re-links in milliseconds).
    const mentioners = new Map<string, number[]>();
    for (const tool of members) {
      const f = this.corpus.fieldsOf(tool);
      if (!f) continue;
      const required = this.corpus.requiredTermsOf(tool);
      for (const term of new Set([...f.name, ...f.title, ...f.description])) {
        if (required.includes(term)) continue;
        const list = mentioners.get(term);
        if (list) list.push(tool);
        else mentioners.set(term, [tool]);
      }
    }
    for (const consumer of members) {
      const supplied = new Map<number, string[]>();
      for (const term of this.corpus.requiredTermsOf(consumer)) {
        const suppliers = (mentioners.get(term) ?? []).filter((p) => p !== consumer);
        if (suppliers.length > this.params.producerMaxSuppliers) continue; // generic ("path", "file")
        for (const p of suppliers) {
          const terms = supplied.get(p);
          if (terms) terms.push(term);
          else supplied.set(p, [term]);
        }
      }
      if (supplied.size > 0) this.links.set(consumer, [...supplied]);
      else this.links.delete(consumer);
    }
  }

  /** Producer -> lift, the largest any of the given (best) tools grants it. */
  lifts(top: ReadonlyArray<readonly [number, number]>): Map<number, number> {
    const lift = new Map<number, number>();
    for (const [consumer, score] of top) {
      const links = this.links.get(consumer);
      if (!links) continue;
      // IDF-weighted share of the consumer's arguments a producer supplies, so a rare argument
      // ("ticker") counts more than a common one ("date"). Computed here so it follows the catalog.
      const total = this.idfSum(this.corpus.requiredTermsOf(consumer));
      if (total <= 0) continue;
      for (const [producer, supplied] of links) {
        const l = this.params.producerLift * score * (this.idfSum(supplied) / total);
        lift.set(producer, Math.max(lift.get(producer) ?? 0, l));
      }
    }
    return lift;
  }

  private idfSum(terms: readonly string[]): number {
    let sum = 0;
    for (const t of terms) sum += this.corpus.tools.idf(t);
    return sum;
  }
}
