import { suggest as suggestClose } from '../../src/util/suggest.js';
import { describe, expect, it } from 'vitest';
import {
  NameTable,
  PUBLIC_NAME_PATTERN,
  publicName,
  type NameEntry,
} from '../../src/catalog/names.js';
import { MAX_PREFIX_LENGTH, sanitizePrefix } from '../../src/config/prefix.js';
import { shortHash } from '../../src/util/short-hash.js';
import { rng } from '../helpers/property.js';

const PIECES = [
  'get', 'create_issue', 'search', 'a', 'b', 'c', 'x', '_', '__', '___', '-', '.', '/', ' ', ':', 'é', '日本', '🚀',
  'Read', 'FILE', 'b__c', 'a__b', 'tool-1', '%20', '\u0000', '\ud800', 'long_segment_of_text_',
];

function randomString(r: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)] as T;
  const roll = r();
  if (roll < 0.05) return '';
  if (roll < 0.1) return pick(PIECES).repeat(10 + Math.floor(r() * 30)); // very long
  const n = 1 + Math.floor(r() * 4);
  let s = '';
  for (let i = 0; i < n; i++) s += pick(PIECES);
  return s;
}

interface ServerSpec {
  server: string;
  prefix: string;
  names: string[];
}

function randomWorld(seed: number): ServerSpec[] {
  const r = rng(seed);
  const specs: ServerSpec[] = [];
  const count = 2 + Math.floor(r() * 6);
  for (let i = 0; i < count; i++) {
    const server = `${randomString(r)}#${i}`; // server names are unique keys
    const p = r();
    // Empty and hand-picked colliding prefixes are the interesting cases.
    const prefix = p < 0.25 ? '' : p < 0.4 ? (r() < 0.5 ? 'a' : 'a__b') : sanitizePrefix(server);
    const names: string[] = [];
    const n = Math.floor(r() * 40);
    for (let j = 0; j < n; j++) names.push(randomString(r));
    if (r() < 0.3 && names.length > 0) names.push(names[0] as string); // duplicate
    specs.push({ server, prefix, names });
  }
  return specs;
}

function build(specs: readonly ServerSpec[]): NameTable {
  const t = new NameTable();
  for (const s of specs) t.setServer(s.server, s.prefix, s.names);
  return t;
}

