/**
 * "Did you mean" for misspelled field names. Comparison ignores case, '_' and '-', so
 * `connect_timeout` and `ConnectTimeout` both point at `connectTimeout`.
 */

function canonical(s: string): string {
  return s.toLowerCase().replace(/[-_]/g, '');
}

/** Optimal-string-alignment distance: Levenshtein plus adjacent transpositions ("arsg" -> "args" is 1). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  const at = (i: number, j: number): number => d[i]?.[j] ?? Number.POSITIVE_INFINITY;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, at(i - 2, j - 2) + 1);
      (d[i] as number[])[j] = best;
    }
  }
  return at(a.length, b.length);
}

/** The closest candidate, if it is close enough to be a plausible typo (about one edit per three letters). */
export function suggest(input: string, candidates: readonly string[]): string | undefined {
  const key = canonical(input);
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const score = editDistance(key, canonical(c));
    if (score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  const allowed = Math.max(1, Math.floor(key.length / 3));
  return bestScore <= allowed ? best : undefined;
}
