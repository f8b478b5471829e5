/**
 * Fuzzy and prefix matching of query terms that the catalog does not contain.
 *
 * Only long terms are matched: for short words a one-letter edit is usually another word
 * ("map" / "mail"), while for long ones it is usually a typo or an inflection the stemmer missed
 * ("analyz" / "analysi", "screenshot" / "screenshots").
 */
import { editDistance } from '../../util/edit-distance.js';

export interface FuzzyMatch {
  term: string;
  /** 0..1: how close the vocabulary term is to the query term. */
  similarity: number;
}

const MIN_FUZZY_LENGTH = 5;
const MIN_PREFIX_LENGTH = 4;
const MAX_MATCHES = 3;

/** Vocabulary terms close to `term`, best first. Returns [] for short terms. */
export function fuzzyMatches(term: string, vocabulary: Iterable<string>): FuzzyMatch[] {
  if (term.length < MIN_FUZZY_LENGTH || !/^[a-z]+$/.test(term)) return [];
  const maxEdits = term.length >= 8 ? 2 : 1;
  const found: FuzzyMatch[] = [];
  for (const candidate of vocabulary) {
    if (candidate === term || candidate.length < MIN_PREFIX_LENGTH) continue;
    const longer = Math.max(candidate.length, term.length);
    // Prefix: "screenshot" vs "screenshotter", or a stem that is a prefix of the query word.
    if (candidate.startsWith(term) || term.startsWith(candidate)) {
      const shorter = Math.min(candidate.length, term.length);
      if (shorter >= MIN_PREFIX_LENGTH && shorter / longer >= 0.6) found.push({ term: candidate, similarity: shorter / longer });
      continue;
    }
    // Cheap gate before the DP: typos rarely change the first letter.
    if (candidate[0] !== term[0]) continue;
    // Plain Levenshtein: the benchmark-tuned similarities assume a swap costs two edits.
    const d = editDistance(term, candidate, { transpositions: false, max: maxEdits });
    if (d <= maxEdits) found.push({ term: candidate, similarity: 1 - d / longer });
  }
  found.sort((x, y) => y.similarity - x.similarity);
  return found.slice(0, MAX_MATCHES);
}
