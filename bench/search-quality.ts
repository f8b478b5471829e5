/**
 * Search-mode quality benchmark: Recall@1/5/10, hit@1/5, latency, build time and listing-token
 * cost of ToolSearchIndex versus a plain minisearch BM25 baseline, on LiveMCPBench and MetaTool;
 * then build, re-index and query timings at about 1,500 tools (LiveMCPBench's catalog three times).
 *
 *   npm run bench:search              # the table
 *   npm run bench:search -- --ablate  # also: each technique switched off in turn
 *
 * Queries are split by line parity: free parameters were tuned on the even half only, so the odd
 * half is a held-out check against overfitting. Data lives in ../shared (never in the repo).
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import MiniSearch from 'minisearch';
import { ToolSearchIndex } from '../src/workspace/search/tool-search-index.js';
import { DEFAULT_RANKER_PARAMS, type RankerParams } from '../src/workspace/search/parameters.js';
import { SEARCH_MODE_TOOLS } from '../src/workspace/search/meta-tools.js';
import { hitAtK, mean, quantile, recallAtK } from '../test/helpers/search-metrics.js';
import type { SearchableTool } from '../src/workspace/search/types.js';

interface RawTool {
  server: string;
  category?: string;
  name: string;
  description?: string;
  inputSchema?: object;
}
interface Query {
  id: string;
  query: string;
  expected_tool_names: string[];
}
interface Dataset {
  label: string;
  raw: RawTool[];
  tools: SearchableTool[];
  queries: Query[];
  /** Public name -> bare tool name, since scoring is by name. */
  bare: Map<string, string>;
  latencySample: number;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const dataRoot = resolve(repoRoot, '../shared/data/tool-retrieval');

function load(dir: string, label: string, latencySample: number): Dataset {
  const toolsPath = resolve(dataRoot, dir, 'tools.json');
  const queriesPath = resolve(dataRoot, dir, 'queries.jsonl');
  for (const p of [toolsPath, queriesPath]) {
    if (!existsSync(p)) {
      process.stderr.write(`search-quality: benchmark data not found: ${p}\n(expected the shared data checkout at ${dataRoot})\n`);
      process.exit(1);
    }
  }
  const raw = JSON.parse(readFileSync(toolsPath, 'utf8')) as RawTool[];
  const queries = readFileSync(queriesPath, 'utf8')
    .split('\n')
    .filter((l) => l.trim().length > 0)
    .map((l) => JSON.parse(l) as Query);
  const bare = new Map<string, string>();
  const tools = raw.map((t): SearchableTool => {
    const name = `${t.server}__${t.name}`;
    bare.set(name, t.name);
    return { name, description: t.description, inputSchema: t.inputSchema, server: t.server, tags: t.category ? [t.category] : [] };
  });
  return { label, raw, tools, queries, bare, latencySample };
}

type Retriever = (query: string, k: number) => string[];

interface Scores {
  r1: number; r5: number; r10: number; h1: number; h5: number; n: number;
}

function score(ds: Dataset, retrieve: Retriever, queries: readonly Query[]): Scores {
  const rows = queries.map((q) => {
    const names = retrieve(q.query, 10).map((n) => ds.bare.get(n) ?? n);
    const e = q.expected_tool_names;
    return [recallAtK(names, e, 1), recallAtK(names, e, 5), recallAtK(names, e, 10), hitAtK(names, e, 1), hitAtK(names, e, 5)];
  });
  const col = (i: number): number => mean(rows.map((r) => r[i] as number));
  return { r1: col(0), r5: col(1), r10: col(2), h1: col(3), h5: col(4), n: rows.length };
}

const even = (qs: readonly Query[]): Query[] => qs.filter((_, i) => i % 2 === 0);
const odd = (qs: readonly Query[]): Query[] => qs.filter((_, i) => i % 2 === 1);

function fmt(s: Scores): string {
  return [s.r1, s.r5, s.r10, s.h1, s.h5].map((v) => v.toFixed(3)).join(' | ');
}

