/**
 * Every number that shapes the ranking, in one place.
 *
 * RankerParams are the free parameters: each can be changed per index (the bench's ablations turn
 * each technique off through them). Their defaults were chosen on the even-numbered half of the
 * benchmark queries only (see bench/search-quality.ts); the odd half is reported as held-out, so a
 * change here must be judged on that half too.
 *
 * The constants below them are fixed: they bound work or memory rather than express a preference
 * the benchmark could tune.
 */
import type { ToolField } from './types.js';

export interface RankerParams {
  /** BM25F weight of each tool field: a word in the name says more than one in a parameter. */
  fieldWeights: Readonly<Record<ToolField, number>>;
  /** BM25 term-frequency saturation. */
  k1: number;
  /** BM25 length normalization (0 = none, 1 = full). */
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

/** The fields of a server's pooled document (all of its tools' text, see ToolCorpus). */
export type ServerField = 'server' | 'names' | 'text';
export const SERVER_FIELDS: readonly ServerField[] = ['server', 'names', 'text'];
/** The server's own name counts double; its tools' names and their other text count once. */
export const SERVER_FIELD_WEIGHTS: Readonly<Record<ServerField, number>> = { server: 2, names: 1, text: 1 };

/** How deep each ranking is read when fusing: past this, a tool can't reach a useful top k. */
export const FUSION_DEPTH = 50;
/** Queries are read up to this many characters: a pasted blob would make every step linear in its size. */
export const MAX_QUERY_CHARS = 4000;
/**
 * Bounds on the memos, least recently used leave first: a long-lived router keeps seeing new words.
 * Words -> terms covers a large catalog's own vocabulary with room for queries; the query-word
 * memos (fuzzy matches, word pairs) hold the recent queries' words.
 */
export const MAX_WORD_MEMO_ENTRIES = 50_000;
export const MAX_QUERY_MEMO_ENTRIES = 10_000;
