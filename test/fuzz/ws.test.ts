/** Property-based fuzzing of the WebSocket front (`serve --transport ws`); see suite.ts for the properties. */
import { describe } from 'vitest';
import { wsSlowReader, wsVanish } from './misbehaving.js';
import { defineMisbehaving } from './misbehaving-suite.js';
import { defineFrontFuzz } from './suite.js';

describe('fuzz: ws front', () => {
  defineFrontFuzz('ws', { junkRuns: 30, duplicateRuns: 8, more: (served) => defineMisbehaving(served, { slowReader: wsSlowReader, vanish: wsVanish }) });
});