function buildOurs(ds: Dataset, params: Partial<RankerParams> = {}): { retrieve: Retriever; buildMs: number } {
  // Median of a few builds: the first one also pays for JIT warm-up.
  const times: number[] = [];
  let index = new ToolSearchIndex();
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    index = new ToolSearchIndex(ds.tools, params);
    times.push(performance.now() - t0);
  }
  return { retrieve: (q, k) => index.search(q, { limit: k }).map((r) => r.name), buildMs: quantile(times, 0.5) };
}

function buildBaseline(ds: Dataset): Retriever {
  // "Plain BM25 with default settings over name+description": minisearch defaults throughout.
  const ms = new MiniSearch<{ id: string; name: string; description: string }>({ fields: ['name', 'description'] });
  ms.addAll(ds.raw.map((t, i) => ({ id: ds.tools[i]?.name ?? String(i), name: t.name, description: t.description ?? '' })));
  return (q, k) => ms.search(q).slice(0, k).map((r) => String(r.id));
}

function latency(ds: Dataset, retrieve: Retriever): { p50: number; p99: number } {
  const sample = ds.queries.filter((_, i) => i % Math.max(1, Math.floor(ds.queries.length / ds.latencySample)) === 0);
  for (const q of sample.slice(0, 50)) retrieve(q.query, 5); // warm-up
  const times = sample.map((q) => {
    const t0 = performance.now();
    retrieve(q.query, 5);
    return performance.now() - t0;
  });
  return { p50: quantile(times, 0.5), p99: quantile(times, 0.99) };
}

const tokens = (value: unknown): number => Math.round(Buffer.byteLength(JSON.stringify(value), 'utf8') / 4);

function report(ds: Dataset): void {
  const ours = buildOurs(ds);
  const baseline = buildBaseline(ds);
  const lat = latency(ds, ours.retrieve);
  const baseLat = latency(ds, baseline);
  const listed = tokens(ds.raw.map((t) => ({ name: `${t.server}__${t.name}`, description: t.description, inputSchema: t.inputSchema })));
  const searchMode = tokens(SEARCH_MODE_TOOLS);

  console.log(`\n## ${ds.label}: ${ds.tools.length} tools, ${ds.queries.length} queries`);
  console.log('| ranker | split | n | R@1 | R@5 | R@10 | hit@1 | hit@5 |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const [name, retrieve] of [['ours', ours.retrieve], ['baseline', baseline]] as const) {
    for (const [split, qs] of [['all', ds.queries], ['even (tuning)', even(ds.queries)], ['odd (held-out)', odd(ds.queries)]] as const) {
      const s = score(ds, retrieve, qs);
      console.log(`| ${name} | ${split} | ${s.n} | ${fmt(s)} |`);
    }
  }
  console.log(`\nbuild (median of 5): ${ours.buildMs.toFixed(1)} ms`);
  console.log(`query latency (ours, ${Math.min(ds.latencySample, ds.queries.length)}-query sample): p50 ${lat.p50.toFixed(3)} ms, p99 ${lat.p99.toFixed(3)} ms`);
  console.log(`query latency (baseline): p50 ${baseLat.p50.toFixed(3)} ms, p99 ${baseLat.p99.toFixed(3)} ms`);
  const cut = 100 * (1 - searchMode / listed);
  console.log(`listed-tool tokens: all tools ${listed}, search mode ${searchMode} (-${cut.toFixed(1)}%)`);
}

