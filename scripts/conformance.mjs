#!/usr/bin/env node
// Runs the official MCP conformance suite's server scenarios against a Streamable
// HTTP endpoint and sums them up. See docs/conformance.md.
//
//   node scripts/conformance.mjs --url http://127.0.0.1:PORT/mcp   [options]
//   node scripts/conformance.mjs --router-config router.yaml        [options]
//   node scripts/conformance.mjs --fixture [2025|2026]               [options]
//
// options: --scenarios all|active|name-independent|a,b,c   (default below)
//          --requirements REV  the server scenarios spec revision REV requires (e.g. 2026-07-28),
//                              from the 0.2 suite installed as "conformance-next": one suite run
//                              (`server --requirements REV`) against one target, at REV's wire version
//          --isolate           with --requirements: one suite run and one fresh target per scenario
//                              (for a 2025 backend behind the router, whose held MRTR calls would
//                              make the next scenario's elicitation unattributable)
//          --expect N          fail unless at least N scenarios passed
//          --keep-results DIR  keep the suite's checks.json files there
//          --verbose           print the conformance CLI's own output
//          --list              print the scenario lists below as JSON, run nothing
//
// --router-config starts `node dist/cli/main.js serve --http --port 0 --config F`
// from the repo root, reads its URL from stderr and stops it afterwards;
// --fixture does the same with a fixture served directly, no router:
// 2025 = test/fixtures/serve-http.ts (the 0.1 suite's), 2026 =
// test/fixtures/modern-conformance-main.ts (2026-07-28 on SDK v2); the default is
// 2026 with --requirements 2026-07-28, else 2025. The conformance CLI needs
// Node >= 22 (it imports fs.globSync); scripts/node22.mjs provides one.
//
// Exit status: 0 when every selected scenario passed (no FAILURE check) and at
// least --expect passed; 1 otherwise; 2 on bad usage or when the target or the
// suite could not be started.
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node22Path } from './node22.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Every server scenario of @modelcontextprotocol/conformance 0.1.16, in its order. */
export const ALL_SCENARIOS = [
  'server-initialize', 'logging-set-level', 'ping', 'completion-complete', 'tools-list',
  'tools-call-simple-text', 'tools-call-image', 'tools-call-audio', 'tools-call-embedded-resource',
  'tools-call-mixed-content', 'tools-call-with-logging', 'tools-call-error', 'tools-call-with-progress',
  'tools-call-sampling', 'tools-call-elicitation', 'json-schema-2020-12', 'elicitation-sep1034-defaults',
  'server-sse-polling', 'server-sse-multiple-streams', 'elicitation-sep1330-enums', 'resources-list',
  'resources-read-text', 'resources-read-binary', 'resources-templates-read', 'resources-subscribe',
  'resources-unsubscribe', 'prompts-list', 'prompts-get-simple', 'prompts-get-with-args',
  'prompts-get-embedded-resource', 'prompts-get-with-image', 'dns-rebinding-protection',
];

/** The suite's own "pending" scenarios: left out of its default ("active") suite. */
export const PENDING_SCENARIOS = ['json-schema-2020-12', 'server-sse-polling'];

/**
 * Scenarios that call no tool, prompt or resource by the conformance fixture's
 * names, so they hold for any set of backends, namespaced or not: the default
 * for a router config that namespaces (test/conformance/router.multi.yaml).
 * They still check what every listed item looks like: tools need name,
 * description, inputSchema; prompts name and description; resources uri and name.
 */
export const NAME_INDEPENDENT_SCENARIOS = [
  'server-initialize', 'logging-set-level', 'ping', 'tools-list', 'resources-list', 'prompts-list',
  'server-sse-multiple-streams', 'dns-rebinding-protection',
];

/**
 * The same for the 2026-07-28 requirement set: the scenarios that call nothing by the fixture's
 * names. caching reads whichever resource resources/list gives first; sep-2164 reads a URI nobody
 * has; unsupported-methods only lists. server-stateless is not here: it calls diagnostic tools.
 */
export const NAME_INDEPENDENT_2026 = [
  'tools-list', 'server-sse-multiple-streams', 'resources-list', 'sep-2164-resource-not-found', 'prompts-list',
  'dns-rebinding-protection', 'caching', 'input-required-result-unsupported-methods',
];

