/** Property-based fuzzing of the legacy SSE front (`serve --transport sse`); see suite.ts for the properties. */
import { describe } from 'vitest';
import { sseSlowReader, sseVanish } from './misbehaving.js';
import { defineMisbehaving } from './misbehaving-suite.js';
import { defineFrontFuzz } from './suite.js';

describe('fuzz: sse front', () => {
  defineFrontFuzz('sse', { junkRuns: 30, duplicateRuns: 8, more: (served) => defineMisbehaving(served, { slowReader: sseSlowReader, vanish: sseVanish }) });
});
