/**
 * `switchboard call` end to end: the built CLI calling real backends through the in-process router
 * (fixture, everything, memory, filesystem) and a fixture over Streamable HTTP directly with --url;
 * printed results, JSON, argument checks and every exit code.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64, TINY_WAV_BASE64 } from '../fixtures/fixture-server.js';
import { assertBuilt, tempDir } from '../helpers/cli.js';
import { spawnFixture, type SpawnedFixture } from '../helpers/spawn-fixture.js';
import { cleanEnv, everythingYaml, filesystemYaml, fixtureYaml, memoryYaml, run, unreachableYaml } from './cli-commands-helpers.js';

const tmp = tempDir('sb-call-cmd-');
const env = cleanEnv(tmp.dir);
let fixtureOnly: string;
let reference: string;
let http: SpawnedFixture;

beforeAll(async () => {
  assertBuilt();
  fixtureOnly = tmp.write('fix.yaml', `servers:\n${fixtureYaml('fix')}${unreachableYaml('gone')}`);
  reference = tmp.write('reference.yaml', `servers:\n${everythingYaml()}${memoryYaml(tmp.dir)}${filesystemYaml(tmp.dir)}`);
  http = await spawnFixture({ name: 'remote', transport: 'http', tools: ['echo', 'add', 'is_error'] });
});
afterAll(async () => {
  await http?.close();
  tmp.remove();
});

const call = (args: string[], config = fixtureOnly) => run(['call', '--config', config, ...args], env);

describe('switchboard call through the router', () => {
  it('prints text content as text and exits 0', async () => {
    const { code, stdout } = await call(['fix__echo', '{"text":"hi there"}']);
    expect(stdout).toBe('echo:hi there\n');
    expect(code).toBe(0);
  });

  it('--arg values are JSON when they parse, else strings, and win over JSON-ARGS', async () => {
    const sum = await call(['fix__add', '{"a":1,"b":1}', '--arg', 'b=41']);
    expect([sum.code, sum.stdout]).toEqual([0, '42\n']);
    const text = await call(['fix__echo', '--arg', 'text=3 apples']);
    expect([text.code, text.stdout]).toEqual([0, 'echo:3 apples\n']);
    const quoted = await call(['fix__echo', '--arg', 'text="3"']);
    expect([quoted.code, quoted.stdout]).toEqual([0, 'echo:3\n']);
  });

  it('summarises other content: image and audio by MIME type and size, resources by URI', async () => {
    const { code, stdout } = await call(['fix__rich']);
    expect(code).toBe(0);
    expect(stdout.split('\n')).toEqual([
      'rich from fix',
      `[image image/png, ${Buffer.from(TINY_PNG_BASE64, 'base64').length} bytes]`,
      `[audio audio/wav, ${Buffer.from(TINY_WAV_BASE64, 'base64').length} bytes]`,
      '[resource_link sb://fix/fixture://fix/static/hello text/plain]',
      '[resource sb://fix/fixture://fix/static/hello text/plain, 14 characters]',
      '',
    ]);
  });

  it('--json prints the result exactly as a client receives it', async () => {
    const { code, stdout } = await call(['fix__echo', '{"text":"hi"}', '--json']);
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      content: [{ type: 'text', text: 'echo:hi' }],
      structuredContent: { server: 'fix', text: 'hi' },
      _meta: { 'fixture/server': 'fix' },
    });
  });

  it('exits 2 after printing a result with isError, and on a JSON-RPC error from the backend', async () => {
    const isError = await call(['fix__is_error']);
    expect([isError.code, isError.stdout]).toEqual([2, 'error from fix\n']);
    expect(isError.stderr).toContain('tool "fix__is_error" answered with isError');
    const failed = await call(['fix__fail', '{"code":-32050,"message":"quota exceeded"}', '--json']);
    expect(failed.code).toBe(2);
    expect(failed.stderr).toContain('switchboard: quota exceeded');
    expect(JSON.parse(failed.stdout)).toEqual({ error: { code: -32050, message: 'quota exceeded' } });
  });

  it('exits 3 for an unknown tool, with the router\'s close names', async () => {
    const { code, stdout, stderr } = await call(['fix__ecoh', '{"text":"x"}']);
    expect(code).toBe(3);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^switchboard: Unknown tool "fix__ecoh". Did you mean "fix__echo"(, "[^"]+")*\?\n$/);
  });

  it('exits 1 without calling when the arguments do not fit the input schema, naming each argument', async () => {
    const { code, stdout, stderr } = await call(['fix__add', '--arg', 'a=x', '--arg', 'c=1']);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr).toContain('call: invalid arguments for tool "fix__add":\n');
    expect(stderr).toContain('  - missing required argument "b"\n');
    expect(stderr).toContain('  - argument "a" must be number, got string "x"\n');
    const notJson = await call(['fix__add', '{a:1}']);
    expect(notJson.code).toBe(1);
    expect(notJson.stderr).toContain('JSON-ARGS is not valid JSON');
  });

  it('exits 4 when the tool\'s backend is down, with the reason, and when it goes away mid-call', async () => {
    const down = await call(['gone__echo', '{"text":"x"}']);
    expect(down.code).toBe(4);
    expect(down.stderr).toContain('server "gone" is not connected, so tool "gone__echo" cannot be called: Streamable HTTP: cannot reach http://127.0.0.1:1/mcp');
    const crashed = await call(['fix__crash']);
    expect(crashed.code).toBe(4);
    expect(crashed.stderr).toMatch(/server "fix" disconnected during tools\/call/);
  });

  it('calls the reference servers: everything, memory and filesystem', async () => {
    const echo = await call(['everything__echo', '--arg', 'message=hello'], reference);
    expect([echo.code, echo.stdout]).toEqual([0, 'Echo: hello\n']);
    const graph = await call(['memory__read_graph', '--json'], reference);
    expect(graph.code).toBe(0);
    expect(JSON.parse((JSON.parse(graph.stdout) as { content: Array<{ text: string }> }).content[0]!.text)).toEqual({ entities: [], relations: [] });
    const dirs = await call(['filesystem__list_allowed_directories'], reference);
    expect(dirs.code).toBe(0);
    expect(dirs.stdout).toContain(`${tmp.dir}/files`);
  });
});

describe('switchboard call --url (a remote server directly)', () => {
  it('calls a Streamable HTTP server without any config', async () => {
    const { code, stdout } = await run(['call', '--url', http.url, 'echo', '{"text":"direct"}'], env);
    expect([code, stdout]).toEqual([0, 'echo:direct\n']);
    const isError = await run(['call', '--url', http.url, 'is_error'], env);
    expect([isError.code, isError.stdout]).toEqual([2, 'error from remote\n']);
  });

  it('exits 3 for a tool the server does not list, 1 for bad arguments, 4 when nothing answers', async () => {
    const unknown = await run(['call', '--url', http.url, 'ecoh'], env);
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toContain(`Unknown tool "ecoh" at ${http.url}. Did you mean "echo"?`);
    const invalid = await run(['call', '--url', http.url, 'add', '--arg', 'a=1'], env);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('missing required argument "b"');
    const nobody = await run(['call', '--url', 'http://127.0.0.1:1/mcp', 'echo'], env);
    expect(nobody.code).toBe(4);
    expect(nobody.stderr).toContain('cannot reach http://127.0.0.1:1/mcp over Streamable HTTP');
  });
});
