/**
 * Retrieval metrics shared by the quality benchmark and the quality-floor test, so both score
 * the same way. Scoring is by tool name: a name may exist on several servers, and any of them
 * satisfies the expectation.
 */

/** Share of `expected` names present among the first k `retrieved` names (0 when nothing expected). */
export function recallAtK(retrieved: readonly string[], expected: readonly string[], k: number): number {
  if (expected.length === 0) return 0;
  const top = new Set(retrieved.slice(0, k));
  let found = 0;
  for (const name of new Set(expected)) if (top.has(name)) found++;
  return found / new Set(expected).size;
}

/** 1 when any expected name is among the first k retrieved names, else 0. */
export function hitAtK(retrieved: readonly string[], expected: readonly string[], k: number): number {
  const top = new Set(retrieved.slice(0, k));
  return expected.some((name) => top.has(name)) ? 1 : 0;
}

/** The q-quantile (0..1) of a sample, by nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}
