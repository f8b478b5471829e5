/** Shared bits of the catalog property tests: a seeded PRNG and the bad-cursor assertion. */
import { expect } from 'vitest';
import { SwitchboardError } from '../../src/errors/index.js';

/** Small seeded PRNG (mulberry32) so property tests are reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The call throws SB_BAD_CURSOR, which reaches clients as -32602. */
export function expectBadCursor(fn: () => unknown): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(SwitchboardError);
  expect((caught as SwitchboardError).code).toBe('SB_BAD_CURSOR');
  expect((caught as SwitchboardError).rpcCode).toBe(-32602);
}
