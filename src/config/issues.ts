/**
 * Turns zod issues into `<path>: <problem>, got <value>` lines, ordered as the fields appear in the
 * file so the list reads top to bottom like the YAML the user is editing.
 */
import type { z } from 'zod';
import { formatPath, getAt, previewValue, type PathSegment } from './paths.js';
import { suggest } from '../util/suggest.js';
import type { ConfigIssue } from './types.js';

/** Just enough of zod's schema internals (`_zod.def`) to walk from the root schema to a field. */
interface Def {
  type: string;
  innerType?: Node;
  in?: Node;
  out?: Node;
  shape?: Record<string, Node>;
  valueType?: Node;
  element?: Node;
}
interface Node {
  _zod: { def: Def };
}

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'nonoptional', 'readonly', 'catch']);

function unwrap(node: Node): Node {
  let cur = node;
  for (let guard = 0; guard < 32; guard++) {
    const def = cur._zod.def;
    if (WRAPPERS.has(def.type) && def.innerType) cur = def.innerType;
    // z.preprocess(fn, schema) is pipe(transform, schema): the shape lives on the output side.
    else if (def.type === 'pipe' && def.in && def.out) cur = def.in._zod.def.type === 'transform' ? def.out : def.in;
    else break;
  }
  return cur;
}

/** Field names the strict object at `path` accepts, for "did you mean" and "allowed fields" hints. */
export function knownKeysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let cur: Node | undefined = unwrap(schema as unknown as Node);
  for (const seg of path) {
    const def: Def = cur._zod.def;
    const next: Node | undefined =
      def.type === 'object' ? def.shape?.[String(seg)] : def.type === 'record' ? def.valueType : def.type === 'array' ? def.element : undefined;
    if (!next) return [];
    cur = unwrap(next);
  }
  return Object.keys(cur._zod.def.shape ?? {});
}

/** Field names compare ignoring case, '_' and '-': `connect_timeout` and `ConnectTimeout` find `connectTimeout`. */
const fieldKey = (s: string): string => s.toLowerCase().replace(/[-_]/g, '');

function unknownField(key: string, known: string[]): string {
  const [guess] = suggest(key, known, { canonical: fieldKey });
  if (guess !== undefined) return `unknown field; did you mean "${guess}"?`;
  return known.length > 0 ? `unknown field; allowed fields: ${known.join(', ')}` : 'unknown field';
}

/** A problem at a field, before its path is turned into display text. */
export interface Located {
  path: PathSegment[];
  message: string;
}

function locate(issue: z.core.$ZodIssue, input: unknown, schema: z.ZodType): Located[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = knownKeysAt(schema, path);
      return issue.keys.map((key) => ({ path: [...path, key], message: unknownField(key, known) }));
    }
    case 'invalid_key':
      // The offending key is the last path segment; echoing its (empty) value adds nothing.
      return [{ path, message: issue.issues[0]?.message ?? 'invalid name' }];
    case 'custom':
      if ((issue.params as { complete?: boolean } | undefined)?.complete) return [{ path, message: issue.message }];
      break;
    default:
      break;
  }
  const received = getAt(input, path);
  return [{ path, message: received === undefined ? issue.message : `${issue.message}, got ${previewValue(received, path)}` }];
}

/** Position of each path segment among its siblings in the input; missing keys sort last. */
function documentRank(input: unknown, path: PathSegment[]): number[] {
  const rank: number[] = [];
  let cur = input;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') break;
    const idx = Array.isArray(cur) ? (typeof seg === 'number' ? seg : -1) : Object.keys(cur).indexOf(String(seg));
    rank.push(idx < 0 ? Number.MAX_SAFE_INTEGER : idx);
    cur = (cur as Record<string, unknown>)[seg];
  }
  return rank;
}

function compareRanks(a: number[], b: number[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const d = (a[i] as number) - (b[i] as number);
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

/**
 * Every zod issue, plus `earlier` ones found before validation (interpolation), as a display path
 * and a complete problem sentence, in file order, without duplicates. A zod issue at the same path
 * as an earlier one is dropped: it only describes what the earlier problem left there (an unset
 * `${VAR}` reads as "").
 */
export function toConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  input: unknown,
  schema: z.ZodType,
  earlier: readonly Located[] = [],
): ConfigIssue[] {
  const covered = new Set(earlier.map((e) => formatPath(e.path)));
  const fromSchema = issues.flatMap((issue) => locate(issue, input, schema)).filter((l) => !covered.has(formatPath(l.path)));
  const located = [...earlier.map(({ path, message }) => ({ path, message })), ...fromSchema];
  const ranked = located.map((l, order) => ({ ...l, rank: documentRank(input, l.path), order }));
  ranked.sort((a, b) => compareRanks(a.rank, b.rank) || a.order - b.order);
  const seen = new Set<string>();
  const out: ConfigIssue[] = [];
  for (const r of ranked) {
    const issue = { path: formatPath(r.path), message: r.message };
    const key = `${issue.path}\n${issue.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(issue);
    }
  }
  return out;
}

/** `path: message` lines, the form every config error message uses. */
export function formatIssueLines(issues: readonly ConfigIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('\n');
}
