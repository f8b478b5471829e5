/**
 * `serve` on stdio opens its front before it starts its backends (so initialize never waits behind
 * twenty spawns). A client that sends initialize and its first tools/list in the same breath, before
 * any backend was started, must still get the complete list: the list starts the backends and waits
 * for each one's first start.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, assertBuilt, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { JsonRpcLines } from '../helpers/jsonrpc-lines.js';

const SCALE_BACKEND = join(PROJECT_ROOT, 'test/fixtures/scale-backend.mjs');

describe('serve on stdio: front first, backends right after', () => {
  const tmp = tempDir('sb-cold-order-');
  let cli: CliProcess | undefined;
  afterEach(async () => {
    await cli?.kill();
  });

  it('answers a tools/list sent together with initialize with every backend\'s tools', async () => {
    assertBuilt();
    // Slow starters: each waits before it reads its stdin, so nothing is up when the list arrives.
    const servers = ['a', 'b', 'c']
      .map((name) => `  ${name}:\n    command: ${q(process.execPath)}\n    args: [${q(SCALE_BACKEND)}]\n    env: { SCALE_NAME: ${name}, SCALE_TOOLS: "4", SCALE_DELAY_MS: "300" }\n`)
      .join('');
    const config = tmp.write('router.yaml', `servers:\n${servers}`);
    cli = spawnCli(['serve', '--config', config, '--log-level', 'silent']);
    const out = new JsonRpcLines(cli.child.stdout!);
    const lines = [
      { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 't', version: '1' } } },
      { jsonrpc: '2.0', method: 'notifications/initialized' },
      { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} },
    ];
    cli.child.stdin!.write(lines.map((l) => JSON.stringify(l)).join('\n') + '\n');
    const init = await out.waitFor((m) => m.id === 1, 'initialize answer');
    expect((init.result as { serverInfo: { name: string } }).serverInfo.name).toBe('mcp-switchboard');
    const list = await out.waitFor((m) => m.id === 2, 'tools/list answer');
    const names = (list.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name);
    expect(names).toHaveLength(3 * 7);
    for (const s of ['a', 'b', 'c']) expect(names.filter((n) => n.startsWith(`${s}__`))).toHaveLength(7);
  });
});
