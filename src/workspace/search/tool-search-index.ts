/**
 * ToolSearchIndex: offline, in-process retrieval of the best tools for a natural-language query.
 *
 * Pipeline per query:
 *  1. tokenize (identifier splitting, stop words, Porter stems, CJK bigrams plus English glosses
 *     of common Chinese words, so English queries reach Chinese descriptions);
 *  2. expand with generic synonyms and fuzzy matches for unknown long terms;
 *  3. BM25F over tool fields, plus BM25F over servers-as-documents (all of a server's tool text),
 *     which lifts every tool of the servers the query is about: multi-step tasks need several
 *     tools of one backend, and a server's pooled text matches queries its single tools miss;
 *     plus a bonus for tools whose name words the query spells out (name coverage) and one for
 *     tools whose text has the query's adjacent word pairs side by side (phrases);
 *  4. pseudo-relevance feedback from the first pass, then the same scoring again;
 *  5. for multi-step queries, the first few clauses and the file operation each plain-text path
 *     implies ("save ... to /x/report.md" -> "write file") are ranked on their own and fused with
 *     the whole query's ranking by reciprocal rank;
 *  6. the best few tools lift the tools of their own server that produce their required
 *     arguments (a geocoder for a tool that needs a latitude), and a tool name already listed
 *     (the same tool on two backends) is then pushed down.
 * A path's binary format also names its object ("x.docx" -> word document), see addFormats.
 */
import { Bm25fIndex } from './bm25f.js';
import { expandQuery, baseQuery, feedbackQuery, type WeightedQuery } from './expansion.js';
import { bareToolName, nameWords, requiredParams, toolFields } from './fields.js';
import { fuzzyMatches, type FuzzyMatch } from './fuzzy.js';
import { analyzeQuery, fileOperations, splitSegments } from './query-analysis.js';
import { buildSynonymMap } from './synonyms.js';
import { tokenize } from './tokenizer.js';
import { TOOL_FIELDS, type RankerParams, type SearchableTool, type SearchOptions, type SearchResult, type ToolField } from './types.js';

