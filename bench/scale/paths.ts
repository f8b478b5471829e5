/** Where bench/scale finds the built CLI and its backends. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/cli/main.js');
export const MEMORY_SERVER = join(ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
export const SCALE_BACKEND = join(ROOT, 'test/fixtures/scale-backend.mjs');
