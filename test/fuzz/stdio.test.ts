/** Property-based fuzzing of the stdio front (the built CLI's `serve` over a real pipe); see suite.ts for the properties. */
import { describe } from 'vitest';
import { defineFrontFuzz } from './suite.js';

describe('fuzz: stdio front', () => {
  defineFrontFuzz('stdio', { junkRuns: 30, duplicateRuns: 8 });
});
