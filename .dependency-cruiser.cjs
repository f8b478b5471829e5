// The layer rule for src/ (docs/architecture.md, "Layers"). Imports only point DOWN this list;
// a module may import its own layer and any layer below it.
//
// dependency-cruiser 17 cannot read .ts with TypeScript 7 (it wants typescript < 7, @swc/core or
// babel), so `depcruise src` on its own scans nothing and passes. Run it through
// test/helpers/layer-check.ts (`npm run lint:layers`): TypeScript 7 lists every file's module
// specifiers (import type and `export ... from` included), dependency-cruiser resolves and judges them
// in a mirror tree whose files end in .js, hence `file()` matching both extensions.
const file = (name) => `^src/${name}[.][jt]s$`;
const LAYERS = [
  ['cli', ['^src/cli/']],
  ['bridge', ['^src/bridge/']],
  ['transports', ['^src/transports/']],
  ['status', ['^src/status/']],
  ['router', [file('router')]],
  ['front', ['^src/front/']],
  ['engine', ['^src/engine/']],
  ['workspace', ['^src/workspace/']],
  ['catalog', ['^src/catalog/']],
  ['backends', ['^src/backends/']],
  ['cluster', ['^src/cluster/']],
  ['config', ['^src/config/']],
  ['rpc', ['^src/rpc/']],
  ['core', ['^src/util/', '^src/errors/', file('errors'), file('log'), file('version')]],
];

const ANY_LAYER = LAYERS.flatMap(([, paths]) => paths);

/** One rule per layer: nothing in it may import a layer above it. */
const layerRules = LAYERS.slice(1).map(([name, paths], index) => {
  const above = LAYERS.slice(0, index + 1);
  return {
    name: `layer-${name}`,
    severity: 'error',
    comment: `${name} may not import ${above.map(([n]) => n).join(', ')} (layers only import downwards)`,
    from: { path: paths },
    to: { path: above.flatMap(([, p]) => p) },
  };
});

module.exports = {
  forbidden: [
    ...layerRules,
    {
      name: 'not-in-a-layer',
      severity: 'error',
      comment: 'every module under src/ belongs to a layer; add new folders to LAYERS in .dependency-cruiser.cjs',
      from: { path: '^src/', pathNot: ANY_LAYER },
      to: {},
    },
    {
      name: 'to-module-not-in-a-layer',
      severity: 'error',
      comment: 'every module under src/ belongs to a layer; add new folders to LAYERS in .dependency-cruiser.cjs',
      from: { path: '^src/' },
      to: { path: '^src/', pathNot: ANY_LAYER },
    },
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'no import cycles, type-only imports included, inside a layer as well as across',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'no-test-code-in-src',
      severity: 'error',
      comment: 'src/ must not import from test/ or bench/',
      from: { path: '^src/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'no-orphans',
      severity: 'error',
      comment: 'a module nothing imports and that imports nothing is dead code',
      from: { path: '^src/', orphan: true },
      to: {},
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'every import resolves (also guards the TypeScript 7 -> dependency-cruiser hand-over)',
      from: { path: '^src/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    moduleSystems: ['es6'],
    doNotFollow: { path: 'node_modules' },
    // ESM-only packages (p-queue) have "exports" and no "main", and package subpaths
    // (@modelcontextprotocol/client/validators/ajv) exist only in `exports`: resolve them as Node does.
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'], mainFields: ['main'] },
  },
};
