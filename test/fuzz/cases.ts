/**
 * What the front fuzzers send, as fast-check arbitraries, each case labelled with what a client must
 * get back: one error with a given JSON-RPC code (under its own id, or id null when the message never
 * became a request), exactly one response of any kind, or nothing at all (notifications, stray
 * responses). Over HTTP each message is its own POST, so each case also names the status it must get.
 */
import fc from 'fast-check';

/** What one message must produce. `httpStatus` is the Streamable HTTP answer, `sseStatus` the legacy POST's. */
export type Expect =
  | { kind: 'error'; code: number; idNull: boolean; httpStatus: number; sseStatus: number }
  | { kind: 'response'; httpStatus: number; sseStatus: number }
  | { kind: 'none'; httpStatus: number; sseStatus: number };

export interface FuzzCase {
  label: string;
  /** The exact text sent (one line on stdio, one frame on WebSocket, one body over HTTP). */
  text: string;
  /** The id the answer must carry, when it carries the client's. */
  id?: string | number;
  expect: Expect;
}

/** A case is built from a run-unique id, so answers are never confused between cases or runs. */
export type CaseFactory = (id: string) => FuzzCase;

const parseError: Expect = { kind: 'error', code: -32700, idNull: true, httpStatus: 400, sseStatus: 400 };
const invalidShape: Expect = { kind: 'error', code: -32600, idNull: true, httpStatus: 400, sseStatus: 400 };
const invalidParams: Expect = { kind: 'error', code: -32602, idNull: false, httpStatus: 200, sseStatus: 202 };
const methodNotFound: Expect = { kind: 'error', code: -32601, idNull: false, httpStatus: 200, sseStatus: 202 };
const anyResponse: Expect = { kind: 'response', httpStatus: 200, sseStatus: 202 };
const noAnswer: Expect = { kind: 'none', httpStatus: 202, sseStatus: 202 };

const request = (id: string, method: string, params?: unknown) => JSON.stringify({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });

// ---- malformed JSON ----

/** A valid request cut short: an object missing its closing brace is never valid JSON. */
const truncated: fc.Arbitrary<CaseFactory> = fc.double({ min: 0, max: 0.999, noNaN: true }).map((at) => (id) => {
  const full = request(id, 'tools/call', { name: 'fx__echo', arguments: { text: 'truncated' } });
  return { label: 'truncated JSON', text: full.slice(0, Math.max(1, Math.floor(full.length * at))), expect: parseError };
});

/** Random bytes that do not parse as JSON (as text; control characters and lone surrogates included). */
const randomBytes: fc.Arbitrary<CaseFactory> = fc
  .uint8Array({ minLength: 1, maxLength: 200 })
  .map((bytes) => Buffer.from(bytes).toString('latin1').replace(/\n/g, ' '))
  .filter((text) => text.trim() !== '' && !parses(text))
  .map((text) => () => ({ label: 'random bytes', text, expect: parseError }));

/** Deep nesting: valid JSON that is no JSON-RPC message (or, past the parser's depth, no JSON at all). */
const deepNesting: fc.Arbitrary<CaseFactory> = fc
  .record({ depth: fc.integer({ min: 100, max: 9000 }), kind: fc.constantFrom('array', 'object') })
  .map(({ depth, kind }) => () => {
    const text = kind === 'array' ? '['.repeat(depth) + ']'.repeat(depth) : '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    return { label: `nesting ${depth} deep (${kind})`, text, expect: parses(text) ? invalidShape : parseError };
  });

/** A valid tools/call whose arguments nest deeply: forwarded, and answered once (result or error). */
const deepArguments: fc.Arbitrary<CaseFactory> = fc.integer({ min: 10, max: 2000 }).map((depth) => (id) => {
  let value: unknown = 'leaf';
  for (let i = 0; i < depth; i++) value = { nested: value };
  return { label: `arguments nested ${depth} deep`, text: request(id, 'tools/call', { name: 'fx__echo', arguments: { text: 'deep', extra: value } }), id, expect: anyResponse };
});

export function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

// ---- JSON, but not JSON-RPC ----

