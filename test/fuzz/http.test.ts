/** Property-based fuzzing of the Streamable HTTP front (`serve --http`); see suite.ts for the properties. */
import { describe } from 'vitest';
import { defineFrontFuzz } from './suite.js';

describe('fuzz: Streamable HTTP front', () => {
  defineFrontFuzz('http', { junkRuns: 30, duplicateRuns: 8 });
});
