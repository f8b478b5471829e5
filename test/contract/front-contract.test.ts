/**
 * The front contract: the same JSON-RPC behaviour on every transport a client can reach the router
 * by (stdio, Streamable HTTP, legacy SSE, WebSocket, in-memory Router.connect). Each front is started
 * once against one fixture backend and spoken to by hand, so framing, error codes and limits are seen
 * as a client sees them, whatever the router's internals look like.
 *
 * Cases marked "known bug" fail today and stay: they document what the request pipeline must fix (a
 * request with ill-shaped params must be answered, never left hanging; messages must be sentences).
 * Each waits ANSWER_MS for an answer so a hang fails the case instead of blocking the suite.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { q, tempDir } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { NETWORK_LIMIT, PROTOCOL_VERSION, allFronts, initialize, type FrontConn } from './fronts.js';
import type { Message } from './inbox.js';

/** How long a request may take to be answered before the case counts it as left hanging. */
const ANSWER_MS = 3000;

const tmp = tempDir('sb-contract-fronts-');
const fx = fixtureStdioCommand('fx');
const CONFIG = tmp.write(
  'router.yaml',
  `servers:\n  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\nlisten:\n  maxBodyBytes: ${NETWORK_LIMIT}\n`,
);
afterAll(() => tmp.remove());

const errorNoId = (m: Message) => m.method === undefined && m.error !== undefined && m.id === null;

/** What a client got for one request: the error's code and message, a result, or nothing at all. */
type Outcome = { code: number; message: string } | 'result' | 'left hanging';

async function outcomeOf(conn: FrontConn, id: string | number): Promise<Outcome> {
  try {
    const r = await conn.response(id, ANSWER_MS);
    return r.error ? { code: r.error.code, message: r.error.message } : 'result';
  } catch {
    return 'left hanging';
  }
}

/** An answer the pipeline must give: -32602 and one sentence naming `field`, not a schema library's issue dump. */
function describeInvalid(outcome: Outcome, field: string): string {
  if (typeof outcome === 'string') return outcome;
  const problems = [
    outcome.code !== -32602 && `code ${outcome.code}`,
    !new RegExp(`\\b${field}\\b`).test(outcome.message) && `does not name "${field}"`,
    outcome.message.includes('"code":') && 'contains a raw issue dump ("code":)',
    outcome.message.trimStart().startsWith('[') && 'starts with "["',
  ].filter(Boolean);
  return problems.length ? `${problems.join(', ')}: ${outcome.message}` : 'ok';
}