const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string({ maxLength: 5 }), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 5 }), fc.integer(), { maxKeys: 2 }));
const badId = fc.oneof(fc.boolean(), fc.constant(null), fc.array(fc.integer(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 2 }), fc.double());

const wrongShape: fc.Arbitrary<CaseFactory> = fc.oneof(
  fc.constant((id: string) => ({ label: 'no jsonrpc member', text: JSON.stringify({ id, method: 'tools/list' }), expect: invalidShape })),
  fc.constantFrom('1.0', '2', 2, null, '2.0 ').map((version) => (id: string) => ({ label: `jsonrpc ${JSON.stringify(version)}`, text: JSON.stringify({ jsonrpc: version, id, method: 'tools/list' }), expect: invalidShape })),
  notAString.filter((m) => m !== null).map((method) => (id: string) => ({ label: 'method not a string', text: JSON.stringify({ jsonrpc: '2.0', id, method }), expect: invalidShape })),
  // Fractional ids are numbers, so they are valid JSON-RPC ids: only non-numbers here.
  badId.filter((id) => typeof id !== 'number').map((badIdValue) => () => ({ label: 'id neither string nor number', text: JSON.stringify({ jsonrpc: '2.0', id: badIdValue, method: 'tools/list' }), expect: invalidShape })),
  fc.constantFrom('[]', '[1]', '"hello"', '42', 'true', 'null', '{}', '[{"jsonrpc":"2.0"}]').map((text) => () => ({ label: `JSON value ${text}`, text, expect: invalidShape })),
  fc.constant(() => ({ label: 'neither request nor response', text: JSON.stringify({ jsonrpc: '2.0', id: 'x' }), expect: invalidShape })),
);

/** Response-shaped messages to no request of the router's: dropped, never answered (no answer loops). */
const strayResponse: fc.Arbitrary<CaseFactory> = fc.oneof(
  fc.constant((id: string) => ({ label: 'stray result', text: JSON.stringify({ jsonrpc: '2.0', id: `stray-${id}`, result: {} }), expect: noAnswer })),
  fc.constant((id: string) => ({ label: 'stray error', text: JSON.stringify({ jsonrpc: '2.0', id: `stray-${id}`, error: { code: -1, message: 'x' } }), expect: noAnswer })),
);

// ---- wrong param types for every method the router serves ----

