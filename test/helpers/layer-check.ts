/**
 * Checks src/ against the rules in .dependency-cruiser.cjs (layers, cycles, orphans, test code).
 *
 * Why the detour: dependency-cruiser 17 parses TypeScript only with typescript < 7, @swc/core or
 * babel. With TypeScript 7 it silently scans zero .ts files. So TypeScript 7 itself (its API)
 * lists each file's module specifiers, `import type`, `export ... from` and `import()` included,
 * and we write them into a mirror tree of one-line-per-import .js files at the same relative
 * paths (NodeNext specifiers already say `.js`). dependency-cruiser then resolves and judges that
 * tree with the project's rules, and paths are mapped back to the .ts names.
 *
 *   npm run lint:layers      (node --import tsx test/helpers/layer-check.ts)
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cruise, type ICruiseResult, type IForbiddenRuleType } from 'dependency-cruiser';
import { API } from 'typescript/unstable/sync';
import { isMainModule } from './is-main.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface LayerViolation {
  rule: string;
  from: string;
  to: string;
  /** For cycles: the modules of the cycle, starting after `from`. */
  cycle: string[];
}

export interface LayerReport {
  violations: LayerViolation[];
  /** Modules under src/ dependency-cruiser saw, and the src -> src edges among them. */
  modules: string[];
  edges: number;
}

interface RuleFile {
  forbidden: IForbiddenRuleType[];
  options: { moduleSystems: ('es6' | 'cjs' | 'amd' | 'tsd')[]; doNotFollow: { path: string } };
}

/** Each project .ts file (relative to root, '/'-separated) with its module specifiers, per TypeScript 7. */
export function moduleSpecifiers(root: string): Map<string, string[]> {
  const api = new API({ cwd: root });
  try {
    const snapshot = api.updateSnapshot({ openProjects: [join(root, 'tsconfig.json')] });
    const project = snapshot.getProjects()[0];
    if (!project) throw new Error(`TypeScript opened no project for ${root}/tsconfig.json`);
    const result = new Map<string, string[]>();
    for (const fileName of project.program.getSourceFileNames()) {
      const rel = relative(root, fileName).split(sep).join('/');
      if (rel.startsWith('..') || rel.includes('node_modules/') || !rel.endsWith('.ts') || rel.endsWith('.d.ts')) continue;
      const file = project.program.getSourceFile(fileName);
      if (!file) throw new Error(`TypeScript listed ${rel} but returned no source file`);
      result.set(rel, file.imports.map((node) => (node as unknown as { text: string }).text));
    }
    return result;
  } finally {
    api.close();
  }
}

function writeMirror(dir: string, root: string, specifiers: Map<string, string[]>): void {
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  for (const [rel, specs] of specifiers) {
    const target = join(dir, rel.replace(/\.ts$/, '.js'));
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, specs.map((spec) => `import ${JSON.stringify(spec)};\n`).join(''));
  }
}

const toTs = (path: string): string => path.replace(/\.js$/, '.ts');

export async function checkLayers(root = REPO_ROOT): Promise<LayerReport> {
  const rules = createRequire(import.meta.url)(join(root, '.dependency-cruiser.cjs')) as RuleFile;
  const dir = mkdtempSync(join(tmpdir(), 'sb-layers-'));
  try {
    writeMirror(dir, root, moduleSpecifiers(root));
    const { output } = await cruise(
      ['src'],
      { ...rules.options, baseDir: dir, validate: true, ruleSet: { forbidden: rules.forbidden } },
    );
    const result = output as ICruiseResult;
    const srcModules = result.modules.filter((m) => m.source.startsWith('src/'));
    return {
      violations: result.summary.violations.map((v) => ({
        rule: v.rule.name,
        from: toTs(v.from),
        to: toTs(v.to),
        cycle: (v.cycle ?? []).map((step) => toTs(step.name)),
      })),
      modules: srcModules.map((m) => toTs(m.source)).sort(),
      edges: srcModules.reduce((n, m) => n + m.dependencies.filter((d) => d.resolved.startsWith('src/')).length, 0),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function formatViolation(v: LayerViolation): string {
  if (v.rule === 'no-orphans') return `${v.from}  [no-orphans]`;
  const cycle = v.cycle.length > 0 ? `  (cycle: ${[v.from, ...v.cycle].join(' -> ')})` : '';
  return `${v.from} -> ${v.to}  [${v.rule}]${cycle}`;
}

if (isMainModule(import.meta.url)) {
  const report = await checkLayers();
  for (const v of report.violations) process.stderr.write(`${formatViolation(v)}\n`);
  process.stderr.write(
    `${report.violations.length} layer violation(s) in ${report.modules.length} modules, ${report.edges} edges\n`,
  );
  process.exitCode = report.violations.length === 0 ? 0 : 1;
}
