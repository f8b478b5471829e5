/**
 * Field paths and value previews for error messages. Every config error names the field the way a
 * user would point at it in the YAML (`servers.github.args[0]`) and echoes what was actually there.
 */

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/** `['servers', 'github', 'args', 0]` -> `servers.github.args[0]`; odd keys are quoted: `servers["a.b"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) {
    if (typeof seg === 'number') out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out === '' ? seg : `.${seg}`;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out === '' ? '(top level)' : out;
}

/** The value at `path` inside plain parsed data, or undefined when the path leads nowhere. */
export function getAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let cur = root;
  for (const seg of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PropertyKey, unknown>)[seg];
  }
  return cur;
}

const PREVIEW_MAX = 60;
// Field names whose values are likely credentials: never echo them back into logs or terminals.
const SECRET_KEY = /token|secret|password|passwd|authorization|api[-_]?key|credential/i;

/** JSON rendering of a received value, cut to about 60 characters so one bad blob can't flood the message. */
export function previewValue(value: unknown, path: readonly PropertyKey[] = []): string {
  const last = path[path.length - 1];
  if (typeof last === 'string' && SECRET_KEY.test(last) && typeof value === 'string') return '"<redacted>"';
  let text: string;
  try {
    text = value === undefined ? 'nothing' : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > PREVIEW_MAX ? `${text.slice(0, PREVIEW_MAX - 3)}...` : text;
}