/** Best score first; equal scores by name, so results never depend on insertion order. */
function byScoreThenName(a: readonly [string, number], b: readonly [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

export const DEFAULT_RANKER_PARAMS: RankerParams = {
  fieldWeights: { name: 3, title: 2, description: 1, params: 0.4, server: 1, tags: 0.5 },
  k1: 1.2,
  b: 0.75,
  synonymWeight: 0.4,
  fuzzyWeight: 0.5,
  prfDocs: 3,
  prfTerms: 8,
  prfWeight: 0.3,
  serverBoost: 0.3,
  hintWeight: 1,
  formatWeight: 1,
  literalWeight: 0.5,
  segmentWeight: 0.5,
  rrfK: 10,
  maxSegments: 4,
  fileOpWeight: 1,
  fileOpDepth: 2,
  nameCoverage: 0.4,
  coverageMinWords: 2,
  glossary: true,
  dupDecay: 0.5,
  producerLift: 0.15,
  producerDepth: 5,
  producerMaxSuppliers: 3,
  phraseWeight: 0.2,
};

/** How deep each ranking is read when fusing: past this, a tool can't reach a useful top k. */
const FUSION_DEPTH = 50;
/** Queries are read up to this many characters. */
const MAX_QUERY_CHARS = 4000;
/** Bound on memoized fuzzy lookups: a long-lived router keeps seeing new words. */
const MAX_FUZZY_CACHE = 10_000;

type ServerField = 'server' | 'names' | 'text';
const SERVER_FIELDS: readonly ServerField[] = ['server', 'names', 'text'];
/** Tools without a server share one bucket; routing is skipped when there is only one bucket. */
const NO_SERVER = '';

function adjacent(list: readonly string[], a: string, b: string): boolean {
  for (let i = 1; i < list.length; i++) if (list[i] === b && list[i - 1] === a) return true;
  return false;
}

export class ToolSearchIndex {
  private readonly params: RankerParams;
  private readonly tools: Bm25fIndex<ToolField>;
  private readonly servers: Bm25fIndex<ServerField>;
  private readonly toolServer = new Map<string, string>();
  private readonly fieldsByTool = new Map<string, Record<ToolField, string[]>>();
  private readonly nameWordsByTool = new Map<string, string[]>();
  /** Name word -> tools whose name contains it (for the name-coverage bonus). */
  private readonly toolsByNameWord = new Map<string, Set<string>>();
  private readonly serverMembers = new Map<string, Set<string>>();
  /** Terms of each tool's required argument names ("ticker", "station", "latitude"). */
  private readonly requiresByTool = new Map<string, string[]>();
  /** Consumer tool -> same-server tools that mention its required arguments, with those argument terms. */
  private readonly producers = new Map<string, Array<readonly [string, readonly string[]]>>();
  /** Word -> terms memo shared by indexing and queries (see TokenizeOptions.cache). */
  private readonly tokenCache = new Map<string, readonly string[]>();
  private readonly synonyms = buildSynonymMap((w) => tokenize(w, { keepStopWords: true, cache: this.tokenCache }));
  /** Fuzzy matches depend only on the vocabulary: cached until the next change. */
  private fuzzyCache = new Map<string, FuzzyMatch[]>();
  /** Word pair -> tools that have it side by side; likewise cached until the next change. */
  private phraseCache = new Map<string, readonly string[]>();
  /** "write file" / "read file" -> its ranking: it depends on the catalog only, not on the query. */
  private fileOpCache = new Map<string, Array<[string, number]>>();
  /** First letter -> vocabulary terms, for fuzzy matching (see vocabularyBucket). */
  private buckets: Map<string, string[]> | undefined;

  constructor(items: readonly SearchableTool[] = [], params: Partial<RankerParams> = {}) {
    this.params = { ...DEFAULT_RANKER_PARAMS, ...params };
    const { fieldWeights, k1, b } = this.params;
    this.tools = new Bm25fIndex({ fields: TOOL_FIELDS, weights: fieldWeights, k1, b });
    this.servers = new Bm25fIndex({ fields: SERVER_FIELDS, weights: { server: 2, names: 1, text: 1 }, k1, b });
    this.upsert(items);
  }

  get size(): number {
    return this.tools.size;
  }

  /** Add or replace tools by name. */
  upsert(items: readonly SearchableTool[]): void {
    const touched = new Set<string>();
    for (const item of items) {
      const previous = this.toolServer.get(item.name);
      if (previous !== undefined) {
        this.serverMembers.get(previous)?.delete(item.name);
        touched.add(previous);
      }
      const server = item.server ?? NO_SERVER;
      const fields = toolFields(item, this.tokenCache, this.params.glossary);
      this.tools.set(item.name, fields);
      this.fieldsByTool.set(item.name, fields);
      this.unindexName(item.name);
      const words = nameWords(item, this.tokenCache, this.params.glossary);
      this.nameWordsByTool.set(item.name, words);
      for (const w of words) {
        let set = this.toolsByNameWord.get(w);
        if (!set) this.toolsByNameWord.set(w, (set = new Set()));
        set.add(item.name);
      }
      this.toolServer.set(item.name, server);
      this.requiresByTool.set(item.name, [...new Set(tokenize(requiredParams(item.inputSchema).join(' '), { cache: this.tokenCache, gloss: this.params.glossary }))]);
      let members = this.serverMembers.get(server);
      if (!members) this.serverMembers.set(server, (members = new Set()));
      members.add(item.name);
      touched.add(server);
    }
    this.reindexServers(touched);
  }

  /** Remove tools by name; unknown names are ignored. */
  remove(names: readonly string[]): void {
    const touched = new Set<string>();
    for (const name of names) {
      const server = this.toolServer.get(name);
      if (server === undefined) continue;
      this.tools.delete(name);
      this.fieldsByTool.delete(name);
      this.requiresByTool.delete(name);
      this.producers.delete(name);
      this.unindexName(name);
      this.toolServer.delete(name);
      this.serverMembers.get(server)?.delete(name);
      touched.add(server);
    }
    this.reindexServers(touched);
  }

  /** Replace everything one backend contributes (its tool list changed or it went away). */
  replaceServer(server: string, items: readonly SearchableTool[]): void {
    this.remove([...(this.serverMembers.get(server) ?? [])]);
    this.upsert(items.map((item) => ({ ...item, server })));
  }

  search(rawQuery: string, { limit = 5 }: SearchOptions = {}): SearchResult[] {
    if (limit <= 0 || this.tools.size === 0) return [];
    // A pasted document or blob would make every step linear in its size; intent comes first.
    const query = rawQuery.length > MAX_QUERY_CHARS ? rawQuery.slice(0, MAX_QUERY_CHARS) : rawQuery;
    const main = this.rankText(query);
    const segments = this.params.segmentWeight > 0 ? splitSegments(query, this.params.maxSegments) : [];
    const fileOps = this.params.fileOpWeight > 0 ? fileOperations(query) : [];
    if (main.length === 0 || (segments.length === 0 && fileOps.length === 0)) return this.diversify(this.liftProducers(main), limit).map(([name, score]) => ({ name, score }));
    // Reciprocal-rank fusion: scores of different queries aren't comparable, ranks are.
    const { rrfK, segmentWeight } = this.params;
    const fused = new Map<string, number>();
    const add = (ranked: ReadonlyArray<readonly [string, number]>, weight: number, depth = FUSION_DEPTH): void => {
      ranked.slice(0, depth).forEach(([name], rank) => fused.set(name, (fused.get(name) ?? 0) + weight / (rrfK + rank + 1)));
    };
    add(main, 1);
    if (segments.length > 0) {
      // A clause inherits the formats the whole query names, so "save it to x.pptx" after "make a
      // presentation" doesn't re-add the format the task already asked for.
      const said = new Set(tokenize(analyzeQuery(query).prose, { cache: this.tokenCache, gloss: this.params.glossary }));
      for (const segment of segments) add(this.rankText(segment, said), segmentWeight);
    }
    for (const op of fileOps) add(this.fileOpRanking(op), this.params.fileOpWeight, this.params.fileOpDepth);
    const sorted = [...fused].sort(byScoreThenName);
    return this.diversify(this.liftProducers(sorted), limit).map(([name, score]) => ({ name, score }));
  }

  private fileOpRanking(op: string): Array<[string, number]> {
    let ranked = this.fileOpCache.get(op);
    if (!ranked) this.fileOpCache.set(op, (ranked = this.rankText(op)));
    return ranked;
  }

  /**
   * Argument producers: a tool that needs a "ticker", a "station code" or a "latitude" is used
   * after the tool of its own server that looks that value up, and the query rarely names that
   * lookup step. Each of the best few tools lifts its siblings that mention its required
   * arguments without requiring them, by its score times the share of the arguments they supply.
   */
  private liftProducers(sorted: ReadonlyArray<readonly [string, number]>): ReadonlyArray<readonly [string, number]> {
    if (this.params.producerLift <= 0) return sorted;
    const lift = this.producerLifts(sorted.slice(0, this.params.producerDepth));
    if (lift.size === 0) return sorted;
    const out = new Map<string, number>(sorted);
    for (const [name, l] of lift) out.set(name, (out.get(name) ?? 0) + l);
    return [...out].sort(byScoreThenName);
  }

  /** Producer -> lift, the largest any of the given (best) tools grants it. */
  private producerLifts(top: ReadonlyArray<readonly [string, number]>): Map<string, number> {
    const lift = new Map<string, number>();
    for (const [consumer, score] of top) {
      const links = this.producers.get(consumer);
      if (!links) continue;
      // IDF-weighted share of the consumer's arguments a producer supplies, so a rare argument
      // ("ticker") counts more than a common one ("date"). Computed here so it follows the catalog.
      const total = this.idfSum(this.requiresByTool.get(consumer) ?? []);
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
    for (const t of terms) sum += this.tools.idf(t);
    return sum;
  }

  /**
   * Near-duplicate suppression: the same tool name offered by two backends (two filesystem
   * servers' write_file) would take two of the few slots an agent reads, so a name already
   * picked discounts later tools of that name.
   */
  private diversify(sorted: ReadonlyArray<readonly [string, number]>, limit: number): Array<[string, number]> {
    const { dupDecay } = this.params;
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
    return [...kept, ...deferred]
      .sort(byScoreThenName)
      .slice(0, limit);
  }

  /**
   * Expanded query -> first-pass ranking -> feedback -> final ranking, for one piece of text.
   * `said` holds the whole query's prose words when the text is one of its clauses.
   */
  private rankText(text: string, said: ReadonlySet<string> = new Set()): Array<[string, number]> {
    const parts = analyzeQuery(text);
    const tok = (t: string): string[] => tokenize(t, { cache: this.tokenCache, gloss: this.params.glossary });
    const proseTerms = tok(parts.prose);
    const base = baseQuery(proseTerms);
    const phraseBonus = this.phrases(proseTerms);
    const { hintWeight, literalWeight } = this.params;
    for (const term of tok(parts.literals)) if (!base.has(term) && literalWeight > 0) base.set(term, literalWeight);
    for (const term of tok(parts.hints.join(' '))) if (!base.has(term) && hintWeight > 0) base.set(term, hintWeight);
    if (parts.formats.length > 0) this.addFormats(base, parts.formats.map(tok), new Set([...proseTerms, ...said]));
    if (base.size === 0) return [];
    const expanded = expandQuery(base, this.tools, {
      synonyms: this.synonyms,
      synonymWeight: this.params.synonymWeight,
      fuzzyWeight: this.params.fuzzyWeight,
      fuzzy: (term) => this.fuzzy(term),
    });
    const ranked = this.rank(expanded, phraseBonus);
    const { prfDocs, prfTerms, prfWeight } = this.params;
    if (prfWeight <= 0 || ranked.length === 0) return ranked;
    return this.rank(feedbackQuery(expanded, ranked, this.tools, { docs: prfDocs, terms: prfTerms, weight: prfWeight }), phraseBonus);
  }

  /**
   * The format names a query's paths imply ("x.docx" -> word document), for the formats its
   * prose (`said`) does not already name: the extension is a fallback for the object type, and
   * repeating a format the user spelled out would only let that step outweigh the task's others.
   */
  private addFormats(base: WeightedQuery, formats: ReadonlyArray<readonly string[]>, said: ReadonlySet<string>): void {
    const { formatWeight } = this.params;
    if (formatWeight <= 0) return;
    for (const terms of formats) {
      if (terms.some((t) => said.has(t))) continue;
      for (const t of terms) base.set(t, Math.max(base.get(t) ?? 0, formatWeight));
    }
  }

  /** Tool BM25F normalized to the best tool, plus routing, name-coverage and phrase bonuses; sorted best first. */
  private rank(query: WeightedQuery, phraseBonus: ReadonlyMap<string, number>): Array<[string, number]> {
    const toolScores = this.tools.score(query);
    let maxTool = 0;
    for (const s of toolScores.values()) maxTool = Math.max(maxTool, s);
    if (maxTool <= 0) return [];
    const serverNorm = this.serverScores(query);
    const covered = this.coverage(query);
    const out: Array<[string, number]> = [];
    for (const [name, s] of toolScores) {
      const lift = serverNorm.get(this.toolServer.get(name) ?? NO_SERVER) ?? 0;
      const bonus = this.params.nameCoverage * (covered.get(name) ?? 0) + this.params.phraseWeight * (phraseBonus.get(name) ?? 0);
      out.push([name, s / maxTool + this.params.serverBoost * lift + bonus]);
    }
    // Ties broken by name so results are deterministic across insertion orders.
    out.sort(byScoreThenName);
    return out;
  }

  /**
   * How much of the tool's name the query spells out, IDF-weighted: a query that mentions every
   * word of "write_file" names that tool, while one sharing only "write" with
   * "excel_write_to_sheet" does not. BM25F saturation alone can't tell these apart.
   */
  private coverage(query: WeightedQuery): Map<string, number> {
    const out = new Map<string, number>();
    if (this.params.nameCoverage <= 0) return out;
    // Only tools with at least one name word in the query can score, found via the name index.
    const candidates = new Set<string>();
    for (const term of query.keys()) for (const tool of this.toolsByNameWord.get(term) ?? []) candidates.add(tool);
    for (const name of candidates) {
      const words = this.nameWordsByTool.get(name) ?? [];
      let hit = 0;
      let total = 0;
      let matched = 0;
      for (const w of words) {
        const idf = this.tools.idf(w);
        total += idf;
        const q = query.get(w);
        if (q !== undefined) {
          hit += idf * Math.min(1, q);
          matched++;
        }
      }
      if (matched >= this.params.coverageMinWords && total > 0) out.set(name, hit / total);
    }
    return out;
  }

  private serverScores(query: WeightedQuery): Map<string, number> {
    if (this.params.serverBoost <= 0 || this.servers.size < 2) return new Map();
    const scores = this.servers.score(query);
    let max = 0;
    for (const s of scores.values()) max = Math.max(max, s);
    if (max <= 0) return new Map();
    return new Map([...scores].map(([server, s]) => [server, s / max]));
  }

  private fuzzy(term: string): FuzzyMatch[] {
    let hit = this.fuzzyCache.get(term);
    if (!hit) {
      if (this.fuzzyCache.size >= MAX_FUZZY_CACHE) this.fuzzyCache.clear();
      this.fuzzyCache.set(term, (hit = fuzzyMatches(term, this.vocabularyBucket(term))));
    }
    return hit;
  }

  /**
   * Vocabulary terms sharing the term's first letter. Every fuzzy candidate does (prefix matches
   * trivially, and edit matches are gated on it), so a bucket replaces a scan of the whole
   * vocabulary. Built lazily, dropped whenever the vocabulary changes.
   */
  private vocabularyBucket(term: string): readonly string[] {
    if (!this.buckets) {
      this.buckets = new Map();
      for (const t of this.tools.vocabulary()) {
        const key = t[0] ?? '';
        let list = this.buckets.get(key);
        if (!list) this.buckets.set(key, (list = []));
        list.push(t);
      }
    }
    return this.buckets.get(term[0] ?? '') ?? [];
  }

  /**
   * Proximity: the query's adjacent word pairs that a tool's text also has side by side ("word
   * cloud", "fear greed", "pull request"). A bag of words can't tell "cloud storage for words"
   * from "word cloud". Each matched pair counts by its rarity, log(1 + N/df) / log(1 + N); the sum
   * is capped at 1.
   */
  private phrases(terms: readonly string[]): Map<string, number> {
    const out = new Map<string, number>();
    if (this.params.phraseWeight <= 0) return out;
    const n = this.tools.size;
    const norm = Math.log(1 + n);
    const seen = new Set<string>();
    for (let i = 1; i < terms.length; i++) {
      const p = `${terms[i - 1]} ${terms[i]}`;
      if (seen.has(p)) continue;
      seen.add(p);
      const tools = this.phraseTools(terms[i - 1] as string, terms[i] as string, p);
      if (tools.length === 0) continue;
      const w = Math.log(1 + n / tools.length) / norm;
      for (const t of tools) out.set(t, Math.min(1, (out.get(t) ?? 0) + w));
    }
    return out;
  }

  /**
   * Tools whose name, title or description has `a` directly followed by `b` (stop words removed
   * from descriptions and titles; names keep theirs, so "convert_to_pdf" has no (convert, pdf)). Found at query time from the tools containing both words, so indexing pays nothing.
   */
  private phraseTools(a: string, b: string, key: string): readonly string[] {
    let hit = this.phraseCache.get(key);
    if (hit) return hit;
    const out: string[] = [];
    if (a !== b && this.tools.docFreq(a) > 0 && this.tools.docFreq(b) > 0) {
      const [rare, common] = this.tools.docFreq(a) <= this.tools.docFreq(b) ? [a, b] : [b, a];
      const withCommon = new Set(this.tools.docsWith(common));
      for (const tool of this.tools.docsWith(rare)) {
        if (!withCommon.has(tool)) continue;
        const f = this.fieldsByTool.get(tool);
        if (f && [f.name, f.title, f.description].some((list) => adjacent(list, a, b))) out.push(tool);
      }
    }
    if (this.phraseCache.size >= MAX_FUZZY_CACHE) this.phraseCache.clear();
    this.phraseCache.set(key, (hit = out));
    return hit;
  }

  private unindexName(tool: string): void {
    for (const w of this.nameWordsByTool.get(tool) ?? []) {
      const set = this.toolsByNameWord.get(w);
      set?.delete(tool);
      if (set && set.size === 0) this.toolsByNameWord.delete(w);
    }
    this.nameWordsByTool.delete(tool);
  }

  /**
   * For each tool of one server, the siblings that mention some of its required arguments in
   * their name or description without requiring them themselves: the lookups that produce them.
   * An argument that many siblings mention that way ("path", "file") is a generic one that no
   * particular lookup supplies, so it links nothing.
   */
  private linkProducers(members: ReadonlySet<string>): void {
    // Term -> the members that mention it without requiring it: built once per server, so linking
    // stays linear in the server's size (a server with a thousand tools re-links in milliseconds).
    const mentioners = new Map<string, string[]>();
    for (const tool of members) {
      const f = this.fieldsByTool.get(tool);
      if (!f) continue;
      const required = this.requiresByTool.get(tool) ?? [];
      for (const term of new Set([...f.name, ...f.title, ...f.description])) {
        if (required.includes(term)) continue;
        const list = mentioners.get(term);
        if (list) list.push(tool);
        else mentioners.set(term, [tool]);
      }
    }
    for (const consumer of members) {
      const supplied = new Map<string, string[]>();
      for (const term of this.requiresByTool.get(consumer) ?? []) {
        const suppliers = (mentioners.get(term) ?? []).filter((p) => p !== consumer);
        if (suppliers.length > this.params.producerMaxSuppliers) continue; // generic ("path", "file")
        for (const p of suppliers) {
          const terms = supplied.get(p);
          if (terms) terms.push(term);
          else supplied.set(p, [term]);
        }
      }
      if (supplied.size > 0) this.producers.set(consumer, [...supplied]);
      else this.producers.delete(consumer);
    }
  }

  /** Rebuild the pooled server documents of the servers whose tools changed. */
  private reindexServers(servers: ReadonlySet<string>): void {
    if (servers.size === 0) return;
    this.fuzzyCache = new Map();
    this.phraseCache = new Map();
    this.fileOpCache = new Map();
    this.buckets = undefined;
    for (const server of servers) {
      const members = this.serverMembers.get(server);
      if (!members || members.size === 0) {
        this.serverMembers.delete(server);
        this.servers.delete(server);
        continue;
      }
      const names: string[] = [];
      const text: string[] = [];
      let serverTerms: string[] = [];
      for (const tool of members) {
        const f = this.fieldsByTool.get(tool);
        if (!f) continue;
        names.push(...f.name, ...f.title);
        text.push(...f.description, ...f.tags);
        serverTerms = f.server;
      }
      this.servers.set(server, { server: serverTerms, names, text });
      this.linkProducers(members);
    }
  }
}
