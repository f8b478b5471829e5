#!/usr/bin/env node
// Runs the MCP conformance suite's auth/* CLIENT scenarios with the router as the client under
// test (test/fixtures/auth-client-driver.ts: `switchboard login`, then `serve` and one tool call),
// one scenario at a time, and sums them up. See docs/auth.md ("Conformance").
//
//   node scripts/conformance-auth-client.mjs [--cli PATH/dist/index.js] [--scenarios a,b] [--spec-version V]
//
// The auth client scenarios are in the 0.2 prereleases of @modelcontextprotocol/conformance: the
// devDependency alias conformance-next by default, or --cli. Like scripts/conformance.mjs it runs the
// CLI on Node >= 22 (scripts/node22.mjs). Without --spec-version each scenario runs at its own
// version (the 2026-07-28 ones against the draft's stateless lifecycle); with one, --force runs
// every scenario at that version. Extension
// scenarios (client credentials, enterprise-managed, DPoP, workload identity) are left out: the
// router does not implement those grants. Needs dist/ built. Exit 0 when every scenario passed.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { node22Path } from './node22.mjs';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const EXTENSIONS = new Set(['auth/client-credentials-jwt', 'auth/client-credentials-basic', 'auth/enterprise-managed-authorization', 'auth/dpop', 'auth/dpop-nonce', 'auth/wif-jwt-bearer']);

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
const specVersion = flag('--spec-version');
const listed = spawnSync(node22, [cli, 'list'], { encoding: 'utf8' }).stdout;
const all = [...listed.matchAll(/^\s+- (auth\/[a-z0-9-]+)/gm)].map((m) => m[1]).filter((s) => !EXTENSIONS.has(s));
const scenarios = flag('--scenarios')?.split(',') ?? all;
const driver = `${process.execPath} --import tsx ${join(REPO_ROOT, 'test/fixtures/auth-client-driver.ts')}`;

let passed = 0;
for (const scenario of scenarios) {
  const version = specVersion ? ['--spec-version', specVersion, '--force'] : [];
  const run = spawnSync(node22, [cli, 'client', '--command', driver, '--scenario', scenario, ...version], {
    cwd: REPO_ROOT,
    encoding: 'utf8',
    timeout: 120_000,
  });
  const out = `${run.stdout}\n${run.stderr}`;
  const checks = /Passed: (\d+)\/(\d+), (\d+) failed, (\d+) warnings/.exec(out);
  const ok = /OVERALL: PASSED/.test(out);
  if (ok) passed++;
  process.stdout.write(`${ok ? 'PASS' : 'FAIL'}  ${scenario.padEnd(44)} ${checks ? `${checks[1]}/${checks[2]} checks, ${checks[4]} warnings` : 'no result'}\n`);
}
process.stdout.write(`\n${passed}/${scenarios.length} auth client scenarios passed (spec version: ${specVersion ?? "each scenario's own"})\n`);
process.exit(passed === scenarios.length ? 0 : 1);
