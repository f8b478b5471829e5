/**
 * The glob dialect of router.yaml, for tool/prompt names and root URIs alike: picomatch's.
 *   `*`  any run of characters except "/"      `**` as a whole segment, any run of segments
 *   `?`  one character except "/"              `{a,b}` either alternative, `[abc]` one of them
 * Tool names never contain "/", so there `*` and `**` mean the same. A trailing "/**" also matches
 * the directory itself: a client whose root is exactly `file:///home/me/src/api` is in `.../api/**`.
 * Leading dots are ordinary characters, and a leading "!" is literal: a list of globs only ever
 * adds names (exclude lists are how a workspace takes names away).
 */
import picomatch from 'picomatch';

const OPTIONS: picomatch.PicomatchOptions = {
  // Names and URIs are not dotfiles: "gh__.internal" and "file:///home/me/.config" match like any other.
  dot: true,
  nonegate: true,
  // The same dialect on every platform: "\" escapes, it is never a path separator.
  windows: false,
};

export function globToRegExp(glob: string): RegExp {
  return picomatch.makeRe(glob, OPTIONS);
}

/** Compiled matchers for a list of globs; compile once, test many names. */
export class GlobSet {
  private readonly regexps: RegExp[];

  constructor(globs: readonly string[]) {
    this.regexps = globs.map(globToRegExp);
  }

  matches(name: string): boolean {
    return this.regexps.some((r) => r.test(name));
  }

  /** Index of the first glob that matches, or -1. */
  firstMatch(name: string): number {
    return this.regexps.findIndex((r) => r.test(name));
  }
}

/** Characters from which picomatch may read a glob as other than itself. */
const FIRST_SPECIAL = /[*?[{(\\]|[!+@](?=\()/;

/** How many characters a glob fixes before its first wildcard: the measure of "most specific". */
export function literalPrefixLength(glob: string): number {
  const i = glob.search(FIRST_SPECIAL);
  return i === -1 ? glob.length : i;
}
