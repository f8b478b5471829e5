#!/usr/bin/env node
// Runs the MCP conformance suite's non-auth CLIENT scenarios with the router as the client under
// test: test/fixtures/conformance-client-driver.ts writes a one-backend router.yaml for the suite's
// server and runs `switchboard call` or `switchboard tools` on it. See docs/conformance.md.
//
//   node scripts/conformance-client.mjs [--scenarios tools_call,request-metadata] [--spec-version V]
//
// The scenarios come from the 0.2 suite (devDependency alias conformance-next); the CLI takes one
// client scenario per run, so each is its own run (a second or two each). --spec-version (default
// 2026-07-28) is the wire version the suite's server speaks and the router's backend is told to use.
// Needs dist/ built (npx tsc -p tsconfig.build.json). Exit 0 when every scenario passed; the closing
// line is `conformance client V: N passed, M failed`.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node22Path } from './node22.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The scenarios conformance-client-driver.ts knows how to drive. */
export const CLIENT_SCENARIOS = ['tools_call', 'request-metadata'];

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const cli = join(process.env.CONFORMANCE_NEXT ?? join(REPO_ROOT, 'node_modules/conformance-next'), 'dist/index.js');
if (!existsSync(cli)) {
  process.stderr.write(`conformance-client: ${cli} is missing; npm install (conformance-next)\n`);
  process.exit(2);
}
if (!existsSync(join(REPO_ROOT, 'dist/cli/main.js'))) {
  process.stderr.write('conformance-client: dist/cli/main.js is missing; build first (npx tsc -p tsconfig.build.json)\n');
  process.exit(2);
}
const specVersion = flag('--spec-version') ?? '2026-07-28';
const scenarios = flag('--scenarios')?.split(',').filter(Boolean) ?? CLIENT_SCENARIOS;
const unknown = scenarios.filter((s) => !CLIENT_SCENARIOS.includes(s));
if (unknown.length) {
  process.stderr.write(`conformance-client: the driver does not know ${unknown.join(', ')} (known: ${CLIENT_SCENARIOS.join(', ')})\n`);
  process.exit(2);
}
const node22 = node22Path();
const driver = `${process.execPath} --import tsx ${join(REPO_ROOT, 'test/fixtures/conformance-client-driver.ts')}`;

let passed = 0;
for (const scenario of scenarios) {
  const run = spawnSync(node22, [cli, 'client', '--command', driver, '--scenario', scenario, '--spec-version', specVersion], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${run.stdout}\n${run.stderr}`;
  const checks = /Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/.exec(out);
  // The suite fails a client scenario on any FAILURE or WARNING check, a timeout or a non-zero exit.
  const ok = /OVERALL: PASSED/.test(out);
  if (ok) passed++;
  process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${scenario.padEnd(20)} ${checks ? `${checks[1]}/${checks[2]} checks, ${checks[4]} warnings` : 'no result'}\n`);
  if (!ok && args.includes('--verbose')) process.stdout.write(out);
}
process.stdout.write(`conformance client ${specVersion}: ${passed} passed, ${scenarios.length - passed} failed\n`);
process.exit(passed === scenarios.length ? 0 : 1);
