/** Public types of the tool search index. */

/** One tool as the router exposes it. `name` is the public (router-unique) name. */
export interface SearchableTool {
  name: string;
  title?: string;
  description?: string;
  /** JSON Schema of the arguments; property names and descriptions are indexed, nested too. */
  inputSchema?: object;
  /** Backend server id: tools of one server are re-indexed together and routed on together. */
  server?: string;
  serverDescription?: string;
  tags?: string[];
}

export interface SearchOptions {
  /** Maximum number of results. Default 5. */
  limit?: number;
}

export interface SearchResult {
  name: string;
  /** Relevance on an arbitrary, query-relative scale: only the order is meaningful. */
  score: number;
}

/** The indexed text fields of a tool, each with its own weight in BM25F. */
export type ToolField = 'name' | 'title' | 'description' | 'params' | 'server' | 'tags';

export const TOOL_FIELDS: readonly ToolField[] = ['name', 'title', 'description', 'params', 'server', 'tags'];

/**
 * Free parameters of the ranker. Defaults were chosen on the even-numbered half of the benchmark
 * queries only (see bench/search-quality.ts), and the odd half is reported as held-out.
 */
export interface RankerParams {
  fieldWeights: Readonly<Record<ToolField, number>>;
  k1: number;
  b: number;
  /** Weight of a generic-thesaurus synonym relative to the original query term. */
  synonymWeight: number;
  /** Weight of a fuzzy/prefix vocabulary match for a query term the catalog lacks. */
  fuzzyWeight: number;
  /** Pseudo-relevance feedback: docs read from the first pass, terms added, their total weight. */
  prfDocs: number;
  prfTerms: number;
  prfWeight: number;
  /** How much the best-matching servers lift their tools (0 disables server routing). */
  serverBoost: number;
  /** Weight of words implied by a literal path/URL/e-mail in the query (0 disables). */
  hintWeight: number;
  /** Weight of the format name a path's extension implies ("word document" for .docx; 0 = off). */
  formatWeight: number;
  /** Weight of the words inside such literals (directory names, URL paths). */
  literalWeight: number;
  /** RRF weight of each clause's own ranking relative to the whole query's (0 disables). */
  segmentWeight: number;
  /** RRF rank offset: smaller values trust the top of each ranking more. */
  rrfK: number;
  /** At most this many clauses are ranked on their own (the rest only count in the whole query). */
  maxSegments: number;
  /** RRF weight of the file-operation sub-query implied by each path in the query (0 = off). */
  fileOpWeight: number;
  /** How many of that sub-query's best tools enter the fusion. */
  fileOpDepth: number;
  /** Bonus for a tool whose name words the query spells out (IDF-weighted share; 0 = off). */
  nameCoverage: number;
  /** The bonus needs at least this many of the name's words in the query. */
  coverageMinWords: number;
  /** Match Chinese tool text with English words through the glossary (cjk-glossary.ts). */
  glossary: boolean;
  /** Bonus for a tool whose name, title or description has the query's adjacent word pairs (0 = off). */
  phraseWeight: number;
  /** Score factor for a tool whose bare name was already selected (1 = off). */
  dupDecay: number;
  /**
   * Lift for a tool that mentions a required argument of one of the best tools of its server
   * without requiring it (the lookup that produces it), times that tool's score (0 = off).
   */
  producerLift: number;
  /** How many of the best tools lift their argument producers. */
  producerDepth: number;
  /** An argument mentioned (not required) by more siblings than this is generic and links no producer. */
  producerMaxSuppliers: number;
}
