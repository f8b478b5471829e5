/**
 * Edit distance between two strings, over UTF-16 code units: the one implementation behind "did
 * you mean" suggestions and the tool search's typo matching.
 */

export interface EditDistanceOptions {
  /**
   * Count two swapped neighbours ("arsg" -> "args") as one edit, not two: optimal string alignment
   * rather than plain Levenshtein. Default true; typos swap letters often.
   */
  transpositions?: boolean;
  /**
   * Stop as soon as the distance must exceed this and return max + 1: a caller that only wants
   * close strings then pays little for the far ones. Default: no bound.
   */
  max?: number;
}

export function editDistance(a: string, b: string, options: EditDistanceOptions = {}): number {
  const { transpositions = true, max = Number.POSITIVE_INFINITY } = options;
  if (Math.abs(a.length - b.length) > max) return max + 1;
  // Three rows: the one before the previous is read only for transpositions.
  let before: number[] = [];
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (transpositions && i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, (before[j - 2] as number) + 1);
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    // No row's minimum is below the previous row's, so the final distance can't be either.
    if (rowMin > max) return max + 1;
    before = prev;
    prev = row;
  }
  const d = prev[b.length] as number;
  return d > max ? max + 1 : d;
}
