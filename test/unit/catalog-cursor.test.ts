import { describe, expect, it } from 'vitest';
import { CursorCodec, MAX_CURSOR_LENGTH, type CursorState } from '../../src/catalog/cursor.js';
import { expectBadCursor } from '../helpers/property.js';

const key = (byte: number) => Buffer.alloc(32, byte);

const state: CursorState = {
  kind: 'tools',
  positions: {
    github: { done: true },
    fs: { after: 'fs__read_file', backendCursor: 'opaque-backend-cursor==' },
    'weird name/日本': { after: '' },
  },
};

describe('CursorCodec', () => {
  it('round-trips a state', () => {
    const codec = new CursorCodec(key(1));
    expect(codec.decode(codec.encode(state))).toEqual(state);
    expect(codec.decode(codec.encode(state), 'tools')).toEqual(state);
    const empty: CursorState = { kind: 'resourceTemplates', positions: {} };
    expect(codec.decode(codec.encode(empty))).toEqual(empty);
  });

  it('round-trips every kind and awkward server names without touching prototypes', () => {
    const codec = new CursorCodec(key(1));
    for (const kind of ['tools', 'prompts', 'resources', 'resourceTemplates', 'tasks'] as const) {
      const positions = Object.fromEntries([
        ['__proto__', { after: 'x' }],
        ['constructor', { done: true }],
        ['', { after: 'sb://p/file:///a?b#c' }],
      ]);
      const decoded = codec.decode(codec.encode({ kind, positions }), kind);
      expect(decoded.kind).toBe(kind);
      expect(Object.getPrototypeOf(decoded.positions)).toBe(Object.prototype);
      expect(Object.hasOwn(decoded.positions, '__proto__')).toBe(true);
      expect(Object.entries(decoded.positions)).toEqual(Object.entries(positions));
    }
  });

  it('drops falsy done and undefined fields', () => {
    const codec = new CursorCodec(key(1));
    const decoded = codec.decode(codec.encode({ kind: 'prompts', positions: { a: { done: false, after: undefined } } }));
    expect(decoded).toEqual({ kind: 'prompts', positions: { a: {} } });
  });

  it('is URL-safe and reasonably short', () => {
    const codec = new CursorCodec(key(1));
    const cursor = codec.encode({ kind: 'tools', positions: { github: { after: 'github__create_issue' }, fs: { done: true } } });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(cursor.length).toBeLessThan(120);
  });

  it('rejects a cursor of another list kind', () => {
    const codec = new CursorCodec(key(1));
    expectBadCursor(() => codec.decode(codec.encode(state), 'prompts'));
  });

  it('rejects cursors from another key (another router instance)', () => {
    const a = new CursorCodec(key(1));
    const b = new CursorCodec(key(2));
    expectBadCursor(() => b.decode(a.encode(state)));
  });

  it('rejects forged, edited and truncated cursors', () => {
    const codec = new CursorCodec(key(1));
    const good = codec.encode(state);
    const [payload, mac] = good.split('.') as [string, string];
    const forgedPayload = Buffer.from(JSON.stringify({ v: 1, k: 'tools', p: [['github', { a: 'zzz' }]] })).toString('base64url');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const bad = [
      '',
      'abc',
      '.',
      `.${mac}`,
      `${payload}.`,
      payload,
      `${forgedPayload}.${mac}`,
      `${flip(payload, 3)}.${mac}`,
      `${payload}.${flip(mac, 5)}`,
      good.slice(0, -1),
      good.slice(1),
      `${good}A`,
      `${payload}.${mac}.${mac}`,
      `${payload}.${mac.slice(0, 21)}*`,
      Buffer.from(JSON.stringify(state)).toString('base64'),
      'x'.repeat(MAX_CURSOR_LENGTH + 1),
    ];
    for (const cursor of bad) expectBadCursor(() => codec.decode(cursor));
    expectBadCursor(() => codec.decode(123 as unknown as string));
  });

  it('rejects a correctly signed payload of the wrong shape (defence against our own bugs)', () => {
    // encode() signs whatever it is given; decode() must still refuse states of the wrong shape.
    const codec = new CursorCodec(key(1));
    const odd = { kind: 'tools', positions: { s: { after: 5 } } } as unknown as CursorState;
    expectBadCursor(() => codec.decode(codec.encode(odd)));
    const wrongKind = { kind: 'nope', positions: {} } as unknown as CursorState;
    expectBadCursor(() => codec.decode(codec.encode(wrongKind)));
  });

  it('refuses short keys and is unaffected by later changes to the caller’s buffer', () => {
    expect(() => new CursorCodec(Buffer.alloc(8))).toThrow(RangeError);
    const buf = key(3);
    const codec = new CursorCodec(buf);
    const cursor = codec.encode(state);
    buf.fill(0);
    expect(codec.decode(cursor)).toEqual(state);
  });

  it('fuzz: random single-character edits never decode', () => {
    const codec = new CursorCodec(key(9));
    const good = codec.encode(state);
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.';
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
    for (let i = 0; i < 500; i++) {
      const at = Math.floor(next() * good.length);
      const ch = alphabet[Math.floor(next() * alphabet.length)] as string;
      const edited = good.slice(0, at) + ch + good.slice(at + 1);
      if (edited === good) continue;
      expectBadCursor(() => codec.decode(edited));
    }
  });
});
