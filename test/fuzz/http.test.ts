/** Property-based fuzzing of the Streamable HTTP front (`serve --http`); see suite.ts for the properties. */
import { describe } from 'vitest';
import { httpSlowReader, httpVanish } from './misbehaving.js';
import { defineMisbehaving } from './misbehaving-suite.js';
import { defineFrontFuzz } from './suite.js';

describe('fuzz: Streamable HTTP front', () => {
  defineFrontFuzz('http', { junkRuns: 30, duplicateRuns: 8, more: (served) => defineMisbehaving(served, { slowReader: async (s, id, text, ms) => [await httpSlowReader(s, id, text, ms)], vanish: httpVanish }) });
});
