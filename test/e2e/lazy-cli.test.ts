/**
 * A lazy server through the built CLI: its listing is cached under $XDG_STATE_HOME/mcp-switchboard/,
 * the start-up summary shows it idle, and a second run lists it from that cache without starting it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { CLI_MAIN, PROJECT_ROOT, assertBuilt, q, tempDir } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { fixtureProcesses } from '../helpers/relay-harness.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

describe('lazy server through the CLI', () => {
  const tmp = tempDir('sb-lazy-cli-');
  const state = join(tmp.dir, 'state');
  const fx = fixtureStdioCommand('lazycli', ['--tools', 'echo']);
  const config = tmp.write('router.yaml', `servers:\n  lazycli:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n    lazy: true\n`);

  afterAll(() => tmp.remove());

  async function run(): Promise<{ client: Client; stderr: () => string }> {
    let stderr = '';
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_MAIN, 'serve', '--config', config, '--log-level', 'warn'],
      cwd: PROJECT_ROOT,
      env: { ...(process.env as Record<string, string>), XDG_STATE_HOME: state, SWITCHBOARD_STATE_DIR: '' },
      stderr: 'pipe',
    });
    transport.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const client = new Client({ name: 'lazy-cli', version: '1.0.0' });
    await client.connect(transport);
    await eventually(() => /mcp-switchboard: 0\/1 backends up, 1 idle \(lazy\), 1 tools/.test(stderr), { what: 'the start-up summary', timeoutMs: 25_000 });
    return { client, stderr: () => stderr };
  }

  it('caches the listing under $XDG_STATE_HOME/mcp-switchboard and reuses it on the next run', async () => {
    assertBuilt();
    const first = await run();
    const idleLine = '\n  idle  lazycli  stdio  1 tools, 1 prompts, 1 resources, 1 templates (lazy: starts on first use)\n';
    await eventually(() => first.stderr().includes(idleLine), { what: 'the idle line of the summary' });
    const dir = join(state, 'mcp-switchboard', 'listings');
    // Written atomically (a .tmp file, then a rename): wait for the rename.
    await eventually(() => existsSync(dir) && readdirSync(dir).length === 1 && !readdirSync(dir)[0]!.endsWith('.tmp'), { what: 'the cache file' });
    expect(readdirSync(dir)[0]).toMatch(/^lazycli-[0-9a-f]{16}\.json$/);
    await first.client.close();
    await eventually(() => fixtureProcesses('lazycli').length === 0, { what: 'the first run to end' });

    const second = await run();
    expect(fixtureProcesses('lazycli')).toEqual([]);
    expect((await second.client.listTools()).tools.map((t) => t.name)).toEqual(['lazycli__echo']);
    expect(fixtureProcesses('lazycli')).toEqual([]);
    const result = (await second.client.callTool({ name: 'lazycli__echo', arguments: { text: 'hi' } })) as { content: Array<{ text: string }> };
    expect(result.content[0]?.text).toBe('echo:hi');
    expect(fixtureProcesses('lazycli')).toHaveLength(1);
    await second.client.close();
  });
});
