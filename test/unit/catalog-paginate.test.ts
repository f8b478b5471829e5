import { describe, expect, it } from 'vitest';
import { CursorCodec, type CursorState } from '../../src/catalog/cursor.js';
import { paginateMerged, paginateWithCursor, type PageSection } from '../../src/catalog/paginate.js';
import { rng, expectBadCursor } from '../helpers/property.js';

type Item = { key: string };
const sec = (server: string, ...keys: string[]): PageSection<Item> => ({ server, items: keys.map((key) => ({ key })) });
const keys = (items: Item[]) => items.map((i) => i.key);

describe('paginateMerged: exact pages', () => {
  it('returns everything in one page without a cursor when it fits', () => {
    const page = paginateMerged([sec('a', 'a2', 'a1'), sec('b', 'b1')], { kind: 'tools', pageSize: 10 });
    expect(keys(page.items)).toEqual(['a1', 'a2', 'b1']);
    expect(page.next).toBeUndefined();
    expect(paginateMerged([sec('a', 'x', 'y')], { kind: 'tools', pageSize: Infinity }).next).toBeUndefined();
    expect(paginateMerged([], { kind: 'tools', pageSize: 1 })).toEqual({ items: [] });
  });

  it('walks each section in key order and records where it stopped', () => {
    const sections = [sec('a', 'a1', 'a3', 'a2'), sec('b', 'b1')];
    const p1 = paginateMerged(sections, { kind: 'tools', pageSize: 2 });
    expect(keys(p1.items)).toEqual(['a1', 'a2']);
    expect(p1.next).toEqual({ kind: 'tools', positions: { a: { after: 'a2' } } });
    const p2 = paginateMerged(sections, { kind: 'tools', pageSize: 2, cursor: p1.next });
    expect(keys(p2.items)).toEqual(['a3', 'b1']);
    expect(p2.next).toBeUndefined();
  });

  it('marks a section done when a page ends exactly at its end', () => {
    const sections = [sec('a', 'a1', 'a2'), sec('b', 'b1'), sec('c')];
    const p1 = paginateMerged(sections, { kind: 'prompts', pageSize: 2 });
    expect(keys(p1.items)).toEqual(['a1', 'a2']);
    expect(p1.next).toEqual({ kind: 'prompts', positions: { a: { done: true } } });
    const p2 = paginateMerged(sections, { kind: 'prompts', pageSize: 2, cursor: p1.next });
    expect(keys(p2.items)).toEqual(['b1']);
    expect(p2.next).toBeUndefined();
  });

  it('gives no next cursor when only empty sections remain', () => {
    const p = paginateMerged([sec('a', 'a1', 'a2'), sec('b'), sec('c')], { kind: 'tools', pageSize: 2 });
    expect(p.next).toBeUndefined();
  });

  it('resumes after a vanished `after` key at the next greater key', () => {
    const cursor: CursorState = { kind: 'tools', positions: { a: { after: 'a2' } } };
    const p = paginateMerged([sec('a', 'a1', 'a3', 'a4')], { kind: 'tools', pageSize: 10, cursor });
    expect(keys(p.items)).toEqual(['a3', 'a4']);
  });

  it('lists a server added between pages whole, skips done ones, keeps absent servers’ positions', () => {
    const cursor: CursorState = {
      kind: 'tools',
      positions: { a: { done: true }, gone: { after: 'g5', backendCursor: 'bc' }, b: { after: 'b1' } },
    };
    const p = paginateMerged([sec('new', 'n2', 'n1'), sec('a', 'a9'), sec('b', 'b1', 'b2', 'b3')], { kind: 'tools', pageSize: 3, cursor });
    expect(keys(p.items)).toEqual(['n1', 'n2', 'b2']);
    expect(p.next).toEqual({
      kind: 'tools',
      positions: { a: { done: true }, gone: { after: 'g5', backendCursor: 'bc' }, b: { after: 'b2' }, new: { done: true } },
    });
  });

  it('accepts a key function for items without a `key` field', () => {
    const sections = [{ server: 's', items: [{ name: 'z' }, { name: 'y' }] }];
    const p = paginateMerged(sections, { kind: 'tools', pageSize: 1, keyOf: (t) => t.name });
    expect(p.items).toEqual([{ name: 'y' }]);
    expect(() => paginateMerged(sections, { kind: 'tools', pageSize: 1 })).toThrow(TypeError);
  });

  it('handles servers named like Object.prototype members', () => {
    const cursor: CursorState = { kind: 'tools', positions: Object.fromEntries([['__proto__', { after: 'k1' }]]) };
    const p = paginateMerged([sec('toString', 't1'), sec('__proto__', 'k1', 'k2')], { kind: 'tools', pageSize: 1, cursor });
    expect(keys(p.items)).toEqual(['t1']);
    expect(Object.hasOwn(p.next?.positions ?? {}, '__proto__')).toBe(true);
    expect(p.next?.positions['toString']).toEqual({ done: true });
  });

  it('rejects a bad page size and a cursor of another kind', () => {
    for (const pageSize of [0, -1, 1.5, NaN]) {
      expect(() => paginateMerged([], { kind: 'tools', pageSize })).toThrow(RangeError);
    }
    expectBadCursor(() => paginateMerged([], { kind: 'tools', pageSize: 1, cursor: { kind: 'prompts', positions: {} } }));
  });
});

