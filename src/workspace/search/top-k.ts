/**
 * The first k of n items under a total order, without sorting all n: a ranking touches hundreds
 * of tools per query, and every reader wants its first few (a result page, the feedback documents,
 * the fusion depth). A bounded heap keeps the k best seen so far, its worst at the root: O(n log k).
 */

/**
 * Indices (0..n-1) of the k first items, in order. `compare(i, j)` < 0 means item i comes first;
 * it must be a total order (ties broken), so the result equals a full sort's first k.
 */
export function topK(n: number, k: number, compare: (i: number, j: number) => number): number[] {
  if (k <= 0 || n === 0) return [];
  if (k >= n) return Array.from({ length: n }, (_, i) => i).sort(compare);
  const heap: number[] = [];
  // Max-heap by `compare`: the root is the item that comes last among those kept.
  const later = (a: number, b: number): boolean => compare(heap[a] as number, heap[b] as number) > 0;
  const swap = (a: number, b: number): void => {
    const t = heap[a] as number;
    heap[a] = heap[b] as number;
    heap[b] = t;
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < k) {
      heap.push(i);
      for (let c = heap.length - 1; c > 0; ) {
        const p = (c - 1) >> 1;
        if (!later(c, p)) break;
        swap(c, p);
        c = p;
      }
    } else if (compare(i, heap[0] as number) < 0) {
      heap[0] = i;
      for (let p = 0; ; ) {
        const l = 2 * p + 1;
        const r = l + 1;
        let m = p;
        if (l < k && later(l, m)) m = l;
        if (r < k && later(r, m)) m = r;
        if (m === p) break;
        swap(p, m);
        p = m;
      }
    }
  }
  return heap.sort(compare);
}
