// The official MCP conformance suite, run through scripts/conformance.mjs:
//  - against the fixture served directly (proves the runner and the fixture);
//  - against the router, once it is built, with both router configs here.
// The first run installs a Node 22 binary into .conformance/ (the suite needs it),
// hence the long timeouts.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const RUNNER = join(ROOT, 'scripts', 'conformance.mjs');
const SLOW = 300_000;

function run(args: string[]) {
  const r = spawnSync(process.execPath, [RUNNER, ...args], { cwd: ROOT, encoding: 'utf8', timeout: SLOW - 10_000 });
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
