/**
 * The small glob dialect of router.yaml, for tool/prompt names and root URIs alike:
 *   `*`  any run of characters except "/"      `**` any run of characters, "/" included
 *   `?`  one character except "/"              anything else matches itself
 * Tool names never contain "/", so there `*` and `**` mean the same. A trailing "/**" also matches
 * the directory itself: a client whose root is exactly `file:///home/me/src/api` is in `.../api/**`.
 */

function escape(ch: string): string {
  return /[\\^$.*+?()[\]{}|]/.test(ch) ? `\\${ch}` : ch;
}

export function globToRegExp(glob: string): RegExp {
  let src = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*' && glob[i + 1] === '*') {
      const rest = glob.slice(i + 2);
      if (src.endsWith('/') && rest === '') {
        // "dir/**": the directory itself or anything below it.
        src = `${src.slice(0, -1)}(?:/.*)?`;
        i++;
        continue;
      }
      src += '.*';
      i++;
    } else if (ch === '*') src += '[^/]*';
    else if (ch === '?') src += '[^/]';
    else src += escape(ch);
  }
  return new RegExp(`^${src}$`, 's');
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

/** How many characters a glob fixes before its first wildcard: the measure of "most specific". */
export function literalPrefixLength(glob: string): number {
  const i = glob.search(/[*?]/);
  return i === -1 ? glob.length : i;
}