const LISTS = ['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'tasks/list'];
export const SERVED_METHODS = [
  ...LISTS, 'tools/call', 'prompts/get', 'resources/read', 'resources/subscribe', 'resources/unsubscribe',
  'completion/complete', 'logging/setLevel', 'tasks/get', 'tasks/result', 'tasks/cancel',
];
const notAnObject = fc.oneof(fc.integer(), fc.boolean(), fc.string({ maxLength: 8 }), fc.array(fc.integer(), { maxLength: 3 }));
const notAnObjectOrNull = fc.oneof(notAnObject, fc.constant(null));

/** Params of the right method with a field of the wrong type (or missing): always -32602. */
const wrongFields: fc.Arbitrary<[string, unknown]> = fc.oneof(
  fc.tuple(fc.constantFrom(...LISTS), notAString.filter((v) => v !== null)).map(([m, cursor]) => [m, { cursor }] as [string, unknown]),
  notAString.map((name) => ['tools/call', { name, arguments: {} }] as [string, unknown]),
  notAnObject.map((args) => ['tools/call', { name: 'fx__echo', arguments: args }] as [string, unknown]),
  notAString.map((name) => ['prompts/get', { name }] as [string, unknown]),
  notAnObject.map((args) => ['prompts/get', { name: 'fx__greet', arguments: args }] as [string, unknown]),
  fc.tuple(fc.constantFrom('resources/read', 'resources/subscribe', 'resources/unsubscribe'), notAString).map(([m, uri]) => [m, { uri }] as [string, unknown]),
  notAnObjectOrNull.map((ref) => ['completion/complete', { ref, argument: { name: 'id', value: 'a' } }] as [string, unknown]),
  fc.constant(['completion/complete', { ref: { type: 'ref/prompt' }, argument: { name: 'name', value: 'a' } }] as [string, unknown]),
  fc.oneof(notAString, fc.string({ maxLength: 10 }).filter((s) => !LOGGING_LEVELS.includes(s))).map((level) => ['logging/setLevel', { level }] as [string, unknown]),
  fc.tuple(fc.constantFrom('tasks/get', 'tasks/result', 'tasks/cancel'), fc.oneof(notAString, fc.string({ maxLength: 12 }))).map(([m, taskId]) => [m, { taskId }] as [string, unknown]),
);
const LOGGING_LEVELS = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

const wrongParams: fc.Arbitrary<CaseFactory> = fc.oneof(
  fc.tuple(fc.constantFrom(...SERVED_METHODS), notAnObjectOrNull).map(([method, params]) => (id: string) => ({ label: `${method} params ${JSON.stringify(params)}`, text: request(id, method, params), id, expect: invalidParams })),
  wrongFields.map(([method, params]) => (id: string) => ({ label: `${method} ${JSON.stringify(params)}`, text: request(id, method, params), id, expect: invalidParams })),
);

// ---- unknown methods, notifications ----

const unknownMethod: fc.Arbitrary<CaseFactory> = fc
  .string({ minLength: 1, maxLength: 20 })
  .map((tail) => `fuzz/${tail}`)
  .map((method) => (id: string) => ({ label: `unknown method ${JSON.stringify(method)}`, text: request(id, method, {}), id, expect: methodNotFound }));

const notification: fc.Arbitrary<CaseFactory> = fc.oneof(
  fc.string({ maxLength: 20 }).map((m) => () => ({ label: 'unknown notification', text: JSON.stringify({ jsonrpc: '2.0', method: `notifications/fuzz${m}` }), expect: noAnswer })),
  fc.tuple(fc.constantFrom('notifications/cancelled', 'notifications/progress', 'notifications/initialized', 'notifications/roots/list_changed'), fc.oneof(notAnObjectOrNull, fc.constant({ requestId: 'no-such-request', progressToken: 'no-such-token' })))
    .map(([method, params]) => () => ({ label: `${method} with params ${JSON.stringify(params)}`, text: JSON.stringify({ jsonrpc: '2.0', method, params }), expect: noAnswer })),
);

/** A plain call that must work in between the junk. */
const plainCall: fc.Arbitrary<CaseFactory> = fc.string({ maxLength: 30 }).map((text) => (id: string) => ({ label: 'plain echo', text: request(id, 'tools/call', { name: 'fx__echo', arguments: { text } }), id, expect: anyResponse }));

/** One message over the front's size limit: refused with -32600 on streams, 413 over HTTP. */
export function oversized(limit: number): CaseFactory {
  return (id) => ({
    label: 'oversized message',
    text: request(id, 'tools/call', { name: 'fx__echo', arguments: { text: 'x'.repeat(limit + 1024) } }),
    expect: { kind: 'error', code: -32600, idNull: true, httpStatus: 413, sseStatus: 413 },
  });
}

/** Every kind of message above, weighted towards the cheap ones. */
export function anyCase(opts: { oversizeLimit?: number } = {}): fc.Arbitrary<CaseFactory> {
  const arbs: Array<fc.WeightedArbitrary<CaseFactory>> = [
    { arbitrary: truncated, weight: 2 },
    { arbitrary: randomBytes, weight: 2 },
    { arbitrary: deepNesting, weight: 1 },
    { arbitrary: deepArguments, weight: 1 },
    { arbitrary: wrongShape, weight: 3 },
    { arbitrary: strayResponse, weight: 1 },
    { arbitrary: wrongParams, weight: 5 },
    { arbitrary: unknownMethod, weight: 2 },
    { arbitrary: notification, weight: 2 },
    { arbitrary: plainCall, weight: 1 },
  ];
  if (opts.oversizeLimit !== undefined) arbs.push({ arbitrary: fc.constant(oversized(opts.oversizeLimit)), weight: 1 });
  return fc.oneof(...arbs);
}
