/**
 * "Did you mean ...?" for one misspelled name among known ones: unknown config fields, unknown
 * tool and prompt names. A candidate counts when it is within about one edit per three letters.
 */
import { editDistance } from './edit-distance.js';

export interface SuggestOptions {
  /** Most names returned (default 1). */
  max?: number;
  /** Applied to both sides before comparing (default: lower case). */
  canonical?: (s: string) => string;
  /** Also compare the parts after this separator, so a wrong or missing prefix still matches. */
  separator?: string;
  /** Rank names containing the input (or, from 3 characters, contained in it) right after equal ones. */
  containment?: boolean;
}

const lowerCase = (s: string): string => s.toLowerCase();

function afterSeparator(s: string, separator: string | undefined): string | undefined {
  if (!separator) return undefined;
  const at = s.indexOf(separator);
  return at >= 0 && at + separator.length < s.length ? s.slice(at + separator.length) : undefined;
}

/** Distance if within a third of the needle's length (at least 1), else Infinity. */
function closeEnough(needle: string, hay: string): number {
  const d = editDistance(needle, hay);
  return d <= Math.max(1, Math.floor(needle.length / 3)) ? d : Number.POSITIVE_INFINITY;
}

/**
 * Up to `max` candidates close to `unknown`, best first; ties in code-unit order of the name.
 * Ranking: equal after `canonical`, then containment (when asked), then edit distance on the whole
 * name or, with a separator, on the parts after it.
 */
export function suggest(unknown: string, candidates: Iterable<string>, options: SuggestOptions = {}): string[] {
  const { max = 1, canonical = lowerCase, separator, containment = false } = options;
  const needle = canonical(unknown);
  if (needle === '' || max <= 0) return [];
  const needleTail = afterSeparator(needle, separator);
  const scored: Array<{ score: number; name: string }> = [];
  for (const name of new Set(candidates)) {
    const hay = canonical(name);
    const hayTail = afterSeparator(hay, separator);
    let score: number;
    if (hay === needle) score = 0;
    else if (containment && (hay.includes(needle) || (hay.length >= 3 && needle.includes(hay)))) score = 1 + Math.abs(hay.length - needle.length) / 1000;
    else {
      const distances = [closeEnough(needle, hay)];
      if (hayTail !== undefined) distances.push(closeEnough(needle, hayTail));
      if (hayTail !== undefined && needleTail !== undefined) distances.push(closeEnough(needleTail, hayTail));
      // Ties on the bare name (the same tool on several servers) go to the closest whole name, so a
      // typo in "st__ecko" suggests "st__echo" before "by__echo".
      score = 2 + Math.min(...distances) + editDistance(needle, hay) / 1000;
    }
    if (score !== Number.POSITIVE_INFINITY) scored.push({ score, name });
  }
  scored.sort((a, b) => a.score - b.score || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return scored.slice(0, max).map((s) => s.name);
}
