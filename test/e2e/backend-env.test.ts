/**
 * What a stdio backend's environment holds, seen from inside the backend (the fixture's `env` tool),
 * and what a missing command says: the built CLI on stdio with a real SDK client.
 */
import { dirname } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CLI_MAIN, PROJECT_ROOT, assertBuilt, q, tempDir } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

/** The router's PATH in this test: known exactly, so the missing-command message can be checked whole. */
const ROUTER_PATH = `${dirname(process.execPath)}:/usr/bin:/bin`;
const MISSING = 'sb-e2e-no-such-command';

function envFixtureYaml(name: string, extra = ''): string {
  const fx = fixtureStdioCommand(name, ['--tools', 'env']);
  return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n${extra}`;
}

describe('stdio backend environment', () => {
  const tmp = tempDir('sb-env-e2e-');
  let client: Client;
  let stderr = '';

  beforeAll(async () => {
    assertBuilt();
    const config = tmp.write(
      'router.yaml',
      'servers:\n' +
        envFixtureYaml('open') +
        envFixtureYaml('sealed', '    inheritEnv: false\n    env: { SB_E2E_OWN: mine }\n') +
        `  missing:\n    command: ${MISSING}\n`,
    );
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_MAIN, 'serve', '--config', config, '--log-level', 'warn'],
      cwd: PROJECT_ROOT,
      env: { ...(process.env as Record<string, string>), PATH: ROUTER_PATH, SB_E2E_SECRET: 'router-secret' },
      stderr: 'pipe',
    });
    transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    client = new Client({ name: 'env-e2e', version: '1.0.0' });
    await client.connect(transport);
    await eventually(() => /mcp-switchboard: 2\/3 backends up/.test(stderr), { what: 'the start-up summary', timeoutMs: 25_000 });
  });

  afterAll(async () => {
    await client?.close();
    tmp.remove();
  });

  const read = async (tool: string, variable: string) => {
    const result = (await client.callTool({ name: tool, arguments: { variable } })) as { content: Array<{ text: string }> };
    return result.content[0]?.text;
  };

  it("passes the router's whole environment by default", async () => {
    expect(await read('open__env', 'SB_E2E_SECRET')).toBe('router-secret');
    expect(await read('open__env', 'PATH')).toBe(ROUTER_PATH);
  });

  it('with inheritEnv: false passes only PATH, HOME and the server env:', async () => {
    expect(await read('sealed__env', 'SB_E2E_SECRET')).toBe('(unset)');
    expect(await read('sealed__env', 'SB_E2E_OWN')).toBe('mine');
    expect(await read('sealed__env', 'PATH')).toBe(ROUTER_PATH);
    expect(await read('sealed__env', 'HOME')).toBe(process.env.HOME ?? '(unset)');
  });

  it('reports a missing command with the PATH it was looked up on', () => {
    expect(stderr).toContain(
      `DOWN  missing  stdio  command "${MISSING}" was not found on PATH (${ROUTER_PATH}) (servers.missing.command): install it or give its full path (retrying)`,
    );
  });
});
