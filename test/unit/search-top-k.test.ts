import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { topK } from '../../src/workspace/search/top-k.js';

describe('topK', () => {
  const byValueThenIndex = (values: readonly number[]) => (i: number, j: number) => (values[j] as number) - (values[i] as number) || i - j;

  it('returns the indices of the k best, best first, ties in the given order', () => {
    const values = [3, 9, 1, 9, 5, 7];
    expect(topK(values.length, 3, byValueThenIndex(values))).toEqual([1, 3, 5]);
    expect(topK(values.length, 1, byValueThenIndex(values))).toEqual([1]);
  });

  it('handles k of zero, k past n and an empty input', () => {
    const values = [2, 4, 1];
    expect(topK(values.length, 0, byValueThenIndex(values))).toEqual([]);
    expect(topK(values.length, 10, byValueThenIndex(values))).toEqual([1, 0, 2]);
    expect(topK(0, 5, () => 0)).toEqual([]);
  });

  it('equals the first k of a full sort', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 }), { maxLength: 200 }), fc.integer({ min: 0, max: 60 }), (values, k) => {
        const compare = byValueThenIndex(values);
        const sorted = values.map((_, i) => i).sort(compare);
        expect(topK(values.length, k, compare)).toEqual(sorted.slice(0, k));
      }),
    );
  });
});
