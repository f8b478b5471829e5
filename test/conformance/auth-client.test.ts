// The official MCP conformance suite's auth/* client scenarios (0.2 prerelease, requirement set
// 2026-07-28), with the router as the OAuth client of its backend: scripts/conformance-auth-client.mjs
// drives each scenario through the built CLI (test/fixtures/auth-client-driver.ts). Issue 14 asks for
// every scenario of that set; the one extension left out is named here and in docs/auth.md.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNNER = join(ROOT, 'scripts', 'conformance-auth-client.mjs');
const REQUIREMENTS = '2026-07-28';
const SLOW = 600_000;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [RUNNER, '--requirements', REQUIREMENTS, ...args], { cwd: ROOT, encoding: 'utf8', timeout: SLOW - 10_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

/** The suite's own printout of the requirement set, split into what it scores and what it does not. */
function suiteListing(): { required: string[]; extensions: string[] } {
  const node22 = spawnSync(process.execPath, [join(ROOT, 'scripts', 'node22.mjs')], { encoding: 'utf8' }).stdout.trim();
  const cli = join(ROOT, 'node_modules', 'conformance-next', 'dist', 'index.js');
  const listing = spawnSync(node22, [cli, 'list', '--client', '--requirements', REQUIREMENTS], { encoding: 'utf8' }).stdout;
  const clientPart = listing.slice(listing.indexOf('Client scenarios'), listing.indexOf('Run and reported, but never scored'));
  const extensionPart = listing.slice(listing.indexOf('extension ('), listing.indexOf('added-after-release'));
  return {
    required: [...clientPart.matchAll(/^\s+- (auth\/\S+)$/gm)].map((m) => m[1]!),
    extensions: [...extensionPart.matchAll(/^\s+- (auth\/\S+) \[client\]$/gm)].map((m) => m[1]!),
  };
}

describe('MCP conformance suite: auth client scenarios (router as the OAuth client)', () => {
  it('runs every auth/* client scenario of the 2026-07-28 requirement set but enterprise-managed authorization', () => {
    const { required, extensions } = suiteListing();
    expect(required).toHaveLength(25);
    expect(extensions).toEqual([
      'auth/client-credentials-jwt',
      'auth/client-credentials-basic',
      'auth/enterprise-managed-authorization',
      'auth/dpop',
      'auth/dpop-nonce',
      'auth/wif-jwt-bearer',
    ]);
    const ours = JSON.parse(run(['--list']).out) as { listed: string[]; run: string[]; excluded: string[] };
    expect([...ours.listed].sort()).toEqual([...required, ...extensions].sort());
    expect(ours.excluded).toEqual(['auth/enterprise-managed-authorization']);
    expect([...ours.run, ...ours.excluded].sort()).toEqual([...required, ...extensions].sort());
    expect(ours.run).toHaveLength(30);
  }, SLOW);

  it('passes all 30 of them at the 2026-07-28 wire', () => {
    const { status, out } = run([]);
    expect(out).toContain('30/30 auth client scenarios passed (spec version: 2026-07-28)');
    expect(out).not.toMatch(/^FAIL/m);
    expect(status, out).toBe(0);
  }, SLOW);
});
