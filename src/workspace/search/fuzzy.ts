/**
 * Fuzzy and prefix matching of query terms that the catalog does not contain.
 *
 * Only long terms are matched: for short words a one-letter edit is usually another word
 * ("map" / "mail"), while for long ones it is usually a typo or an inflection the stemmer missed
 * ("analyz" / "analysi", "screenshot" / "screenshots").
 */

/** Levenshtein distance, giving up early (returning max + 1) once it must exceed `max`. */
export function boundedEditDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const v = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length] ?? max + 1;
}

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
    const d = boundedEditDistance(term, candidate, maxEdits);
    if (d <= maxEdits) found.push({ term: candidate, similarity: 1 - d / longer });
  }
  found.sort((x, y) => y.similarity - x.similarity);
  return found.slice(0, MAX_MATCHES);
}
