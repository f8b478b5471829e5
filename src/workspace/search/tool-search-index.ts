/**
 * ToolSearchIndex: offline, in-process retrieval of the best tools for a natural-language query.
 *
 * Pipeline per query:
 *  1. tokenize (identifier splitting, stop words, Porter stems, CJK bigrams plus English glosses
 *     of common Chinese words, so English queries reach Chinese descriptions);
 *  2. expand with generic synonyms and fuzzy matches for unknown long terms;
 *  3. BM25F over tool fields plus the signals of signals.ts (server routing, name coverage,
 *     phrases), combined as fusion.ts says;
 *  4. pseudo-relevance feedback from the first pass, then the same scoring again;
 *  5. for multi-step queries, the first few clauses and the file operation each plain-text path
 *     implies ("save ... to /x/report.md" -> "write file") are ranked on their own and fused with
 *     the whole query's ranking by reciprocal rank;
 *  6. the best few tools lift the tools of their own server that produce their required
 *     arguments (a geocoder for a tool that needs a latitude), and a tool name already listed
 *     (the same tool on two backends) is then pushed down.
 * A path's binary format also names its object ("x.docx" -> word document), see addFormatHints.
 *
 * Documents live in corpus.ts, the knobs in parameters.ts. The index changes one server at a
 * time (replaceServer / removeServer), so it can follow each backend's tool list as it arrives.
 */
import { ToolCorpus } from './corpus.js';
import { expandQuery, baseQuery, feedbackQuery, type WeightedQuery } from './expansion.js';
import { best, combineSignals, diversify, fuseRankings, liftProducers, type FusionInput, type Ranked, type Scored } from './fusion.js';
import { DEFAULT_RANKER_PARAMS, FUSION_DEPTH, MAX_QUERY_CHARS, type RankerParams } from './parameters.js';
import { analyzeQuery, fileOperations, splitSegments } from './query-analysis.js';
import { addFormatHints, FuzzyVocabulary, nameCoverage, phraseBonus, phraseMemo, ProducerLinks, serverRouting } from './signals.js';
import { buildSynonymMap } from './synonyms.js';
import type { SearchableTool, SearchOptions, SearchResult } from './types.js';

export class ToolSearchIndex {
  private readonly params: RankerParams;
  private readonly corpus: ToolCorpus;
  private readonly producers: ProducerLinks;
  private readonly fuzzy: FuzzyVocabulary;
  private readonly synonyms: ReadonlyMap<string, readonly string[]>;
  /** Word pair -> tools that have it side by side: depends on the catalog only, emptied when it changes. */
  private readonly phraseMemo = phraseMemo();
  /** "write file" / "read file" (the only keys) -> best tools: they depend on the catalog only, not on the query. */
  private readonly fileOpMemo = new Map<string, Ranked>();

  constructor(items: readonly SearchableTool[] = [], params: Partial<RankerParams> = {}) {
    this.params = { ...DEFAULT_RANKER_PARAMS, ...params };
    this.corpus = new ToolCorpus(this.params);
    this.producers = new ProducerLinks(this.corpus, this.params);
    this.fuzzy = new FuzzyVocabulary(this.corpus);
    this.synonyms = buildSynonymMap((w) => this.corpus.termsKeepingStopWords(w));
    this.upsert(items);
  }

  get size(): number {
    return this.corpus.tools.size;
  }

  /** Add or replace tools by name. */
  upsert(items: readonly SearchableTool[]): void {
    this.changed(this.corpus.upsert(items));
  }

  /** Remove tools by name; unknown names are ignored. */
  remove(names: readonly string[]): void {
    this.producers.forget(names.flatMap((name) => this.corpus.tools.slotOf(name) ?? []));
    this.changed(this.corpus.remove(names));
  }

  /** Add, or replace everything one backend contributes (its tool list changed). */
  replaceServer(server: string, items: readonly SearchableTool[]): void {
    this.remove([...this.corpus.membersOf(server)]);
    this.upsert(items.map((item) => ({ ...item, server })));
  }

  /** Drop everything one backend contributes (it went away). */
  removeServer(server: string): void {
    this.remove([...this.corpus.membersOf(server)]);
  }

