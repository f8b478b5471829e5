/**
 * `${VAR}` / `${VAR:-default}` substitution in every string value of parsed YAML (keys stay literal).
 *
 * Semantics follow the shell and docker compose, which is what users already know:
 * - `${VAR}` is the value of VAR; an unset VAR is an error (an empty one is fine).
 * - `${VAR:-text}` is VAR unless it is unset or empty, then `text` (taken literally; `${X:-}` gives "").
 * - `$${` is a literal `${`; a `$` not followed by `{` is just a dollar sign.
 * The environment is always passed in, so tests and the bridge never depend on process.env.
 */
import type { PathSegment } from './paths.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface InterpolationIssue {
  path: PathSegment[];
  /** 'unset': a variable without a default is not set. 'syntax': a malformed `${...}`. */
  kind: 'unset' | 'syntax';
  /** The variable name, for 'unset'. */
  variable?: string;
  message: string;
}

export interface InterpolationResult<T = unknown> {
  value: T;
  issues: InterpolationIssue[];
}

const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

type Problem = Omit<InterpolationIssue, 'path'>;

/** Substitute one string. Unset variables become '' so the caller still gets a usable value. */
export function interpolateString(input: string, env: Env): { value: string; problems: Problem[] } {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  let out = '';
  let i = 0;
  while (i < input.length) {
    if (input.startsWith('$${', i)) {
      out += '${';
      i += 3;
      continue;
    }
    if (!input.startsWith('${', i)) {
      out += input[i];
      i += 1;
      continue;
    }
    const close = input.indexOf('}', i + 2);
    const ref = close < 0 ? input.slice(i) : input.slice(i, close + 1);
    const match = close < 0 ? null : REFERENCE.exec(input.slice(i + 2, close));
    if (!match) {
      problems.push({
        kind: 'syntax',
        message: `malformed variable reference ${JSON.stringify(ref)}: write \${NAME} or \${NAME:-default} (NAME is letters, digits and _), or $\${ for a literal "\${"`,
      });
      // Skip the rest of this string: guessing where a broken reference ends only produces noise.
      break;
    }
    const name = match[1] as string;
    const fallback = match[2];
    const current = env[name];
    if (fallback !== undefined) {
      out += current === undefined || current === '' ? fallback : current;
    } else if (current !== undefined) {
      out += current;
    } else if (!seen.has(name)) {
      seen.add(name);
      problems.push({
        kind: 'unset',
        variable: name,
        message: `environment variable ${name} is not set (set it, or write \${${name}:-default})`,
      });
    }
    i = close + 1;
  }
  return { value: out, problems };
}

/** Substitute recursively through arrays and plain objects, collecting every problem with its field path. */
export function interpolate<T>(value: T, env: Env): InterpolationResult<T> {
  const issues: InterpolationIssue[] = [];
  const walk = (node: unknown, path: PathSegment[]): unknown => {
    if (typeof node === 'string') {
      const { value: out, problems } = interpolateString(node, env);
      for (const p of problems) issues.push({ ...p, path });
      return out;
    }
    if (Array.isArray(node)) return node.map((item, idx) => walk(item, [...path, idx]));
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(node)) out[k] = walk(v, [...path, k]);
      return out;
    }
    return node;
  };
  return { value: walk(value, []) as T, issues };
}
