import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { editDistance } from '../../src/util/edit-distance.js';

describe('editDistance', () => {
  it('counts insertions, deletions and substitutions', () => {
    expect(editDistance('', '')).toBe(0);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('abc', '')).toBe(3);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('create_issue', 'create_isue')).toBe(1);
    expect(editDistance('flaw', 'lawn')).toBe(2);
  });

  it('counts a swap of neighbours as one edit unless transpositions are off', () => {
    expect(editDistance('arsg', 'args')).toBe(1);
    expect(editDistance('arsg', 'args', { transpositions: false })).toBe(2);
    // Optimal string alignment: a swapped pair is not edited again ("ca" -> "abc" is 3, not 2).
    expect(editDistance('ca', 'abc')).toBe(3);
  });

  it('with max, returns max + 1 for anything farther', () => {
    expect(editDistance('screenshot', 'screenshots', { max: 1 })).toBe(1);
    expect(editDistance('weather', 'leather', { max: 0 })).toBe(1);
    expect(editDistance('abc', 'abcdefgh', { max: 2 })).toBe(3);
    expect(editDistance('abcdef', 'uvwxyz', { max: 2 })).toBe(3);
  });

  it('is symmetric, zero only for equal strings, and a bound never changes a distance within it', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', 'd'), maxLength: 9 });
    fc.assert(
      fc.property(word, word, fc.integer({ min: 0, max: 6 }), fc.boolean(), (a, b, max, transpositions) => {
        const d = editDistance(a, b, { transpositions });
        expect(editDistance(b, a, { transpositions })).toBe(d);
        expect(d === 0).toBe(a === b);
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(editDistance(a, b, { transpositions, max })).toBe(Math.min(d, max + 1));
        if (transpositions) expect(d).toBeLessThanOrEqual(editDistance(a, b, { transpositions: false }));
      }),
    );
  });
});