describe.each(allFronts())('front contract: $name', (front) => {
  let conn: FrontConn;
  let initResult: Message;
  let ids = 100;
  const nextId = () => ids++;

  async function openInitialized(): Promise<FrontConn> {
    const c = await front.open();
    await initialize(c);
    return c;
  }

  async function call(c: FrontConn, method: string, params?: unknown, id: string | number = nextId()): Promise<Message> {
    c.send({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) });
    return c.response(id);
  }

  async function expectServing(c: FrontConn, text: string): Promise<void> {
    const r = await call(c, 'tools/call', { name: 'fx__echo', arguments: { text } });
    expect(r.result).toMatchObject({ content: [{ type: 'text', text: `echo:${text}` }] });
  }

  beforeAll(async () => {
    await front.start(CONFIG);
    conn = await front.open();
    initResult = await initialize(conn);
  });

  afterAll(async () => {
    await conn?.close();
    await front.stop();
  });

  describe('framing', () => {
    it('initialize, notifications/initialized and tools/list work', async () => {
      expect(initResult).toMatchObject({ jsonrpc: '2.0', id: 'init', result: { protocolVersion: PROTOCOL_VERSION, serverInfo: { name: expect.any(String) } } });
      const list = await call(conn, 'tools/list', {});
      expect(list.jsonrpc).toBe('2.0');
      const names = (list.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
      expect(names).toEqual(FIXTURE_TOOL_NAMES.map((t) => `fx__${t}`).sort());
    });

    it('answers under the client\'s own id: number, string, and 0', async () => {
      for (const id of [0, 7, 'str-id', 'zero-0']) {
        const list = await call(conn, 'tools/list', {}, id);
        expect(list.id).toBe(id);
        expect(list.result).toHaveProperty('tools');
      }
      for (const id of [0, 8, 'call-id']) {
        const echoed = await call(conn, 'tools/call', { name: 'fx__echo', arguments: { text: `id ${String(id)}` } }, id);
        expect(echoed).toMatchObject({ jsonrpc: '2.0', id, result: { content: [{ type: 'text', text: `echo:id ${String(id)}` }] } });
      }
      const ping = await call(conn, 'ping', undefined, 0);
      expect(ping).toEqual({ jsonrpc: '2.0', id: 0, result: {} });
    });
  });

  if (front.bytes) {
    it('malformed JSON gets -32700 with id null, and the session keeps working', async () => {
      const sent = conn.send('{"jsonrpc": "2.0", "id": 9, "method": ');
      const error = await conn.next((m) => m.method === undefined && m.error !== undefined && (m.id === null || m.id === 9), 'answer to the malformed JSON');
      expect(error).toMatchObject({ jsonrpc: '2.0', id: null, error: { code: -32700 } });
      if (front.http) expect(await sent.status).toBe(400);
      await expectServing(conn, 'after malformed');
    });
  }

  describe('messages that are JSON but not JSON-RPC get -32600', () => {
    const shapes: Array<[string, (id: number) => object]> = [
      ['no jsonrpc member', (id) => ({ id, method: 'tools/list' })],
      ['jsonrpc "1.0"', (id) => ({ jsonrpc: '1.0', id, method: 'tools/list' })],
      ['a method that is a number', (id) => ({ jsonrpc: '2.0', id, method: 42 })],
    ];
    it.each(shapes)('%s', async (_label, shape) => {
      const id = nextId();
      const sent = conn.send(shape(id));
      const error = await conn.next((m) => m.method === undefined && m.error !== undefined && (m.id === null || m.id === id), 'answer to the invalid request', ANSWER_MS);
      expect(error.error?.code).toBe(-32600);
      if (front.http) expect(await sent.status).toBe(400);
      await expectServing(conn, 'after invalid');
    });
  });

  it('an unknown method gets -32601 under its id', async () => {
    const r = await call(conn, 'no/such-method', {});
    expect(r.error?.code).toBe(-32601);
    expect(r.error?.message).toContain('no/such-method');
  });

  describe('ill-shaped params are answered with -32602 naming them (known bug: left hanging today)', () => {
    const methods = ['tools/list', 'prompts/list', 'resources/list', 'tools/call'];
    const shapes: Array<[string, unknown]> = [
      ['an array', ['fx__echo']],
      ['a string', 'fx__echo'],
      ['null', null],
    ];
    it.each(shapes)('params that is %s', async (_label, params) => {
      const sent = methods.map((method) => {
        const id = nextId();
        conn.send({ jsonrpc: '2.0', id, method, params });
        return [method, id] as const;
      });
      const outcomes = await Promise.all(sent.map(async ([method, id]) => [method, describeInvalid(await outcomeOf(conn, id), 'params')]));
      expect(Object.fromEntries(outcomes)).toEqual(Object.fromEntries(methods.map((m) => [m, 'ok'])));
    });
  });

  it('tools/call with arguments that are not an object: -32602, one sentence naming arguments (known bug)', async () => {
    const values: unknown[] = [['hi'], 'hi', 5];
    const outcomes = await Promise.all(values.map(async (value) => {
      const id = nextId();
      conn.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fx__echo', arguments: value } });
      return [JSON.stringify(value), describeInvalid(await outcomeOf(conn, id), 'arguments')];
    }));
    expect(Object.fromEntries(outcomes)).toEqual(Object.fromEntries(values.map((v) => [JSON.stringify(v), 'ok'])));
  });

  it('logging/setLevel with an unknown level: -32602 naming level (known bug)', async () => {
    const id = nextId();
    conn.send({ jsonrpc: '2.0', id, method: 'logging/setLevel', params: { level: 'loudest' } });
    expect(describeInvalid(await outcomeOf(conn, id), 'level')).toBe('ok');
  });

  it('tools/list with a cursor that is not a string: -32602 naming cursor (known bug)', async () => {
    const values: unknown[] = [5, { page: 2 }];
    const outcomes = await Promise.all(values.map(async (cursor) => {
      const id = nextId();
      conn.send({ jsonrpc: '2.0', id, method: 'tools/list', params: { cursor } });
      return [JSON.stringify(cursor), describeInvalid(await outcomeOf(conn, id), 'cursor')];
    }));
    expect(Object.fromEntries(outcomes)).toEqual(Object.fromEntries(values.map((v) => [JSON.stringify(v), 'ok'])));
  });

  if (front.oversize !== undefined) {
    const oversize = front.oversize;
    it(`a message over the front's limit is refused once, and the session keeps serving`, async () => {
      const c = await openInitialized();
      const id = nextId();
      const sent = c.send({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'fx__echo', arguments: { text: 'x'.repeat(oversize) } } });
      if (front.http) {
        expect(await sent.status).toBe(413);
        // The refusal may carry a JSON-RPC error body: at most one.
        expect(c.inbox.take(errorNoId).length).toBeLessThanOrEqual(1);
      } else {
        // A linear reader refuses 64 MiB within a few seconds; the budget is generous on a shared machine.
        const error = await c.next((m) => m.method === undefined && m.error !== undefined && (m.id === null || m.id === id), 'answer to the oversized message', 15_000);
        expect(error.error?.code).toBe(-32600);
      }
      await expectServing(c, 'after oversize');
      // One refusal per message: nothing else (a parse error for its tail, say) came before that answer.
      expect(c.inbox.take((m) => m.method === undefined && m.error !== undefined)).toEqual([]);
      expect(c.inbox.all.some((m) => m.id === id && m.result !== undefined)).toBe(false);
      await c.close();
    }, 60_000);
  }

  it('a second session is independent of the first', async () => {
    const other = await openInitialized();
    await expectServing(other, 'second session');
    await expectServing(conn, 'first session');
    await other.close();
  });

  it('ending the session ends it the front\'s way, and the front keeps serving others', async () => {
    const c = await openInitialized();
    await expectServing(c, 'before end');
    expect(await c.end()).toBe(front.ended);
    await expectServing(conn, 'after another session ended');
  });
});