function shuffled<T>(xs: readonly T[], r: () => number): T[] {
  const out = [...xs];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

const canonical = (entries: NameEntry[]): string[] =>
  entries.map((e) => JSON.stringify([e.server, e.name, e.publicName])).sort();

describe('sanitizePrefix', () => {
  it('keeps readable names and maps the rest to single underscores', () => {
    expect(sanitizePrefix('github')).toBe('github');
    expect(sanitizePrefix('my server.v2')).toBe('my_server_v2');
    expect(sanitizePrefix('__a__b__')).toBe('a_b');
    expect(sanitizePrefix('a/../b')).toBe('a_b');
    expect(sanitizePrefix('file-system')).toBe('file-system');
  });

  it('hashes names with no usable characters, stably', () => {
    const p = sanitizePrefix('日本');
    expect(p).toMatch(/^s[0-9a-z]{6}$/);
    expect(sanitizePrefix('日本')).toBe(p);
    expect(sanitizePrefix('中国')).not.toBe(p);
    expect(sanitizePrefix('')).toMatch(/^s[0-9a-z]{6}$/);
  });

  it('caps long names with a hash so that distinct long names stay distinct', () => {
    const a = sanitizePrefix('x'.repeat(50) + 'a');
    const b = sanitizePrefix('x'.repeat(50) + 'b');
    expect(a.length).toBeLessThanOrEqual(MAX_PREFIX_LENGTH);
    expect(a).toMatch(/^x+-[0-9a-z]{6}$/);
    expect(a).not.toBe(b);
  });
});

describe('publicName', () => {
  it('joins prefix, separator and name', () => {
    expect(publicName('github', '__', 'create_issue')).toBe('github__create_issue');
    expect(publicName('fs', '-', 'read')).toBe('fs-read');
  });

  it('leaves the name unchanged when the prefix is empty', () => {
    expect(publicName('', '__', 'create_issue')).toBe('create_issue');
    expect(publicName('', '__', 'x'.repeat(64))).toBe('x'.repeat(64));
  });

  it('is pinned: the same value on every machine and release', () => {
    expect(shortHash('github__get.file')).toBe(shortHash('github__get.file'));
    expect(publicName('github', '__', 'get.file')).toBe(`github__get_file-${shortHash('github__get.file')}`);
    // Golden values: a change here renames tools for every user; do it only on purpose.
    expect(shortHash('github__get.file')).toBe('215cqku2');
    expect(sanitizePrefix('日本')).toBe('sov4txa');
  });

  it('hashes sanitized names so different originals never meet', () => {
    const dot = publicName('github', '__', 'a.b');
    const space = publicName('github', '__', 'a b');
    expect(dot).toMatch(/^github__a_b-[0-9a-z]{8}$/);
    expect(space).toMatch(/^github__a_b-[0-9a-z]{8}$/);
    expect(dot).not.toBe(space);
    expect(dot).not.toBe(publicName('github', '__', 'a_b'));
  });

  it('shortens long names to 64 characters keeping the prefix visible', () => {
    const long = publicName('github', '__', 'very_long_tool_name_'.repeat(5));
    expect(long.length).toBeLessThanOrEqual(64);
    expect(long.startsWith('github__very_long_tool_name_')).toBe(true);
    expect(long).toMatch(PUBLIC_NAME_PATTERN);
    expect(publicName('github', '__', 'very_long_tool_name_'.repeat(5) + 'x')).not.toBe(long);
  });

  it('produces a valid name for all-unicode and empty names', () => {
    expect(publicName('', '__', '日本')).toMatch(/^[0-9a-z]{8}$/);
    expect(publicName('', '__', '')).toMatch(PUBLIC_NAME_PATTERN);
    expect(publicName('p', '__', '')).toBe('p__');
    expect(publicName('p', '.', 'x')).toMatch(/^p_x-[0-9a-z]{8}$/);
  });
});

describe('NameTable', () => {
  it('maps and resolves the common case', () => {
    const t = new NameTable();
    const m = t.setServer('github', 'github', ['create_issue', 'search']);
    expect(m.get('create_issue')).toBe('github__create_issue');
    expect(t.resolve('github__search')).toEqual({ server: 'github', name: 'search' });
    expect(t.publicFor('github', 'search')).toBe('github__search');
    expect(t.resolve('search')).toBeUndefined();
    expect(t.publicFor('nope', 'search')).toBeUndefined();
  });

  it('uses the constructor separator by default and a per-server override when given', () => {
    const t = new NameTable('.');
    expect(t.setServer('a', 'a', ['x']).get('x')).toMatch(/^a_x-/);
    expect(t.setServer('b', 'b', ['x'], '_').get('x')).toBe('b_x');
  });

  it('resolves the separator ambiguity by (server, name) order, whatever the insertion order', () => {
    const forward = new NameTable();
    forward.setServer('s1', 'a', ['b__c']);
    forward.setServer('s2', 'a__b', ['c']);
    const backward = new NameTable();
    backward.setServer('s2', 'a__b', ['c']);
    backward.setServer('s1', 'a', ['b__c']);
    for (const t of [forward, backward]) {
      expect(t.publicFor('s1', 'b__c')).toBe('a__b__c');
      expect(t.publicFor('s2', 'c')).toMatch(/^a__b__c-[0-9a-z]{8}$/);
      expect(t.resolve(t.publicFor('s2', 'c') ?? '')).toEqual({ server: 's2', name: 'c' });
    }
    expect(forward.entries()).toEqual(backward.entries());
  });

  it('gives empty-prefix duplicates one natural owner and reports renamed servers', () => {
    const t = new NameTable();
    t.setServer('zeta', '', ['search']);
    expect(t.publicFor('zeta', 'search')).toBe('search');
    t.setServer('alpha', '', ['search']);
    expect(t.publicFor('alpha', 'search')).toBe('search');
    expect(t.publicFor('zeta', 'search')).toMatch(/^search-[0-9a-z]{8}$/);
    expect(t.changedByLastUpdate()).toEqual(['zeta']);
    t.setServer('alpha', '', []);
    expect(t.publicFor('zeta', 'search')).toBe('search');
    expect(t.changedByLastUpdate()).toEqual(['zeta']);
    expect(t.resolve('search')).toEqual({ server: 'zeta', name: 'search' });
  });

  it('never lets a disambiguated name take a name another pair computes naturally', () => {
    const t = new NameTable();
    t.setServer('a', '', ['x']);
    t.setServer('b', '', ['x']);
    const loser = t.publicFor('b', 'x') ?? '';
    // A third server whose natural name is exactly the loser's name wins it back, deterministically.
    t.setServer('c', '', [loser]);
    expect(t.publicFor('c', loser)).toBe(loser);
    expect(t.publicFor('b', 'x')).not.toBe(loser);
    expect(t.publicFor('b', 'x')).toMatch(PUBLIC_NAME_PATTERN);
  });

  it('replaces a server’s names and forgets removed ones', () => {
    const t = new NameTable();
    t.setServer('s', 's', ['a', 'b']);
    t.setServer('s', 's', ['b', 'c']);
    expect(t.resolve('s__a')).toBeUndefined();
    expect(t.entries().map((e) => e.publicName)).toEqual(['s__b', 's__c']);
    t.setServer('s', 's', []);
    expect(t.entries()).toEqual([]);
    expect(t.resolve('s__b')).toBeUndefined();
  });

  it('lists entries by server, then in the order each server gave its names', () => {
    const t = new NameTable();
    t.setServer('b', 'b', ['z', 'a']);
    t.setServer('a', 'a', ['y']);
    expect(t.entries().map((e) => e.publicName)).toEqual(['a__y', 'b__z', 'b__a']);
  });

  it('property: valid, unique, reversible, order-independent and stable names', () => {
    let checked = 0;
    for (let seed = 1; seed <= 150; seed++) {
      const world = randomWorld(seed);
      const t = build(world);
      const seen = new Map<string, string>();
      for (const { server, names } of world) {
        for (const name of names) {
          const pub = t.publicFor(server, name);
          expect(pub, `${server}/${name}`).toBeDefined();
          expect(pub).toMatch(PUBLIC_NAME_PATTERN);
          expect(t.resolve(pub as string)).toEqual({ server, name });
          const owner = JSON.stringify([server, name]);
          expect(seen.get(pub as string) ?? owner).toBe(owner);
          seen.set(pub as string, owner);
          checked++;
        }
      }
      expect(t.entries().length).toBe(seen.size);

      const expected = canonical(t.entries());
      const r = rng(seed * 7919);
      expect(canonical(build(shuffled(world, r)).entries())).toEqual(expected);
      expect(canonical(build(world).entries())).toEqual(expected);

      // Reconnect: a server goes down (no names) and comes back, after others changed around it.
      const victim = world[Math.floor(r() * world.length)] as ServerSpec;
      t.setServer(victim.server, victim.prefix, []);
      t.setServer(victim.server, victim.prefix, [...victim.names].reverse());
      expect(canonical(t.entries())).toEqual(expected);
    }
    expect(checked).toBeGreaterThan(2000);
  });

  it('property: many servers sharing an empty prefix and identical tool lists', () => {
    const names = Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? `tool.${i}` : `tool_${i}`));
    const servers = Array.from({ length: 10 }, (_, i) => `srv${i}`);
    const a = new NameTable();
    for (const s of servers) a.setServer(s, '', names);
    const b = new NameTable();
    for (const s of [...servers].reverse()) b.setServer(s, '', names);
    const all = a.entries().map((e) => e.publicName);
    expect(new Set(all).size).toBe(2000);
    expect(all.every((n) => PUBLIC_NAME_PATTERN.test(n))).toBe(true);
    expect(canonical(a.entries())).toEqual(canonical(b.entries()));
    expect(a.publicFor('srv0', 'tool_1')).toBe('tool_1');
  });
});

