// The official MCP conformance suite, run through scripts/conformance.mjs:
//  - 0.1 (2025 revisions): against the 2025 fixture served directly (proves the runner and the
//    fixture), then through the router, once it is built, with router.single.yaml and router.multi.yaml;
//  - 0.2 (conformance-next) at the 2026-07-28 requirement set: the 2026 fixture served directly, then
//    through the router with router.2026.yaml and router.2026-multi.yaml; and two client scenarios
//    with the router as the client (scripts/conformance-client.mjs).
// The first run installs a Node 22 binary into .conformance/ (the suite needs it),
// hence the long timeouts.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNNER = join(ROOT, 'scripts', 'conformance.mjs');
const SLOW = 300_000;

function run(args: string[], runner = RUNNER) {
  const r = spawnSync(process.execPath, [runner, ...args], { cwd: ROOT, encoding: 'utf8', timeout: SLOW - 10_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('MCP conformance suite', () => {
  it(
    'knows every server scenario the installed suite has',
    () => {
      const ours = JSON.parse(run(['--list']).out) as { all: string[] };
      const node22 = spawnSync(process.execPath, [join(ROOT, 'scripts', 'node22.mjs')], { encoding: 'utf8' }).stdout.trim();
      const cli = join(ROOT, 'node_modules', '@modelcontextprotocol', 'conformance', 'dist', 'index.js');
      const listed = spawnSync(node22, [cli, 'list', '--server'], { encoding: 'utf8' }).stdout;
      const theirs = [...listed.matchAll(/^\s+- (\S+)/gm)].map((m) => m[1]);
      expect(theirs.length).toBeGreaterThan(0);
      expect([...theirs].sort()).toEqual([...ours.all].sort());
    },
    SLOW,
  );

  it(
    'passes every server scenario against the fixture served directly',
    () => {
      const { status, out } = run(['--fixture', '--expect', '32']);
      expect(out).toContain('conformance: 32 passed, 0 failed');
      expect(status, out).toBe(0);
    },
    SLOW,
  );

  it(
    'passes every server scenario through the router (one flat backend)',
    () => {
      const { status, out } = run(['--router-config', 'test/conformance/router.single.yaml', '--expect', '32']);
      expect(status, out).toBe(0);
    },
    SLOW,
  );

  it(
    'passes the name-independent scenarios through the router (three namespaced backends)',
    () => {
      const { status, out } = run(['--router-config', 'test/conformance/router.multi.yaml', '--expect', '8']);
      expect(status, out).toBe(0);
    },
    SLOW,
  );
});

/**
 * The 0.2 suite (devDependency alias conformance-next) at the 2026-07-28 requirement set: 37 required
 * server scenarios, each target in one suite run; and two client scenarios with the router as the
 * client (its backend side).
 */
describe('MCP conformance suite, 2026-07-28 requirements', () => {
  it(
    'names only required scenarios as name-independent',
    () => {
      const { nameIndependent2026 } = JSON.parse(run(['--list']).out) as { nameIndependent2026: string[] };
      const required = readFileSync(join(ROOT, 'node_modules', 'conformance-next', 'requirements', '2026-07-28.yaml'), 'utf8');
      const server = required.slice(required.indexOf('\nserver:'), required.indexOf('\nclient:'));
      const names = [...server.matchAll(/^\s+- (\S+)$/gm)].map((m) => m[1]);
      expect(names).toHaveLength(37);
      expect(nameIndependent2026.filter((n) => !names.includes(n))).toEqual([]);
    },
    SLOW,
  );

  it(
    'passes all 37 against the 2026 fixture (SDK v2) served directly',
    () => {
      const { status, out } = run(['--fixture', '2026', '--requirements', '2026-07-28', '--expect', '37']);
      expect(out).toContain('conformance 2026-07-28: 37 passed, 0 failed');
      expect(status, out).toBe(0);
    },
    SLOW,
  );

  it(
    'passes all 37 through the router (the 2026 fixture as its one flat 2026-07-28 backend)',
    () => {
      const { status, out } = run(['--router-config', 'test/conformance/router.2026.yaml', '--requirements', '2026-07-28', '--expect', '37']);
      expect(out).toContain('conformance 2026-07-28: 37 passed, 0 failed');
      expect(status, out).toBe(0);
    },
    SLOW,
  );

  it(
    'passes the name-independent ones through the router (three namespaced backends of both eras)',
    () => {
      const { status, out } = run(['--router-config', 'test/conformance/router.2026-multi.yaml', '--requirements', '2026-07-28', '--expect', '8']);
      expect(out).toContain('conformance 2026-07-28: 8 passed, 0 failed');
      expect(status, out).toBe(0);
    },
    SLOW,
  );

  it(
    'passes the client scenarios tools_call and request-metadata with the router as the client',
    () => {
      const { status, out } = run(['--scenarios', 'tools_call,request-metadata', '--spec-version', '2026-07-28'], join(ROOT, 'scripts', 'conformance-client.mjs'));
      expect(out).toContain('conformance client 2026-07-28: 2 passed, 0 failed');
      expect(status, out).toBe(0);
    },
    SLOW,
  );
});
