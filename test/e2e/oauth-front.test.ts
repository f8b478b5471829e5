/**
 * listen.auth end to end: the built CLI as an OAuth protected resource in front of a real
 * authorization server (oidc-provider, client_credentials with resource indicators). Real SDK
 * clients with access tokens get in and see only the workspace their `groups` claim allows; tokens
 * for another audience, expired or from a foreign issuer get 401 with a WWW-Authenticate challenge
 * that names the metadata document, which is served; every forwarded call leaves an audit line.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { assertBuilt, q, runCli, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { JSON_HEADERS, httpOpen, httpRequest } from '../helpers/http-raw.js';
import { foreignToken, startTestIssuer, type TestClient, type TestIssuer } from '../helpers/oidc-issuer.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

const ALICE: TestClient = { id: 'alice', secret: 'alice-secret-0123456789abcdef', groups: ['team-a'] };
const BOB: TestClient = { id: 'bob', secret: 'bob-secret-0123456789abcdef', groups: ['team-b'] };
const CAROL: TestClient = { id: 'carol', secret: 'carol-secret-0123456789abcdef', groups: ['visitors'] };
const toolsOf = (prefix: string) => FIXTURE_TOOL_NAMES.map((t) => `${prefix}__${t}`).sort();

const initializeBody = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'by-hand', version: '1.0.0' } },
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

function serverYaml(name: string): string {
  const fx = fixtureStdioCommand(name);
  return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n`;
}

function refusalReason(body: string): string {
  return (JSON.parse(body) as { error: { data: { reason: string } } }).error.data.reason;
}

describe('serve --http with listen.auth', () => {
  const tmp = tempDir('sb-oauth-front-');
  const clients: Client[] = [];
  let issuer: TestIssuer;
  let cli: CliProcess;
  let origin: string;
  let resource: string;
  let metadataUrl: string;

  async function connect(path: string, token: string): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
    const transport = new StreamableHTTPClientTransport(new URL(`${origin}${path}`), { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    clients.push(client);
    return { client, transport };
  }

  const initialize = (path: string, token?: string) =>
    httpRequest(`${origin}${path}`, { method: 'POST', headers: { ...JSON_HEADERS, ...(token && { Authorization: `Bearer ${token}` }) }, body: initializeBody });

  beforeAll(async () => {
    assertBuilt();
    issuer = await startTestIssuer([ALICE, BOB, CAROL]);
    const port = await freePort();
    origin = `http://127.0.0.1:${port}`;
    resource = `${origin}/mcp`;
    metadataUrl = `${origin}/.well-known/oauth-protected-resource/mcp`;
    const config = tmp.write(
      'router.yaml',
      `servers:\n${serverYaml('alpha')}${serverYaml('beta')}` +
        `listen:\n  auth:\n    issuer: ${q(issuer.issuer)}\n    audience: ${q(resource)}\n    scopes: [mcp]\n` +
        `workspaces:\n  team-a:\n    servers: [alpha]\n    allow: { groups: [team-a] }\n  team-b:\n    servers: [beta]\n    allow: { groups: [team-b], sub: [admin] }\n`,
    );
    cli = spawnCli(['serve', '--transport', 'ws', '--port', String(port), '--config', config], { env: { ...process.env, SWITCHBOARD_STATE_DIR: tmp.dir } });
    await cli.waitForStderr(/mcp-switchboard listening on http:/);
    await cli.waitForStderr(/mcp-switchboard: 2\/2 backends up/, 25_000);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await cli?.kill();
    await issuer?.close();
    tmp.remove();
  });

  it('serves the protected resource metadata at the root and the /mcp-suffixed well-known paths', async () => {
    const expected = { resource, authorization_servers: [issuer.issuer], bearer_methods_supported: ['header'], scopes_supported: ['mcp'], resource_name: 'mcp-switchboard' };
    for (const url of [metadataUrl, `${origin}/.well-known/oauth-protected-resource`]) {
      const res = await httpRequest(url);
      expect([res.status, res.headers['content-type']]).toEqual([200, 'application/json']);
      expect(JSON.parse(res.body)).toEqual(expected);
    }
  });

  it('answers a request without a token 401 with a challenge naming the metadata, on every front', async () => {
    const challenge = `Bearer resource_metadata="${metadataUrl}"`;
    const mcp = await initialize('/mcp');
    expect([mcp.status, mcp.headers['www-authenticate'], refusalReason(mcp.body)]).toEqual([401, challenge, 'SB_UNAUTHORIZED']);
    const sse = await httpOpen(`${origin}/w/team-a/sse`, { headers: { accept: 'text/event-stream' } });
    expect([sse.status, sse.headers['www-authenticate']]).toEqual([401, challenge]);
    sse.close();
    const metrics = await httpRequest(`${origin}/metrics`);
    expect([metrics.status, metrics.headers['www-authenticate']]).toEqual([401, challenge]);
    const upgrade = await httpRequest(`${origin}/mcp`, { headers: { connection: 'Upgrade', upgrade: 'websocket', 'sec-websocket-version': '13', 'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==', 'sec-websocket-protocol': 'mcp' } });
    expect([upgrade.status, upgrade.headers['www-authenticate']]).toEqual([401, challenge]);
    // The challenge's URL is the document itself.
    expect(JSON.parse((await httpRequest(metadataUrl)).body)).toMatchObject({ resource });
  });

  it('lets a token for this resource in; its groups claim picks the workspace, which is all it lists', async () => {
    const { client } = await connect('/mcp', await issuer.token(ALICE, resource));
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(toolsOf('alpha'));
    const bob = await connect('/mcp', await issuer.token(BOB, resource));
    expect((await bob.client.listTools()).tools.map((t) => t.name).sort()).toEqual(toolsOf('beta'));
    // Beyond the boundary: the other workspace's tool is refused, not forwarded.
    await expect(client.callTool({ name: 'beta__echo', arguments: { text: 'x' } })).rejects.toThrow(/beta__echo/);
  });

  it('refuses a workspace the token does not allow with 403, and /w/NAME/ of an allowed one serves it', async () => {
    const token = await issuer.token(ALICE, resource);
    const other = await initialize('/w/team-b/mcp', token);
    expect([other.status, refusalReason(other.body)]).toEqual([403, 'SB_WORKSPACE_FORBIDDEN']);
    const otherSse = await httpOpen(`${origin}/w/team-b/sse`, { headers: { accept: 'text/event-stream', Authorization: `Bearer ${token}` } });
    expect(otherSse.status).toBe(403);
    otherSse.close();
    // An unknown name lists only the workspaces this token may use.
    const unknown = await initialize('/w/nope/mcp', token);
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.message).toContain('known workspaces: team-a');
    const { client } = await connect('/w/team-a/mcp', token);
    expect((await client.listTools()).tools.map((t) => t.name).sort()).toEqual(toolsOf('alpha'));
  });

  it('refuses a token whose claims allow no workspace with 403', async () => {
    const res = await initialize('/mcp', await issuer.token(CAROL, resource));
    expect([res.status, refusalReason(res.body)]).toEqual([403, 'SB_WORKSPACE_FORBIDDEN']);
  });

  it('refuses wrong-audience, expired and foreign tokens with 401 invalid_token', async () => {
    const challenge = `Bearer resource_metadata="${metadataUrl}", error="invalid_token"`;
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string, RegExp]> = [
      ['wrong audience', await issuer.token(ALICE, 'http://other.example/mcp'), /audience is not this server/],
      ['expired', await issuer.signed({ sub: 'alice', aud: resource, scope: 'mcp', groups: ['team-a'], iat: now - 600, exp: now - 120 }), /expired/],
      ['foreign issuer', await foreignToken({ sub: 'alice', aud: resource, scope: 'mcp', groups: ['team-a'], exp: now + 300 }), /signature/],
      ['not a JWT', 'not-a-jwt', /not a valid JWT/],
    ];
    for (const [what, token, message] of cases) {
      const res = await initialize('/mcp', token);
      expect([what, res.status, res.headers['www-authenticate'], refusalReason(res.body)]).toEqual([what, 401, challenge, 'SB_UNAUTHORIZED']);
      expect(JSON.parse(res.body).error.message).toMatch(message);
    }
    // The SDK client surfaces the refusal too.
    await expect(connect('/mcp', cases[0]![1])).rejects.toThrow(/401|Unauthorized/);
  });

  it('answers a token without a required scope 403 insufficient_scope', async () => {
    const res = await initialize('/mcp', await issuer.token(ALICE, resource, ''));
    expect([res.status, res.headers['www-authenticate'], refusalReason(res.body)]).toEqual([403, `Bearer resource_metadata="${metadataUrl}", error="insufficient_scope", scope="mcp"`, 'SB_INSUFFICIENT_SCOPE']);
  });

  it("treats a session id presented with another subject's token as unknown", async () => {
    const { transport } = await connect('/mcp', await issuer.token(ALICE, resource));
    const res = await httpRequest(`${origin}/mcp`, {
      method: 'POST',
      headers: { ...JSON_HEADERS, Authorization: `Bearer ${await issuer.token(BOB, resource)}`, 'mcp-session-id': transport.sessionId!, 'mcp-protocol-version': '2025-06-18' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect([res.status, refusalReason(res.body)]).toEqual([404, 'SB_UNKNOWN_SESSION']);
  });

  it('logs one audit line per forwarded call with the subject and the workspace', async () => {
    const { client } = await connect('/mcp', await issuer.token(BOB, resource));
    await client.callTool({ name: 'beta__echo', arguments: { text: 'audited' } });
    const line = (await cli.waitForStderr(/^.*"msg":"tool call".*"sub":"bob".*$|^.*"sub":"bob".*"msg":"tool call".*$/m))[0];
    const record = JSON.parse(line) as Record<string, unknown>;
    expect(record).toMatchObject({ level: 30, audit: true, sub: 'bob', workspace: 'team-b', tool: 'beta__echo', backend: 'beta', outcome: 'ok' });
    expect(typeof record['ms']).toBe('number');
    // Arguments never reach the log.
    expect(line).not.toContain('audited');
  });
});

describe('allow lists without listen.auth', () => {
  const tmp = tempDir('sb-oauth-allow-');
  afterAll(() => tmp.remove());

  it('refuse to start an HTTP front, and a reload that adds them keeps the running config', async () => {
    const allow = `workspaces:\n  ops:\n    servers: [alpha]\n    allow: { groups: [ops] }\n`;
    const config = tmp.write('router.yaml', `servers:\n${serverYaml('alpha')}${allow}`);
    const refused = await runCli(['serve', '--http', '--port', '0', '--config', config]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('workspaces ops set "allow", which needs token claims: set listen.auth (issuer, audience) to serve them over HTTP');

    writeFileSync(config, `servers:\n${serverYaml('alpha')}`);
    const cli = spawnCli(['serve', '--http', '--port', '0', '--config', config], { env: { ...process.env, SWITCHBOARD_STATE_DIR: tmp.dir } });
    try {
      await cli.waitForStderr(/mcp-switchboard: 1\/1 backends up/, 25_000);
      writeFileSync(config, `servers:\n${serverYaml('alpha')}${allow}`);
      cli.child.kill('SIGHUP');
      await cli.waitForStderr(/reload failed; still serving the previous config\. workspaces ops set "allow", which needs token claims/);
    } finally {
      await cli.kill();
    }
  });
});
