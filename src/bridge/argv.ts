/**
 * supergateway parses with yargs, and its users' command lines depend on yargs habits that
 * node:util's strict parseArgs rejects. This rewrites them into the strict form first:
 * - `--output-transport` and `--outputTransport` are the same flag (yargs camel-case expansion);
 * - array flags take every following non-flag word: `--cors a b`, `--header "x: 1" "y: 2"`;
 * - `--cors` with no value means "any origin";
 * - booleans accept a trailing `true`/`false` and a `--no-` prefix.
 */

const kebabToCamel = (name: string): string => name.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase());

export interface ArgvShape {
  arrays: readonly string[];
  booleans: readonly string[];
  /** Array flags that mean "everything" when given with no value, and the value that stands for it. */
  emptyMeans?: Readonly<Record<string, string>>;
}

export function normalizeArgv(argv: readonly string[], shape: ArgvShape): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const token = argv[i]!;
    if (!token.startsWith('--') || token === '--') {
      out.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    let name = kebabToCamel(eq === -1 ? token.slice(2) : token.slice(2, eq));
    const inline = eq === -1 ? undefined : token.slice(eq + 1);
    if (name.startsWith('no') && shape.booleans.includes(name[2]?.toLowerCase() + name.slice(3)) && inline === undefined) {
      continue; // --no-stateful: the default is already false
    }
    if (shape.booleans.includes(name)) {
      const next = argv[i + 1];
      const value = inline ?? (next === 'true' || next === 'false' ? next : undefined);
      if (inline === undefined && value !== undefined) i++;
      if (value !== 'false') out.push(`--${name}`);
      continue;
    }
    if (shape.arrays.includes(name)) {
      if (inline !== undefined) {
        out.push(`--${name}=${inline}`);
        continue;
      }
      let taken = 0;
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) {
        out.push(`--${name}=${argv[++i]}`);
        taken++;
      }
      const all = shape.emptyMeans?.[name];
      if (taken === 0) out.push(all !== undefined ? `--${name}=${all}` : `--${name}`);
      continue;
    }
    out.push(inline === undefined ? `--${name}` : `--${name}=${inline}`);
  }
  return out;
}

/** `"K: V"` -> [K, V]; the value keeps any further colons (URLs, timestamps). */
export function parseHeader(value: string): [string, string] | undefined {
  const colon = value.indexOf(':');
  if (colon <= 0) return undefined;
  const key = value.slice(0, colon).trim();
  const v = value.slice(colon + 1).trim();
  return key && /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key) ? [key, v] : undefined;
}
