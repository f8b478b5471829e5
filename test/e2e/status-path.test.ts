/**
 * `serve --status-path`: the status page moves, /status.json and /metrics stay, and a path that
 * cannot work (stdio, or one something else already answers) is a usage error naming the flag.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, q, runCli, spawnCli, tempDir } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

describe('serve --status-path', () => {
  const tmp = tempDir('sb-status-path-');
  let config: string;

  beforeAll(() => {
    assertBuilt();
    const fx = fixtureStdioCommand('fx');
    config = tmp.write('router.yaml', `servers:\n  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n`);
  });
  afterAll(() => tmp.remove());

  it('serves the page on the given path; / goes back to pointing at /mcp', async () => {
    const cli = spawnCli(['serve', '--http', '--port', '0', '--status-path', '/ops/status', '--config', config]);
    try {
      const origin = new URL((await cli.waitForStderr(/listening on (http:\/\/127\.0\.0\.1:\d+)\/mcp\n/))[1]!).origin;
      const page = await fetch(`${origin}/ops/status`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<html lang="en" data-status-json="/status.json">');
      const root = await fetch(`${origin}/`);
      expect(root.status).toBe(404);
      expect(await root.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32060, message: expect.stringMatching(/^Not found: MCP is served at \/mcp/), data: { reason: 'SB_UNKNOWN_PATH' } }, id: null });
      expect((await fetch(`${origin}/status.json`)).status).toBe(200);
      expect((await fetch(`${origin}/metrics`)).status).toBe(200);
      // The data endpoints answer reads only.
      const post = await fetch(`${origin}/metrics`, { method: 'POST', body: '{}' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      expect(await post.json()).toMatchObject({ error: { code: -32061, message: expect.stringMatching(/^Method not allowed: \/metrics answers GET and HEAD/), data: { reason: 'SB_METHOD_NOT_ALLOWED' } } });
    } finally {
      await cli.kill();
    }
  });

  it('is refused with stdio, and on a path already served', async () => {
    const stdio = await runCli(['serve', '--status-path', '/s', '--config', config]);
    expect(stdio.code).toBe(2);
    expect(stdio.stderr).toContain('--status-path: the status page is served over HTTP; add --http (or --transport http, sse or ws)');
    for (const path of ['/mcp', '/healthz', '/metrics', '/w/dev/status', '/.well-known/oauth-protected-resource']) {
      const taken = await runCli(['serve', '--http', '--port', '0', '--status-path', path, '--config', config]);
      expect(taken.code, path).toBe(2);
      expect(taken.stderr, path).toContain(`--status-path: ${path} is already served (MCP, health, /metrics, /status.json, /w/NAME/ or /.well-known/); pick another path`);
    }
    const relative = await runCli(['serve', '--http', '--status-path', 'status', '--config', config]);
    expect(relative.code).toBe(2);
    expect(relative.stderr).toContain('--status-path: expected a path starting with "/", got "status"');
  });
});
