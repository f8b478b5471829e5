/**
 * `switchboard tools` end to end: the built CLI over real backends (everything, memory, filesystem
 * and the fixture), as a table and as JSON, through a workspace chosen by flag and by environment.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { assertBuilt, tempDir } from '../helpers/cli.js';
import { cleanEnv, everythingYaml, filesystemYaml, fixtureYaml, memoryYaml, run, unreachableYaml } from './cli-commands-helpers.js';

const tmp = tempDir('sb-tools-cmd-');
const env = cleanEnv(tmp.dir);
const MEMORY_TOOLS = ['add_observations', 'create_entities', 'create_relations', 'delete_entities', 'delete_observations', 'delete_relations', 'open_nodes', 'read_graph', 'search_nodes'];
const byCodeUnit = (names: readonly string[]) => [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

let config: string;
beforeAll(() => {
  assertBuilt();
  config = tmp.write(
    'router.yaml',
    `servers:\n${everythingYaml()}${memoryYaml(tmp.dir)}${filesystemYaml(tmp.dir)}${fixtureYaml('fix')}` +
      `workspaces:\n  small:\n    servers: [fix, memory]\n    include: ["fix__e*", "memory__read_graph"]\n    overrides:\n      fix__echo: { name: say, description: "Say it back" }\n`,
  );
});
afterAll(() => tmp.remove());

describe('switchboard tools', () => {
  it('prints every tool of every backend as a table: name, backend, description cut to 100 columns', async () => {
    const { code, stdout, stderr } = await run(['tools', '--config', config], env);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^TOOL +BACKEND +DESCRIPTION$/);
    const rows = lines.slice(1).map((l) => l.split(/ {2,}/));
    const names = rows.map((r) => r[0]);
    // Config order of servers, code-unit order inside each.
    expect(names.filter((n) => n!.startsWith('memory__'))).toEqual(MEMORY_TOOLS.map((t) => `memory__${t}`));
    expect(names.filter((n) => n!.startsWith('fix__'))).toEqual(byCodeUnit(FIXTURE_TOOL_NAMES.map((t) => `fix__${t}`)));
    expect(names.findIndex((n) => n!.startsWith('everything__'))).toBe(0);
    expect(names.findIndex((n) => n!.startsWith('filesystem__'))).toBeGreaterThan(names.lastIndexOf('memory__search_nodes'));
    expect(rows.find((r) => r[0] === 'fix__add')).toEqual(['fix__add', 'fix', 'Adds two numbers']);
    expect(rows.find((r) => r[0] === 'memory__read_graph')?.[1]).toBe('memory');
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(100);
    // A long description is cut with an ellipsis, never wrapped.
    expect(lines.some((l) => l.endsWith('…'))).toBe(true);
  });

  it('--json prints { name, server, title, description, inputSchema } for each tool', async () => {
    const { code, stdout } = await run(['tools', '--config', config, '--json'], env);
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(entries.find((e) => e.name === 'fix__add')).toEqual({
      name: 'fix__add',
      server: 'fix',
      title: null,
      description: 'Adds two numbers',
      inputSchema: { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] },
    });
    expect(entries.find((e) => e.name === 'everything__echo')).toMatchObject({ server: 'everything', description: 'Echoes back the input string' });
    expect(entries.filter((e) => e.server === 'memory').map((e) => e.name)).toEqual(MEMORY_TOOLS.map((t) => `memory__${t}`));
    expect(entries.every((e) => Object.keys(e).join() === 'name,server,title,description,inputSchema')).toBe(true);
  });

  it('--workspace shows what that workspace shows, renamed tools under their new names, in config order of servers', async () => {
    const { code, stdout } = await run(['tools', '--config', config, '--workspace', 'small', '--json'], env);
    expect(code).toBe(0);
    const entries = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(entries.map((e) => [e.name, e.server, e.description])).toEqual([
      ['memory__read_graph', 'memory', expect.any(String)],
      ['say', 'fix', 'Say it back'],
    ]);
  });

  it('$SWITCHBOARD_WORKSPACE selects the workspace as it does for serve; an unknown one is a usage error (exit 1)', async () => {
    const chosen = await run(['tools', '--config', config], { ...env, SWITCHBOARD_WORKSPACE: 'small' });
    expect(chosen.code).toBe(0);
    expect(chosen.stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/ {2,}/)[0])).toEqual(['memory__read_graph', 'say']);
    const unknown = await run(['tools', '--config', config, '--workspace', 'nope'], env);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/workspace "nope"/);
  });

  it('names a backend that is down on stderr and still lists the others', async () => {
    const partial = tmp.write('partial.yaml', `servers:\n${fixtureYaml('fix', ['--tools', 'echo,add'])}${unreachableYaml('gone')}`);
    const { code, stdout, stderr } = await run(['tools', '--config', partial], env);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split('\n').slice(1).map((l) => l.split(/ {2,}/)[0])).toEqual(['fix__add', 'fix__echo']);
    expect(stderr).toContain('backend "gone" is down, its tools are missing: Streamable HTTP: cannot reach http://127.0.0.1:1/mcp (servers.gone.url)');
  });

  it('a config error exits 1 naming the problem', async () => {
    const bad = tmp.write('bad.yaml', 'servers:\n  x:\n    comand: node\n');
    const { code, stderr } = await run(['tools', '--config', bad], env);
    expect(code).toBe(1);
    expect(stderr).toContain('servers.x.comand: unknown field; did you mean "command"?');
  });
});