/** Each technique off in turn, on the tuning half and the held-out half. */
function ablate(ds: Dataset): void {
  const d = DEFAULT_RANKER_PARAMS;
  const variants: Array<[string, Partial<RankerParams>]> = [
    ['full', {}],
    ['no synonyms', { synonymWeight: 0 }],
    ['no fuzzy', { fuzzyWeight: 0 }],
    ['no feedback (PRF)', { prfWeight: 0 }],
    ['no server routing', { serverBoost: 0 }],
    ['no CJK glossary', { glossary: false }],
    ['no name coverage', { nameCoverage: 0 }],
    ['no phrase bonus', { phraseWeight: 0 }],
    ['no file-operation sub-query', { fileOpWeight: 0 }],
    ['no duplicate-name suppression', { dupDecay: 1 }],
    ['no format hints', { formatWeight: 0 }],
    ['no argument producers', { producerLift: 0 }],
    ['no clause fusion', { segmentWeight: 0 }],
    ['clauses capped at 8 (was 4)', { maxSegments: 8 }],
    ['uniform field weights', { fieldWeights: { name: 1, title: 1, description: 1, params: 1, server: 1, tags: 1 } }],
    ['no params field', { fieldWeights: { ...d.fieldWeights, params: 0 } }],
    [
      'plain BM25F (all off)',
      { synonymWeight: 0, fuzzyWeight: 0, prfWeight: 0, serverBoost: 0, glossary: false, nameCoverage: 0, phraseWeight: 0, fileOpWeight: 0, dupDecay: 1, segmentWeight: 0, hintWeight: 0, literalWeight: 1, formatWeight: 0, producerLift: 0 },
    ],
  ];
  console.log(`\n### ablation: ${ds.label} (even = tuning / odd = held-out)`);
  console.log('| variant | even R@10 | even hit@5 | odd R@10 | odd hit@5 |');
  console.log('|---|---|---|---|---|');
  for (const [label, params] of variants) {
    const { retrieve } = buildOurs(ds, params);
    const e = score(ds, retrieve, even(ds.queries));
    const o = score(ds, retrieve, odd(ds.queries));
    console.log(`| ${label} | ${e.r10.toFixed(3)} | ${e.h5.toFixed(3)} | ${o.r10.toFixed(3)} | ${o.h5.toFixed(3)} |`);
  }
}

/**
 * Speed at a larger catalog: the dataset's tools copied `copies` times under distinct server names
 * (quality is meaningless here, every tool has twins). Reports a full build, re-indexing one
 * server of the built index (what a backend's new tool list costs), and query latency.
 */
function scale(ds: Dataset, copies: number): void {
  const tools = Array.from({ length: copies }, (_, c) =>
    ds.tools.map((t): SearchableTool => ({ ...t, name: `${t.server}-${c}__${ds.bare.get(t.name) ?? t.name}`, server: `${t.server}-${c}` })),
  ).flat();
  const median = (run: () => void, n = 5): number => {
    const times: number[] = [];
    for (let i = 0; i < n; i++) {
      const t0 = performance.now();
      run();
      times.push(performance.now() - t0);
    }
    return quantile(times, 0.5);
  };
  let index = new ToolSearchIndex();
  const build = median(() => (index = new ToolSearchIndex(tools)));
  const bySize = new Map<string, SearchableTool[]>();
  for (const t of tools) bySize.set(t.server ?? '', [...(bySize.get(t.server ?? '') ?? []), t]);
  const [server, own] = [...bySize].sort((a, b) => b[1].length - a[1].length)[0]!;
  const probe = ds.queries[0]?.query ?? 'read a file';
  const replace = median(() => index.replaceServer(server, own));
  const replaceAndSearch = median(() => {
    index.replaceServer(server, own);
    index.search(probe, { limit: 5 });
  });
  for (const q of ds.queries.slice(0, 50)) index.search(q.query, { limit: 5 }); // warm-up
  const times: number[] = [];
  for (let round = 0; round < 5; round++) {
    for (const q of ds.queries) {
      const t0 = performance.now();
      index.search(q.query, { limit: 5 });
      times.push(performance.now() - t0);
    }
  }
  console.log(`\n## scale: ${ds.label} catalog x${copies} (${tools.length} tools, ${bySize.size} servers)`);
  console.log(`build (median of 5): ${build.toFixed(1)} ms`);
  console.log(`re-index one server (${own.length} tools): ${replace.toFixed(2)} ms, plus the first search after it: ${replaceAndSearch.toFixed(2)} ms`);
  console.log(`query latency (${times.length} queries, limit 5): p50 ${quantile(times, 0.5).toFixed(3)} ms, p99 ${quantile(times, 0.99).toFixed(3)} ms`);
}

const datasets = [load('livemcpbench', 'LiveMCPBench', 94), load('metatool', 'MetaTool', 2000)];
for (const ds of datasets) report(ds);
scale(datasets[0]!, 3);
if (process.argv.includes('--ablate')) for (const ds of datasets) ablate(ds);