/** Public-name suggestions as the engine asks for them: up to 3, bare names compared too. */
function suggest(unknown: string, candidates: string[], max = 3): string[] {
  return suggestClose(unknown, candidates, { max, separator: '__', containment: true });
}

describe('suggest', () => {
  it('prefers the same server when one tool name exists on several servers', () => {
    expect(suggest('st__ecko', ['by__echo', 'iso__echo', 'ren__echo', 'st__echo'])[0]).toBe('st__echo');
  });

  const tools = ['github__create_issue', 'github__search_issues', 'fs__read_file', 'fs__write_file', 'memory__search'];

  it('finds typos, missing prefixes and wrong prefixes', () => {
    expect(suggest('github__create_isue', tools)[0]).toBe('github__create_issue');
    expect(suggest('create_issue', tools)[0]).toBe('github__create_issue');
    expect(suggest('gitlab__create_issue', tools)[0]).toBe('github__create_issue');
    expect(suggest('read_fil', tools)[0]).toBe('fs__read_file');
    expect(suggest('GITHUB__CREATE_ISSUE', tools)[0]).toBe('github__create_issue');
  });

  it('ranks, dedupes and limits', () => {
    expect(suggest('search', tools)).toEqual(['memory__search', 'github__search_issues']);
    expect(suggest('file', tools, 1)).toEqual(['fs__read_file']);
    expect(suggest('file', [...tools, ...tools])).toEqual(['fs__read_file', 'fs__write_file']);
  });

  it('returns nothing for unrelated or empty input', () => {
    expect(suggest('zzzzzz', tools)).toEqual([]);
    expect(suggest('', tools)).toEqual([]);
    expect(suggest('search', tools, 0)).toEqual([]);
  });
});
