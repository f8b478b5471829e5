/**
 * Public resource URIs: `sb://<prefix>/<original uri, verbatim>`; an empty prefix means identity.
 *
 * Why this shape:
 * - Reversible without a table: strip `sb://<prefix>/` and what remains is the backend's URI byte for
 *   byte. Nothing in the original is escaped, so `?`, `#`, `%`, spaces and nested schemes
 *   (`file:///abs`, `https://h/p?q#f`, even another `sb://...`) survive untouched.
 * - Templates work: an RFC 6570 expression expands the same wherever it sits, and the added head is a
 *   pure literal (the prefix is percent-encoded to unreserved chars, so it holds no `{`, `}` or `'`).
 *   Expanding `sb://demo/demo://resource/dynamic/{id}` therefore yields `sb://demo/` + the backend's
 *   own expansion, which parsePublicUri() turns back into `demo://resource/dynamic/42`.
 * - It is a valid URI whenever the original is one: the prefix is the authority and the original
 *   becomes the path (`:` and empty `//` segments are legal there); the original's `?`/`#` become the
 *   outer query/fragment, which we never interpret.
 * Caveats: a backend served with an empty prefix whose own URIs start with `sb://` parses as if it
 * were prefixed, so callers should treat a parsed prefix that names no server as an identity URI. A
 * client that re-serializes URIs (WHATWG URL) may normalize `..` segments or escape spaces; such URIs
 * were not valid URIs to begin with.
 */

const PUBLIC_URI_SCHEME = 'sb';
const HEAD = /^sb:\/\/([^/?#]+)\//i;

export interface ParsedPublicUri {
  prefix: string;
  uri: string;
}

/** Percent-encode everything but RFC 3986 unreserved chars (encodeURIComponent leaves !'()* alone). */
function encodePrefix(prefix: string): string {
  return encodeURIComponent(prefix).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function toPublicUri(prefix: string, uri: string): string {
  return prefix === '' ? uri : `${PUBLIC_URI_SCHEME}://${encodePrefix(prefix)}/${uri}`;
}

/** Same transform as toPublicUri: the head is a template literal, the expressions stay where they were. */
export function toPublicUriTemplate(prefix: string, template: string): string {
  return toPublicUri(prefix, template);
}

/** Split a public URI into prefix and backend URI; undefined when it is not `sb://<prefix>/...`. */
export function parsePublicUri(publicUri: string): ParsedPublicUri | undefined {
  const m = HEAD.exec(publicUri);
  if (!m?.[1]) return undefined;
  let prefix: string;
  try {
    prefix = decodeURIComponent(m[1]);
  } catch {
    return undefined; // malformed percent-escape: not something we minted
  }
  return { prefix, uri: publicUri.slice(m[0].length) };
}

export type UriMap = (uri: string) => string;
type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Map the URI of one content block (resource_link, embedded resource); anything else is returned as is. */
export function mapContentBlockUri(block: unknown, fn: UriMap): unknown {
  if (!isObj(block)) return block;
  if (block.type === 'resource_link') return mapStringField(block, 'uri', fn);
  if (block.type === 'resource') {
    const resource = mapStringField(block.resource, 'uri', fn);
    return resource === block.resource ? block : { ...block, resource };
  }
  return block;
}

/**
 * Every mapper here returns its input itself when nothing changed (no URI, or a URI the map keeps,
 * as with an unprefixed server), so the common result, a tool's text, is forwarded without a copy.
 */
function mapItems(items: unknown[], item: (v: unknown) => unknown): unknown[] {
  let out: unknown[] | undefined;
  items.forEach((v, i) => {
    const mapped = item(v);
    if (mapped !== v) (out ??= items.slice())[i] = mapped;
  });
  return out ?? items;
}

/** `result` with `result[field]` (an array) mapped item by item; a missing field stays missing. */
function mapArrayField<T extends object>(result: T, field: string, item: (v: unknown) => unknown): T {
  const value = (result as Obj)[field];
  if (!Array.isArray(value)) return result;
  const mapped = mapItems(value, item);
  return mapped === value ? result : { ...result, [field]: mapped };
}

/** `obj` with string `obj[key]` mapped; non-objects and non-string fields pass through. */
function mapStringField(obj: unknown, key: string, fn: UriMap): unknown {
  if (!isObj(obj) || typeof obj[key] !== 'string') return obj;
  const mapped = fn(obj[key]);
  return mapped === obj[key] ? obj : { ...obj, [key]: mapped };
}

/** tools/call result: content[] resource links and embedded resources. structuredContent is data, left alone. */
export function mapCallToolResultUris<T extends object>(result: T, fn: UriMap): T {
  return mapArrayField(result, 'content', (block) => mapContentBlockUri(block, fn));
}

/** prompts/get result: each message's content (a single block, or an array of blocks). */
export function mapGetPromptResultUris<T extends object>(result: T, fn: UriMap): T {
  return mapArrayField(result, 'messages', (message) => {
    if (!isObj(message)) return message;
    const content = message.content;
    const mapped = Array.isArray(content) ? mapItems(content, (b) => mapContentBlockUri(b, fn)) : mapContentBlockUri(content, fn);
    return mapped === content ? message : { ...message, content: mapped };
  });
}

/** resources/read result: contents[].uri. */
export function mapReadResourceResultUris<T extends object>(result: T, fn: UriMap): T {
  return mapArrayField(result, 'contents', (c) => mapStringField(c, 'uri', fn));
}