  search(rawQuery: string, { limit = 5 }: SearchOptions = {}): SearchResult[] {
    if (limit <= 0 || this.corpus.tools.size === 0) return [];
    const query = rawQuery.length > MAX_QUERY_CHARS ? rawQuery.slice(0, MAX_QUERY_CHARS) : rawQuery;
    const main = this.rankText(query);
    const { segmentWeight, fileOpWeight, fileOpDepth } = this.params;
    const segments = segmentWeight > 0 ? splitSegments(query, this.params.maxSegments) : [];
    const fileOps = fileOpWeight > 0 ? fileOperations(query) : [];
    let ranked: Scored = main;
    if (main.ids.length > 0 && (segments.length > 0 || fileOps.length > 0)) {
      const inputs: FusionInput[] = [{ ranked: best(main, FUSION_DEPTH, this.corpus), weight: 1 }];
      if (segments.length > 0) {
        // A clause inherits the formats the whole query names, so "save it to x.pptx" after "make a
        // presentation" doesn't re-add the format the task already asked for.
        const said = new Set(this.corpus.terms(analyzeQuery(query).prose));
        for (const segment of segments) inputs.push({ ranked: best(this.rankText(segment, said), FUSION_DEPTH, this.corpus), weight: segmentWeight });
      }
      for (const op of fileOps) inputs.push({ ranked: this.fileOpRanking(op, fileOpDepth), weight: fileOpWeight });
      ranked = fuseRankings(inputs, this.params.rrfK);
    }
    if (this.params.producerLift > 0) ranked = liftProducers(ranked, this.producers.lifts(best(ranked, this.params.producerDepth, this.corpus)));
    return diversify(ranked, limit, this.params.dupDecay, this.corpus).map(([id, score]) => ({ name: this.corpus.nameOf(id), score }));
  }

  /** The catalog changed in these servers: re-derive what depends on them, forget what depends on all. */
  private changed(servers: ReadonlySet<string>): void {
    if (servers.size === 0) return;
    this.fuzzy.reset();
    this.phraseMemo.clear();
    this.fileOpMemo.clear();
    for (const server of servers) this.producers.relink(server);
  }

  private fileOpRanking(op: string, depth: number): Ranked {
    let ranked = this.fileOpMemo.get(op);
    if (!ranked) this.fileOpMemo.set(op, (ranked = best(this.rankText(op), depth, this.corpus)));
    return ranked;
  }

  /**
   * Expanded query -> first-pass ranking -> feedback -> final ranking, for one piece of text.
   * `said` holds the whole query's prose words when the text is one of its clauses.
   */
  private rankText(text: string, said: ReadonlySet<string> = new Set()): Scored {
    const parts = analyzeQuery(text);
    const tok = (t: string): string[] => this.corpus.terms(t);
    const proseTerms = tok(parts.prose);
    const base = baseQuery(proseTerms);
    const phrases = this.params.phraseWeight > 0 ? phraseBonus(this.corpus, proseTerms, this.phraseMemo) : undefined;
    const { hintWeight, literalWeight } = this.params;
    for (const term of tok(parts.literals)) if (!base.has(term) && literalWeight > 0) base.set(term, literalWeight);
    for (const term of tok(parts.hints.join(' '))) if (!base.has(term) && hintWeight > 0) base.set(term, hintWeight);
    if (parts.formats.length > 0) addFormatHints(base, parts.formats.map(tok), new Set([...proseTerms, ...said]), this.params.formatWeight);
    if (base.size === 0) return { ids: [], scores: [] };
    const expanded = expandQuery(base, this.corpus.tools, {
      synonyms: this.synonyms,
      synonymWeight: this.params.synonymWeight,
      fuzzyWeight: this.params.fuzzyWeight,
      fuzzy: (term) => this.fuzzy.matches(term),
    });
    const ranked = this.rank(expanded, phrases);
    const { prfDocs, prfTerms, prfWeight } = this.params;
    if (prfWeight <= 0 || ranked.ids.length === 0) return ranked;
    const feedback = feedbackQuery(expanded, best(ranked, prfDocs, this.corpus), this.corpus.tools, { docs: prfDocs, terms: prfTerms, weight: prfWeight });
    return this.rank(feedback, phrases);
  }

  private rank(query: WeightedQuery, phrases: Float64Array | undefined): Scored {
    const bm25f = this.corpus.tools.score(query);
    if (bm25f.slots.length === 0) return { ids: [], scores: [] };
    const signals = {
      bm25f,
      servers: serverRouting(this.corpus, query, this.params.serverBoost),
      coverage: nameCoverage(this.corpus, query, this.params),
      phrases,
    };
    return combineSignals(signals, this.corpus, this.params);
  }
}
