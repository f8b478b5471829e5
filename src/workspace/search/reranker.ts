/**
 * Optional second-stage reranker, e.g. an embedding model. Off by default: the router must work
 * offline with no model download, so only the interface and a pass-through ship here.
 */
import type { SearchResult } from './types.js';

export interface RerankCandidate extends SearchResult {
  description?: string;
}

export interface Reranker {
  /** Reorder (and optionally rescore or drop) the lexical candidates for `query`. */
  rerank(query: string, candidates: readonly RerankCandidate[]): Promise<SearchResult[]>;
}

/** Keeps the lexical order unchanged. */
export const noopReranker: Reranker = {
  rerank: (_query, candidates) => Promise.resolve(candidates.map(({ name, score }) => ({ name, score }))),
};