describe('paginateWithCursor', () => {
  const codec = new CursorCodec(Buffer.alloc(32, 7));
  const sections = [sec('github', 'github__b', 'github__a'), sec('fs', 'fs__read')];

  it('follows opaque cursors to the end', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = paginateWithCursor(codec, sections, { kind: 'tools', pageSize: 1, cursor });
      seen.push(...keys(page.items));
      cursor = page.nextCursor;
      pages++;
    } while (cursor !== undefined);
    expect(seen).toEqual(['github__a', 'github__b', 'fs__read']);
    expect(pages).toBe(3);
  });

  it('rejects forged, foreign and other-kind cursors with SB_BAD_CURSOR / -32602', () => {
    const first = paginateWithCursor(codec, sections, { kind: 'tools', pageSize: 1 });
    expect(first.nextCursor).toBeDefined();
    const cursor = first.nextCursor as string;
    expectBadCursor(() => paginateWithCursor(codec, sections, { kind: 'prompts', pageSize: 1, cursor }));
    expectBadCursor(() => paginateWithCursor(new CursorCodec(Buffer.alloc(32, 8)), sections, { kind: 'tools', pageSize: 1, cursor }));
    expectBadCursor(() => paginateWithCursor(codec, sections, { kind: 'tools', pageSize: 1, cursor: 'not-a-cursor' }));
    expectBadCursor(() => paginateWithCursor(codec, sections, { kind: 'tools', pageSize: 1, cursor: `x${cursor}` }));
    expectBadCursor(() => paginateWithCursor(codec, sections, { kind: 'tools', pageSize: 1, cursor: '' }));
  });
});

describe('paginateMerged: property under mutation between pages', () => {
  const ALPHABET = 'abcdefg';
  const allKeys = [...ALPHABET].flatMap((x) => [...ALPHABET].map((y) => x + y)); // 49 keys per server

  function mutate(world: Map<string, Set<string>>, r: () => number): void {
    for (const [, items] of world) {
      const ops = Math.floor(r() * 4);
      for (let i = 0; i < ops; i++) {
        const k = allKeys[Math.floor(r() * allKeys.length)] as string;
        if (r() < 0.5) items.add(k);
        else items.delete(k);
      }
    }
    const roll = r();
    const servers = ['s1', 's2', 's3', 's4', 's5'];
    const s = servers[Math.floor(r() * servers.length)] as string;
    if (roll < 0.1) world.delete(s); // a backend goes away for a while
    else if (roll < 0.2 && !world.has(s)) world.set(s, new Set(allKeys.filter(() => r() < 0.3)));
  }

  function sectionsOf(world: Map<string, Set<string>>, r: () => number): PageSection<Item>[] {
    // Shuffle both section order and item order: neither may matter.
    const shuffle = <T>(xs: T[]): T[] => xs.map((x) => [r(), x] as const).sort((a, b) => a[0] - b[0]).map(([, x]) => x);
    return shuffle([...world]).map(([server, items]) => sec(server, ...shuffle([...items])));
  }

  it('every item present on every fetch is seen exactly once, nothing is ever seen twice', () => {
    const codec = new CursorCodec(Buffer.alloc(32, 1));
    let totalPages = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const r = rng(seed);
      const world = new Map<string, Set<string>>();
      for (const s of ['s1', 's2', 's3']) world.set(s, new Set(allKeys.filter(() => r() < 0.4)));
      const pageSize = 1 + Math.floor(r() * 8);
      const seen = new Map<string, number>();
      let always: Set<string> | undefined;
      let cursor: string | undefined;
      let pages = 0;
      do {
        const present = new Set([...world].flatMap(([s, items]) => [...items].map((k) => `${s}/${k}`)));
        always = always ? new Set([...always].filter((x) => present.has(x))) : present;
        const sections = sectionsOf(world, r);
        const page = paginateWithCursor(codec, sections, { kind: 'resources', pageSize, cursor });
        expect(page.items.length).toBeLessThanOrEqual(pageSize);
        // Map items back to their server through the section that holds the very object.
        for (const item of page.items) {
          const owner = sections.find((sct) => sct.items.includes(item))?.server as string;
          const id = `${owner}/${item.key}`;
          seen.set(id, (seen.get(id) ?? 0) + 1);
        }
        cursor = page.nextCursor;
        if (cursor !== undefined) mutate(world, r);
        pages++;
        expect(pages).toBeLessThan(500); // terminates: positions only move forward over finite keys
      } while (cursor !== undefined);
      totalPages += pages;
      for (const [id, count] of seen) expect(count, `seed ${seed}: ${id}`).toBe(1);
      for (const id of always) expect(seen.has(id), `seed ${seed}: missed ${id}`).toBe(true);
    }
    expect(totalPages).toBeGreaterThan(2000);
  });
});