/** How each fixture is served directly (--fixture): its own process, printing its URL on stderr. */
const FIXTURES = {
  2025: ['--import', 'tsx', 'test/fixtures/serve-http.ts'],
  2026: ['--import', 'tsx', 'test/fixtures/modern-conformance-main.ts'],
};

function usage(msg) {
  if (msg) process.stderr.write(`conformance: ${msg}\n`);
  process.stderr.write(
    'usage: node scripts/conformance.mjs (--url URL | --router-config FILE | --fixture [2025|2026] | --list)\n' +
      '         [--scenarios all|active|name-independent|a,b,c] [--requirements REV [--isolate]] [--expect N]\n' +
      '         [--keep-results DIR] [--verbose]\n',
  );
  process.exit(2);
}

function parseArgs(argv) {
  const opts = { verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--url') opts.url = value();
    else if (a === '--router-config') opts.routerConfig = value();
    else if (a === '--fixture') opts.fixture = argv[i + 1] in FIXTURES ? argv[++i] : 'default';
    else if (a === '--isolate') opts.isolate = true;
    else if (a === '--scenarios') opts.scenarios = value();
    else if (a === '--expect') opts.expect = Number(value());
    else if (a === '--keep-results') opts.keep = value();
    else if (a === '--verbose') opts.verbose = true;
    else if (a === '--requirements') opts.requirements = value();
    else if (a === '--list') opts.list = true;
    else if (a === '--help' || a === '-h') usage();
    else usage(`unknown argument ${a}`);
  }
  if (opts.list) return opts;
  if ([opts.url, opts.routerConfig, opts.fixture].filter(Boolean).length !== 1) {
    usage('give exactly one of --url, --router-config, --fixture');
  }
  if (opts.expect !== undefined && !Number.isInteger(opts.expect)) usage('--expect takes an integer');
  return opts;
}

/**
 * A router config that namespaces (more than one server, or any prefix other
 * than "") renames the fixture's tools, so only the name-independent scenarios
 * can hold there. (`yaml` is a dependency of the project already.)
 */
export async function defaultScenariosFor(routerConfig) {
  if (!routerConfig) return 'all';
  const { parse } = await import('yaml');
  const servers = parse(readFileSync(resolve(REPO_ROOT, routerConfig), 'utf8'))?.servers ?? {};
  const entries = Object.values(servers);
  const flat = entries.length === 1 && entries[0]?.prefix === '';
  return flat ? 'all' : 'name-independent';
}

export function selectScenarios(spec) {
  if (spec === 'all') return [...ALL_SCENARIOS];
  if (spec === 'active') return ALL_SCENARIOS.filter((s) => !PENDING_SCENARIOS.includes(s));
  if (spec === 'name-independent') return [...NAME_INDEPENDENT_SCENARIOS];
  const list = spec.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = list.filter((s) => !ALL_SCENARIOS.includes(s));
  if (unknown.length) usage(`unknown scenario(s): ${unknown.join(', ')}`);
  return list;
}

/** Starts a server process and resolves with its URL, read from its stderr. */
function startTarget(label, command, args) {
  return new Promise((resolveStart, rejectStart) => {
    const child = spawn(command, args, { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    let found = false;
    const timer = setTimeout(() => fail(new Error(`${label} printed no URL within 30 s`)), 30_000);
    function fail(err) {
      if (found) return;
      found = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      rejectStart(new Error(`${err.message}\n--- ${label} stderr ---\n${log}`));
    }
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = /http:\/\/[^\s]+\/mcp/.exec(log);
      if (m && !found) {
        found = true;
        clearTimeout(timer);
        resolveStart({ url: m[0], stop: () => stopChild(child), log: () => log });
      }
    });
    child.on('error', fail);
    child.on('exit', (code, signal) => fail(new Error(`${label} exited (${signal ?? code}) before listening`)));
  });
}

function stopChild(child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((done) => {
    const hard = setTimeout(() => child.kill('SIGKILL'), 3000);
    child.once('exit', () => {
      clearTimeout(hard);
      done();
    });
    child.kill('SIGTERM');
  });
}

