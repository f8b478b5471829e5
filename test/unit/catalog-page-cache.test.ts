import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { CursorCodec } from '../../src/catalog/cursor.js';
import { FullView } from '../../src/catalog/view.js';
import { encodeMessage, withSerializedJson } from '../../src/util/encode-message.js';

const tool = (name: string, description = `does ${name}`) => ({ name, description, inputSchema: { type: 'object' as const } });
const names = (items: unknown[]) => (items as Array<{ name: string }>).map((t) => t.name);

function setup() {
  const catalog = new Catalog('__', [
    { name: 'a', prefix: 'a' },
    { name: 'b', prefix: 'b' },
  ]);
  catalog.setLists('a', { tools: [tool('t3'), tool('t1'), tool('t2')] });
  catalog.setLists('b', { tools: [tool('x1')] });
  const codec = new CursorCodec(randomBytes(32));
  return { catalog, codec, view: new FullView(catalog, codec, 2) };
}

function readAll(view: FullView): string[] {
  const out: string[] = [];
  let cursor: string | undefined;
  do {
    const page = view.page('tools', cursor);
    out.push(...names(page.items));
    cursor = page.nextCursor;
  } while (cursor);
  return out;
}

describe('full-view pages kept between requests', () => {
  it('serves the same page again, with its result ready to send', () => {
    const { view } = setup();
    const first = view.page('tools');
    expect(names(first.items)).toEqual(['a__t1', 'a__t2']);
    expect(view.page('tools')).toBe(first);
    expect(first.result).toEqual({ tools: first.items, nextCursor: first.nextCursor });
    expect(Object.isFrozen(first.result)).toBe(true);
    // Sessions share the catalog's pages: a second view gets the same object.
    const { catalog, codec } = setup();
    const v1 = new FullView(catalog, codec, 2);
    const v2 = new FullView(catalog, codec, 2);
    expect(v2.page('tools', v1.page('tools').nextCursor)).toBe(v1.page('tools', v1.page('tools').nextCursor));
  });

  it('drops cached pages when a backend list changes, and old cursors resume exactly', () => {
    const { catalog, view } = setup();
    expect(readAll(view)).toEqual(['a__t1', 'a__t2', 'a__t3', 'b__x1']);
    const cursor = view.page('tools').nextCursor!;
    catalog.setLists('a', { tools: [tool('t1'), tool('t2'), tool('t0'), tool('t4', 'new')] });
    expect(names(view.page('tools').items)).toEqual(['a__t0', 'a__t1']);
    // The cursor said "a: after a__t2": the next page starts at the first key past it.
    expect(names(view.page('tools', cursor).items)).toEqual(['a__t4', 'b__x1']);
    expect((view.page('tools', cursor).items[0] as { description: string }).description).toBe('new');
    catalog.setLists('b', { tools: [] });
    expect(readAll(view)).toEqual(['a__t0', 'a__t1', 'a__t2', 'a__t4']);
  });

  it('drops cached pages when servers are added or removed', () => {
    const { catalog, view } = setup();
    expect(readAll(view)).toEqual(['a__t1', 'a__t2', 'a__t3', 'b__x1']);
    catalog.addServer({ name: 'c', prefix: 'c' });
    catalog.setLists('c', { tools: [tool('z')] });
    expect(readAll(view)).toEqual(['a__t1', 'a__t2', 'a__t3', 'b__x1', 'c__z']);
    catalog.removeServer('a');
    expect(readAll(view)).toEqual(['b__x1', 'c__z']);
  });

  it('still refuses a cursor it did not mint', () => {
    const { view } = setup();
    view.page('tools');
    expect(() => view.page('tools', 'forged.AAAAAAAAAAAAAAAAAAAAAA')).toThrow(/Invalid cursor/);
  });
});

describe('encodeMessage', () => {
  it('splices a pre-serialized result into exactly what JSON.stringify gives', () => {
    const result = withSerializedJson({ tools: [{ name: 'a"b', description: 'ü\n' }], nextCursor: 'c.d' });
    for (const id of [1, 'x"y', 0]) {
      const message = { jsonrpc: '2.0', id, result };
      expect(encodeMessage(message)).toBe(JSON.stringify(message));
    }
  });

  it('serializes any other shape whole, so extra fields are never lost', () => {
    const result = withSerializedJson({ tools: [] });
    const extra = { jsonrpc: '2.0', id: 1, result, extra: true };
    expect(JSON.parse(encodeMessage(extra))).toEqual({ jsonrpc: '2.0', id: 1, result: { tools: [] }, extra: true });
    const copied = { jsonrpc: '2.0', id: 2, result: { resultType: 'complete', ...result } };
    expect(JSON.parse(encodeMessage(copied))).toEqual({ jsonrpc: '2.0', id: 2, result: { resultType: 'complete', tools: [] } });
    expect(encodeMessage({ jsonrpc: '2.0', method: 'x' })).toBe('{"jsonrpc":"2.0","method":"x"}');
  });
});
