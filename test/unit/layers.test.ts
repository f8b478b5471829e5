// The layer rule (docs/architecture.md, "Layers"): dependency-cruiser's cruise API over src/, with
// TypeScript 7 supplying the import lists (see test/helpers/layer-check.ts for why).
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkLayers, formatViolation, REPO_ROOT } from '../helpers/layer-check.js';

function tsFilesUnder(dir: string, prefix: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory()
      ? tsFilesUnder(join(dir, entry.name), `${prefix}${entry.name}/`)
      : entry.name.endsWith('.ts')
        ? [`${prefix}${entry.name}`]
        : [],
  );
}

describe('layers of src/', () => {
  it('has no layer, cycle, orphan or test-import violations', async () => {
    const report = await checkLayers();
    // A cruise that parsed nothing would pass; every src file must have been seen.
    expect(report.modules).toEqual(tsFilesUnder(join(REPO_ROOT, 'src'), 'src/').sort());
    expect(report.edges).toBeGreaterThan(report.modules.length);
    expect(report.violations.map(formatViolation)).toEqual([]);
  });
});

describe('the layer check itself', () => {
  const root = mkdtempSync(join(tmpdir(), 'sb-layers-fixture-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  function write(path: string, text: string): void {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }

  it('reports type-only upward imports, re-exports, type-only cycles, test imports and orphans', async () => {
    copyFileSync(join(REPO_ROOT, '.dependency-cruiser.cjs'), join(root, '.dependency-cruiser.cjs'));
    symlinkSync(join(REPO_ROOT, 'node_modules'), join(root, 'node_modules'), 'dir');
    write('package.json', '{ "type": "module" }\n');
    write(
      'tsconfig.json',
      JSON.stringify({
        compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, types: [], noEmit: true },
        include: ['src', 'test'],
      }),
    );
    write('src/cli/main.ts', "import { run } from '../catalog/a.js';\nrun();\n");
    write('src/catalog/a.ts', "import type { Flags } from '../cli/flags.js';\nimport { b } from './b.js';\nexport function run(f?: Flags) { return b(f); }\n");
    write('src/catalog/b.ts', "import type { Run } from './c.js';\nexport const b = (x: unknown): Run | unknown => x;\n");
    write('src/catalog/c.ts', "export type { Helper } from '../../test/helper.js';\nimport type { b } from './b.js';\nexport type Run = typeof b;\n");
    write('src/cli/flags.ts', 'export interface Flags { port?: number }\n');
    write('src/config/lonely.ts', 'export const lonely = 1;\n');
    write('test/helper.ts', 'export type Helper = string;\n');

    const report = await checkLayers(root);

    expect(report.violations.map(formatViolation).sort()).toEqual([
      'src/catalog/a.ts -> src/cli/flags.ts  [layer-catalog]',
      'src/catalog/b.ts -> src/catalog/c.ts  [no-circular]  (cycle: src/catalog/b.ts -> src/catalog/c.ts -> src/catalog/b.ts)',
      'src/catalog/c.ts -> test/helper.ts  [no-test-code-in-src]',
      'src/config/lonely.ts  [no-orphans]',
    ]);
  });
});
