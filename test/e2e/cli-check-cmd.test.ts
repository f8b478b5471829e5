/**
 * `switchboard check` end to end: every enabled backend connected once, the table and JSON rows, the
 * hint naming the config field to fix, and the exit codes (0 all up, 4 some down, 1 config error).
 */
import type { CheckRow } from '../../src/cli/check.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, tempDir } from '../helpers/cli.js';
import { spawnFixture, type SpawnedFixture } from '../helpers/spawn-fixture.js';
import { cleanEnv, everythingYaml, fixtureYaml, memoryYaml, run, unreachableYaml } from './cli-commands-helpers.js';

const tmp = tempDir('sb-check-cmd-');
const env = cleanEnv(tmp.dir);
let http: SpawnedFixture;

beforeAll(async () => {
  assertBuilt();
  http = await spawnFixture({ name: 'web', transport: 'http', tools: ['echo', 'add'] });
});
afterAll(async () => {
  await http?.close();
  tmp.remove();
});

type Row = CheckRow;

describe('switchboard check', () => {
  it('exits 0 with a row per backend when every enabled backend is up', async () => {
    const config = tmp.write('good.yaml', `servers:\n${fixtureYaml('fix', ['--tools', 'echo,add,log'])}  web:\n    url: ${http.url}\n    type: http\n`);
    const { code, stdout, stderr } = await run(['check', '--config', config], env);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^BACKEND +TRANSPORT +STATUS +TOOLS +PROMPTS +RESOURCES +MS +FIX +ERROR$/);
    const cells = lines.slice(1).map((l) => l.split(/ {2,}/));
    expect(cells.map((c) => c.slice(0, 6))).toEqual([
      ['fix', 'stdio', 'up', '3', '1', '1'],
      ['web', 'http', 'up', '2', '1', '1'],
    ]);
    for (const c of cells) expect(Number(c[6])).toBeGreaterThan(0);
    expect(stderr).toContain('switchboard: 2/2 backends up');
  });

  it('exits 4 when a backend is down: its row has the error and the config field to fix', async () => {
    const config = tmp.write(
      'broken.yaml',
      `servers:\n${everythingYaml()}${memoryYaml(tmp.dir)}${unreachableYaml('remote')}` +
        `  nocmd:\n    command: definitely-not-installed-sb-check\n  off:\n    command: node\n    enabled: false\n`,
    );
    const table = await run(['check', '--config', config], env);
    expect(table.code).toBe(4);
    const rows = table.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/ {2,}/));
    expect(rows.map((r) => [r[0], r[1], r[2]])).toEqual([
      ['everything', 'stdio', 'up'],
      ['memory', 'stdio', 'up'],
      ['remote', 'http', 'down'],
      ['nocmd', 'stdio', 'down'],
      ['off', 'stdio', 'disabled'],
    ]);
    expect(rows[0]!.slice(3, 6)).toEqual(['17', '4', '7']);
    expect(rows[2]!.slice(3, 9)).toEqual(['-', '-', '-', expect.stringMatching(/^\d+$/), 'servers.remote.url', 'Streamable HTTP: cannot reach http://127.0.0.1:1/mcp (servers.remote.url): is the server running?']);
    expect(rows[3]![7]).toBe('servers.nocmd.command');
    expect(rows[3]![8]).toMatch(/^command "definitely-not-installed-sb-check" was not found on PATH \(.*\) \(servers\.nocmd\.command\): install it or give its full path$/);
    expect(table.stderr).toContain('switchboard: 2/4 backends up');

    const json = await run(['check', '--config', config, '--json'], env);
    expect(json.code).toBe(4);
    const parsed = JSON.parse(json.stdout) as Row[];
    expect(parsed.find((r) => r.backend === 'remote')).toEqual({
      backend: 'remote',
      transport: 'http',
      status: 'down',
      tools: null,
      prompts: null,
      resources: null,
      resourceTemplates: null,
      handshakeMs: expect.any(Number),
      error: 'Streamable HTTP: cannot reach http://127.0.0.1:1/mcp (servers.remote.url): is the server running?',
      hint: 'servers.remote.url',
    });
    expect(parsed.find((r) => r.backend === 'memory')).toMatchObject({ status: 'up', tools: 9, prompts: 0, error: null, hint: null });
    expect(parsed.find((r) => r.backend === 'off')).toMatchObject({ status: 'disabled', handshakeMs: null });
  });

  it('a config that does not load exits 1 with every problem, and connects nothing', async () => {
    const config = tmp.write('invalid.yaml', 'servers:\n  a:\n    command: node\n    args: x\n  b:\n    url: 12\n');
    const { code, stdout, stderr } = await run(['check', '--config', config], env);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('config is invalid (2 problems):\nservers.a.args: expected array of strings, got "x"\nservers.b.url: expected a string, got 12\n');
  });
});