/** Runs the conformance CLI once; resolves with its combined output. */
function runCli(node, cli, args, timeoutMs) {
  return new Promise((done) => {
    const child = spawn(node, [cli, 'server', ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => {
      out += `\n[conformance CLI killed after ${timeoutMs / 1000} s]\n`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      done({ code, out });
    });
  });
}

/** Reads `<dir>/server-<scenario>-<timestamp>/checks.json`, newest first. */
function readChecks(dir, scenario) {
  const prefix = `server-${scenario}-`;
  const match = readdirSync(dir)
    .filter((d) => d.startsWith(prefix) && /^\d{4}-/.test(d.slice(prefix.length)))
    .sort()
    .pop();
  if (!match) return undefined;
  return JSON.parse(readFileSync(join(dir, match, 'checks.json'), 'utf8'));
}

function summarize(scenario, checks) {
  if (!checks) return { scenario, ok: false, passed: 0, failed: 0, warnings: 0, note: 'did not run' };
  const count = (s) => checks.filter((c) => c.status === s).length;
  const failures = checks.filter((c) => c.status === 'FAILURE');
  return {
    scenario,
    ok: failures.length === 0,
    passed: count('SUCCESS'),
    failed: failures.length,
    warnings: count('WARNING'),
    note: failures.map((c) => `${c.name}: ${c.errorMessage ?? c.description}`).join(' | '),
  };
}

export async function runConformance({ url, scenarios, resultsDir, verbose }) {
  const node = node22Path();
  const req = createRequire(import.meta.url);
  const cli = join(dirname(req.resolve('@modelcontextprotocol/conformance/package.json')), 'dist', 'index.js');
  const everything = scenarios.length === ALL_SCENARIOS.length && ALL_SCENARIOS.every((s) => scenarios.includes(s));

  // One CLI process for the whole suite when we can (node start-up dominates);
  // otherwise one per scenario, since the CLI takes a single --scenario. Those
  // run three at a time: each is its own MCP session, as with any set of clients.
  const runs = everything ? [['--suite', 'all']] : scenarios.map((s) => ['--scenario', s]);
  const queue = [...runs];
  const worker = async () => {
    for (let extra = queue.shift(); extra; extra = queue.shift()) {
      const { out } = await runCli(node, cli, ['--url', url, '-o', resultsDir, ...extra], everything ? 300_000 : 60_000);
      if (verbose) process.stdout.write(out);
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  return scenarios.map((s) => summarize(s, readChecks(resultsDir, s)));
}

function printTable(rows) {
  const w = Math.max(...rows.map((r) => r.scenario.length));
  for (const r of rows) {
    const counts = `${r.passed} ok, ${r.failed} failed${r.warnings ? `, ${r.warnings} warnings` : ''}`;
    process.stdout.write(`${r.ok ? 'PASS' : 'FAIL'}  ${r.scenario.padEnd(w)}  ${counts}${r.note ? `  -- ${r.note}` : ''}\n`);
  }
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  if (opts.list) {
    // Lets a test compare this script's list with the installed suite's.
    process.stdout.write(JSON.stringify({ all: ALL_SCENARIOS, pending: PENDING_SCENARIOS, nameIndependent: NAME_INDEPENDENT_SCENARIOS, nameIndependent2026: NAME_INDEPENDENT_2026 }) + '\n');
    return;
  }
  if (opts.requirements) return runRequirements(opts);
  const scenarios = selectScenarios(opts.scenarios ?? (await defaultScenariosFor(opts.routerConfig)));
  const resultsDir = opts.keep ? resolve(opts.keep) : mkdtempSync(join(tmpdir(), 'conformance-'));
  mkdirSync(resultsDir, { recursive: true });

  let target;
  try {
    if (opts.routerConfig) {
      target = await startTarget('router', process.execPath, [
        'dist/cli/main.js', 'serve', '--http', '--port', '0', '--config', opts.routerConfig,
      ]);
    } else if (opts.fixture) {
      target = await startTarget('fixture', process.execPath, FIXTURES[opts.fixture === 'default' ? 2025 : opts.fixture]);
    }
  } catch (err) {
    process.stderr.write(`conformance: ${err.message}\n`);
    process.exit(2);
  }

  const url = target?.url ?? opts.url;
  const started = Date.now();
  process.stdout.write(`conformance: ${scenarios.length} scenario(s) against ${url}\n`);
  let rows;
  try {
    rows = await runConformance({ url, scenarios, resultsDir, verbose: opts.verbose });
  } finally {
    await target?.stop();
    if (!opts.keep) rmSync(resultsDir, { recursive: true, force: true });
  }

  printTable(rows);
  const passed = rows.filter((r) => r.ok).length;
  const failed = rows.length - passed;
  process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  if (opts.expect !== undefined && passed < opts.expect) {
    process.stdout.write(`expected at least ${opts.expect} passing scenarios\n`);
  }
  // The closing line's shape ("word: N passed, M failed") is what CI reads.
  process.stdout.write(`conformance: ${passed} passed, ${failed} failed\n`);
  process.exit(failed > 0 || (opts.expect !== undefined && passed < opts.expect) ? 1 : 0);
}

/**
 * A spec revision's required server scenarios (0.2 suite, "conformance-next"): one suite run,
 * `server --requirements REV`, against one target (or, with --isolate, one run and one fresh target
 * per scenario). The suite also runs what REV does not score (extensions, pending); only the
 * required scenarios in the selection count here: all of them, or for a namespacing router config
 * the name-independent ones (the rest call the fixture's tools by names the router has prefixed).
 */
async function runRequirements(opts) {
  const { parse } = await import('yaml');
  const req = createRequire(import.meta.url);
  // CONFORMANCE_NEXT: the package's directory, when the alias is installed elsewhere (a shared
  // node_modules that another `npm install` prunes).
  const root = process.env.CONFORMANCE_NEXT ?? dirname(req.resolve('conformance-next/package.json'));
  const cli = join(root, 'dist', 'index.js');
  const required = parse(readFileSync(join(root, 'requirements', `${opts.requirements}.yaml`), 'utf8')).server;
  const spec = opts.scenarios ?? (await defaultScenariosFor(opts.routerConfig));
  const selected = spec === 'all' ? required : spec === 'name-independent' ? required.filter((s) => NAME_INDEPENDENT_2026.includes(s)) : spec.split(',').map((x) => x.trim()).filter(Boolean);
  const unknown = selected.filter((s) => !required.includes(s));
  if (unknown.length) usage(`not required by ${opts.requirements}: ${unknown.join(', ')}`);
  const node = node22Path();
  const resultsDir = opts.keep ? resolve(opts.keep) : mkdtempSync(join(tmpdir(), 'conformance-'));
  mkdirSync(resultsDir, { recursive: true });
  const start = () => {
    if (opts.routerConfig) return startTarget('router', process.execPath, ['dist/cli/main.js', 'serve', '--http', '--port', '0', '--config', opts.routerConfig]);
    if (opts.fixture) return startTarget('fixture', process.execPath, FIXTURES[opts.fixture === 'default' ? (opts.requirements === '2026-07-28' ? 2026 : 2025) : opts.fixture]);
    return Promise.resolve(undefined);
  };
  const suiteRun = async (args) => {
    let target;
    try {
      target = await start();
    } catch (err) {
      process.stderr.write(`conformance: ${err.message}\n`);
      process.exit(2);
    }
    try {
      const { out } = await runCli(node, cli, ['--url', target?.url ?? opts.url, '-o', resultsDir, ...args], 300_000);
      if (opts.verbose) process.stdout.write(out);
    } finally {
      await target?.stop();
    }
  };
  const started = Date.now();
  process.stdout.write(`conformance ${opts.requirements}: ${selected.length} required scenario(s)${opts.isolate ? ', one target each' : ''}\n`);
  if (opts.isolate) {
    for (const scenario of selected) await suiteRun(['--scenario', scenario, '--spec-version', opts.requirements]);
  } else {
    await suiteRun(['--requirements', opts.requirements]);
  }
  const rows = selected.map((scenario) => summarize(scenario, readChecks(resultsDir, scenario)));
  if (!opts.keep) rmSync(resultsDir, { recursive: true, force: true });
  printTable(rows);
  const passed = rows.filter((r) => r.ok).length;
  process.stdout.write(`(${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
  if (opts.expect !== undefined && passed < opts.expect) process.stdout.write(`expected at least ${opts.expect} passing scenarios\n`);
  process.stdout.write(`conformance ${opts.requirements}: ${passed} passed, ${rows.length - passed} failed\n`);
  process.exit(passed === rows.length && (opts.expect === undefined || passed >= opts.expect) ? 0 : 1);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err) => {
    process.stderr.write(`conformance: ${err?.stack ?? err}\n`);
    process.exit(2);
  });
}
