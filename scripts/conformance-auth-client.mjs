#!/usr/bin/env node
// Runs the MCP conformance suite's auth/* CLIENT scenarios with the router as the client under
// test (test/fixtures/auth-client-driver.ts: `switchboard login` where a grant needs a person, then
// `serve` and one tool call), one scenario at a time, and sums them up. See docs/auth.md
// ("Conformance").
//
//   node scripts/conformance-auth-client.mjs --requirements 2026-07-28 [--list]
//   node scripts/conformance-auth-client.mjs [--cli PATH/dist/index.js] [--scenarios a,b] [--spec-version V] [--jobs N] [--verbose]
//
// --requirements REV runs what the suite lists for that frozen requirement set: every auth/* client
// scenario it requires and every auth/* extension scenario it runs unscored, all at REV's wire,
// less OUT_OF_SCOPE below (docs/auth.md says why). --list prints that selection as JSON and runs
// nothing. Without --requirements: every non-extension auth/* client scenario the suite lists,
// each at its own spec version, or all at --spec-version (with --force), or just --scenarios.
//
// --jobs N runs N scenarios at a time (default: 2, or 1 on a one-core machine): each is mostly
// process start-up (the suite, the driver, `login`, `serve`), so two overlap well on two cores.
//
// The auth client scenarios are in the 0.2 prereleases of @modelcontextprotocol/conformance: the
// devDependency alias conformance-next by default, or --cli. Like scripts/conformance.mjs it runs the
// CLI on Node >= 22 (scripts/node22.mjs). Needs dist/ built. Exit 0 when every scenario passed.
import { spawn, spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node22Path } from './node22.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Extension scenarios the router does not implement, with the reason (also in docs/auth.md). */
export const OUT_OF_SCOPE = {
  'auth/enterprise-managed-authorization':
    "needs a user's ID token from the enterprise IdP to exchange; the router holds one grant per backend, not one per user, and has no IdP login",
};

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const cli = flag('--cli') ?? join(REPO_ROOT, 'node_modules/conformance-next/dist/index.js');
if (!existsSync(cli)) {
  process.stderr.write(`conformance-auth-client: ${cli} is missing; npm install (conformance-next), or pass --cli PATH/dist/index.js\n`);
  process.exit(2);
}
const node22 = node22Path();
const requirements = flag('--requirements');
const specVersion = requirements ?? flag('--spec-version');

/** `- auth/name [versions]` lines of a `list` printout, optionally only those tagged [extension]. */
function authScenarios(listing, { extensions } = {}) {
  return [...listing.matchAll(/^\s+- (auth\/[a-z0-9-]+)(?: \[([^\]]*)\])?/gm)]
    .filter((m) => extensions === undefined || (m[2] === 'extension') === extensions)
    .map((m) => m[1]);
}

function suiteList(extra) {
  const run = spawnSync(node22, [cli, 'list', '--client', ...extra], { encoding: 'utf8' });
  if (run.status !== 0) {
    process.stderr.write(`conformance-auth-client: "list" failed:\n${run.stderr}\n`);
    process.exit(2);
  }
  return run.stdout;
}

let scenarios;
if (requirements) {
  // The frozen set prints required scenarios bare and the unscored ones as "- name [client]".
  const listed = [...suiteList(['--requirements', requirements]).matchAll(/^\s+- (auth\/[a-z0-9-]+)/gm)].map((m) => m[1]);
  const excluded = listed.filter((s) => s in OUT_OF_SCOPE);
  scenarios = listed.filter((s) => !(s in OUT_OF_SCOPE));
  if (args.includes('--list')) {
    process.stdout.write(JSON.stringify({ listed, run: scenarios, excluded }, null, 2) + '\n');
    process.exit(0);
  }
} else {
  scenarios = flag('--scenarios')?.split(',') ?? authScenarios(suiteList([]), { extensions: false });
}

const driver = `${process.execPath} --import tsx ${join(REPO_ROOT, 'test/fixtures/auth-client-driver.ts')}`;
const jobs = Math.max(1, Number(flag('--jobs') ?? Math.min(2, availableParallelism())));

/** One scenario through the suite's CLI; resolves with its combined output (never rejects). */
function runScenario(scenario) {
  const version = specVersion ? ['--spec-version', specVersion, '--force'] : [];
  return new Promise((done) => {
    const child = spawn(node22, [cli, 'client', '--command', driver, '--scenario', scenario, ...version], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (c) => (out += c));
    child.stderr.on('data', (c) => (out += c));
    const timer = setTimeout(() => {
      out += '\n[conformance CLI killed after 120 s]\n';
      child.kill('SIGKILL');
    }, 120_000);
    child.on('close', () => {
      clearTimeout(timer);
      done(out);
    });
  });
}

let passed = 0;
const queue = [...scenarios];
async function worker() {
  for (let scenario = queue.shift(); scenario !== undefined; scenario = queue.shift()) {
    const out = await runScenario(scenario);
    const checks = /Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/.exec(out);
    const ok = /OVERALL: PASSED/.test(out);
    if (ok) passed++;
    process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${scenario.padEnd(44)} ${checks ? `${checks[1]}/${checks[2]} checks, ${checks[4]} warnings` : 'no result'}\n`);
    if (!ok && args.includes('--verbose')) process.stdout.write(out + '\n');
  }
}
await Promise.all(Array.from({ length: jobs }, worker));
process.stdout.write(`\n${passed}/${scenarios.length} auth client scenarios passed (spec version: ${specVersion ?? "each scenario's own"})\n`);
process.exit(passed === scenarios.length ? 0 : 1);
