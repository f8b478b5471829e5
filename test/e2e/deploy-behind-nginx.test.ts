/**
 * The deploy setup end to end, minus the container: the built CLI runs the Docker image's command on
 * deploy/compose/router.yaml (adapted to this machine: a free port, the repository as /app, and
 * without `cluster:`, which the cluster suite covers with Redis), behind a real nginx configured
 * with deploy/nginx/*.conf. An SDK client goes through nginx with the bearer token.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { parseDocument } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { assertBuilt, PROJECT_ROOT, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { COMPOSE_DIR, readText } from '../helpers/deploy-files.js';
import { freePort, startNginx, type RunningNginx } from '../helpers/nginx.js';

const TOKEN = randomBytes(24).toString('hex');
const temp = tempDir('sb-deploy-');
let router: CliProcess;
let nginx: RunningNginx;
let routerPort: number;

/** deploy/compose/router.yaml with only what must differ on this machine changed. */
function localRouterYaml(port: number): string {
  const doc = parseDocument(readText(join(COMPOSE_DIR, 'router.yaml')));
  expect(doc.getIn(['servers', 'everything', 'cwd'])).toBe('/app');
  doc.setIn(['servers', 'everything', 'cwd'], PROJECT_ROOT);
  expect(doc.getIn(['listen', 'port'])).toBe(8765);
  doc.setIn(['listen', 'port'], port);
  expect(doc.delete('cluster')).toBe(true);
  return doc.toString();
}

async function connect(headers: Record<string, string>): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(`${nginx.url}/mcp`), { requestInit: { headers } });
  const client = new Client({ name: 'deploy-e2e', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  return client;
}

beforeAll(async () => {
  assertBuilt();
  routerPort = await freePort();
  const config = temp.write('router.yaml', localRouterYaml(routerPort));
  router = spawnCli(['serve', '--http', '--config', config], {
    env: { ...process.env, SWITCHBOARD_TOKEN: TOKEN, SWITCHBOARD_STATE_DIR: join(temp.dir, 'state') },
    stdin: 'ignore',
  });
  await router.waitForStderr(/mcp-switchboard listening on http:\/\/0\.0\.0\.0:\d+\/mcp/);
  nginx = await startNginx({ upstreamPorts: [routerPort] });
});

afterAll(async () => {
  await nginx?.close();
  await router?.kill();
  temp.remove();
});

describe('the deploy router.yaml behind the deploy nginx config', () => {
  it('answers the health endpoint through nginx without a token', async () => {
    const res = await fetch(`${nginx.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('ok');
  });

  it('refuses MCP without the bearer token, with the challenge passed through', async () => {
    const res = await fetch(`${nginx.url}/mcp`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="mcp-switchboard"');
  });

  it('serves a session through nginx: list, call, and progress streamed before the result', async () => {
    const client = await connect({ Authorization: `Bearer ${TOKEN}` });
    try {
      const { tools } = await client.listTools();
      expect(tools.map((t) => t.name)).toContain('everything__echo');
      const echo = (await client.callTool({ name: 'everything__echo', arguments: { message: 'through nginx' } })) as { content: { text: string }[] };
      expect(echo.content[0]?.text).toBe('Echo: through nginx');

      const progressAt: number[] = [];
      const started = Date.now();
      const long = (await client.callTool(
        { name: 'everything__trigger-long-running-operation', arguments: { duration: 1.5, steps: 3 } },
        { onprogress: () => progressAt.push(Date.now() - started) },
      )) as { content: { text: string }[] };
      const doneAt = Date.now() - started;
      expect(long.content[0]?.text).toBe('Long running operation completed. Duration: 1.5 seconds, Steps: 3.');
      expect(progressAt).toHaveLength(3);
      // Each step is 0.5 s: the first progress arrives long before the result unless a proxy buffers.
      expect(doneAt - (progressAt[0] as number)).toBeGreaterThan(700);
    } finally {
      await client.close();
    }
  });

  it('drains and exits 0 on SIGTERM, as a pod or container stop sends it', async () => {
    router.child.kill('SIGTERM');
    expect(await router.exited).toEqual({ code: 0, signal: null });
  });
});
