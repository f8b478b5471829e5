/**
 * One JSON-RPC message to JSON text, for every byte transport. A result that is sent again unchanged
 * (a page of a big list, read by every client that lists) can carry its own JSON, made once: the
 * message around it is then spliced together instead of serializing the whole result again. For a
 * 100-tool page that serialization was most of what the router did per page.
 */

/** Where a pre-serialized result keeps its JSON: a symbol, so JSON.stringify and spreads skip it. */
const SERIALIZED = Symbol('serialized result');

type Serialized = { readonly [SERIALIZED]?: string };

/**
 * Attach `value`'s JSON to it and freeze it (shallowly), so what is sent can never differ from what
 * was serialized. Only for results that are not mutated afterwards.
 */
export function withSerializedJson<T extends object>(value: T): T {
  Object.defineProperty(value, SERIALIZED, { value: JSON.stringify(value) });
  return Object.freeze(value);
}

/** Length of the JSON a value carries from withSerializedJson (0 when it carries none). */
export function serializedLength(value: object): number {
  return (value as Serialized)[SERIALIZED]?.length ?? 0;
}

/** The JSON text of one message (no trailing newline). */
export function encodeMessage(message: unknown): string {
  const m = message as { jsonrpc?: unknown; id?: unknown; result?: Serialized };
  const raw = typeof m.result === 'object' && m.result !== null ? m.result[SERIALIZED] : undefined;
  // Only the exact response shape is spliced; anything else goes through JSON.stringify whole.
  if (raw !== undefined && m.jsonrpc === '2.0' && Object.keys(m).length === 3 && 'id' in m) {
    return `{"jsonrpc":"2.0","id":${JSON.stringify(m.id)},"result":${raw}}`;
  }
  return JSON.stringify(message);
}
