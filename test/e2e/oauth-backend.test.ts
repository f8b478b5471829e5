/**
 * The router as an OAuth client of a protected MCP server, end to end with real parts: oidc-provider
 * as the authorization server (dynamic registration, PKCE, resource indicators, refresh, revocation),
 * an SDK v2 resource server that checks each token's audience, the built CLI for `login`, `serve`
 * and `logout`, and the test as the user's browser.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { OAuthRecord } from '../../src/backends/oauth/token-store.js';
import { startAuthServer, type TestAuthServer } from '../fixtures/oauth-auth-server.js';
import { startResourceServer, type TestResourceServer } from '../fixtures/oauth-resource-server.js';
import { CLI_MAIN, assertBuilt, q, runCli, spawnCli, tempDir } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { followAuthorization } from '../helpers/oauth-browser.js';

const ACCESS_TOKEN_TTL_S = 2;
const NEEDS_LOGIN = 'needs login: run switchboard login remote';

describe('auth: oauth backends', () => {
  const tmp = tempDir('sb-oauth-');
  const stateHome = join(tmp.dir, 'state');
  const env: NodeJS.ProcessEnv = { ...process.env, XDG_STATE_HOME: stateHome, SWITCHBOARD_STATE_DIR: '', DISPLAY: '', WAYLAND_DISPLAY: '' };
  let as: TestAuthServer;
  let rs: TestResourceServer;
  let config: string;
  const serveErr: string[] = [];

  beforeAll(async () => {
    assertBuilt();
    rs = await startResourceServer();
    as = await startAuthServer({ resource: rs.url, accessTokenTtl: ACCESS_TOKEN_TTL_S });
    await rs.setAuthServer(as.issuer, (t) => as.introspect(t));
    config = tmp.write('router.yaml', `servers:\n  remote:\n    url: ${q(rs.url)}\n    auth: oauth\n  plain:\n    command: ${q(process.execPath)}\n    args: ["-e", "setInterval(() => {}, 1000)"]\n    enabled: false\n`);
  });

  afterAll(async () => {
    await as?.close();
    await rs?.close();
    tmp.remove();
  });

  function storeFile(): string {
    const dir = join(stateHome, 'mcp-switchboard', 'oauth');
    const names = readFileSyncDir(dir);
    expect(names).toHaveLength(1);
    return join(dir, names[0]!);
  }

  function record(): OAuthRecord {
    return JSON.parse(readFileSync(storeFile(), 'utf8')) as OAuthRecord;
  }

  async function startServe(): Promise<Client> {
    const transport = new StdioClientTransport({ command: process.execPath, args: [CLI_MAIN, 'serve', '--config', config], env: env as Record<string, string>, stderr: 'pipe' });
    const chunks: string[] = [];
    transport.stderr?.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
    serveErr.push('');
    const at = serveErr.length - 1;
    transport.stderr?.on('data', () => (serveErr[at] = chunks.join('')));
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(transport);
    return client;
  }

  function summary(): Promise<string> {
    const at = serveErr.length - 1;
    return eventually(() => /backends up.*\n(.*\n)+/.test(serveErr[at] ?? '') && serveErr[at], { what: 'the start-up summary' });
  }

  it('before any login, serve and check show the backend as needing a login, not a 401', async () => {
    const client = await startServe();
    try {
      const text = await summary();
      expect(text).toMatch(/mcp-switchboard: 0\/1 backends up, 0 tools/);
      expect(text).toMatch(new RegExp(`^  LOGIN remote +http +${NEEDS_LOGIN}$`, 'm'));
      expect(text).not.toMatch(/401|Unauthorized/i);
      expect(rs.accepted).toHaveLength(0);
    } finally {
      await client.close();
    }
    const check = await runCli(['check', '--config', config], { env });
    expect(check.code).toBe(4);
    expect(check.stdout).toMatch(new RegExp(`^remote +http +down +.*servers\\.remote +${NEEDS_LOGIN}$`, 'm'));
  });

  it('login registers the router, runs the code flow with PKCE and stores its tokens 0600', async () => {
    const cli = spawnCli(['login', 'remote', '--config', config, '--no-browser'], { env, stdin: 'ignore' });
    const [, authorizationUrl] = (await cli.waitForStderr(/open:\n\n {2}(\S+)\n/))!;
    const [, callbackUrl] = (await cli.waitForStderr(/Waiting for the redirect to (http:\/\/127\.0\.0\.1:\d+\/callback)/))!;
    const url = new URL(authorizationUrl!);
    expect(url.origin).toBe(as.issuer);
    expect(url.searchParams.get('code_challenge_method')).toBe('S256');
    expect(url.searchParams.get('resource')).toBe(rs.url);
    expect(url.searchParams.get('scope')?.split(' ')).toEqual(['mcp:tools', 'offline_access']);
    expect(url.searchParams.get('redirect_uri')).toBe(callbackUrl);
    expect(url.searchParams.get('client_id')).toBe(as.registrations()[0]);

    const page = await followAuthorization(authorizationUrl!, callbackUrl!);
    expect(page).toEqual({ status: 200, text: 'Logged in. You can close this tab and return to the terminal.\n' });
    expect((await cli.exited).code).toBe(0);
    const file = storeFile();
    expect(cli.stderr()).toContain(`switchboard: logged in to remote; tokens saved in ${file}\n`);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const stored = record();
    expect(stored).toMatchObject({ server: 'remote', url: rs.url, client: { client_id: as.registrations()[0] }, tokens: { token_type: 'Bearer' } });
    expect(typeof stored.tokens?.refresh_token).toBe('string');
    expect(await as.introspect(stored.tokens!.access_token)).toMatchObject({ audience: rs.url, clientId: as.registrations()[0], scopes: ['mcp:tools'] });
    expect(cli.stderr()).not.toContain(stored.tokens!.access_token);
  });

  it('serve calls through with its own token and refreshes it on expiry without a new login', async () => {
    const client = await startServe();
    try {
      expect(await summary()).toMatch(/^ {2}up +remote +http +1 tools$/m);
      const first = await client.callTool({ name: 'remote__whoami', arguments: {} });
      expect(first.content).toEqual([{ type: 'text', text: `client ${as.registrations()[0]}` }]);
      const before = record().tokens!;
      expect(rs.accepted.at(-1)?.token).toBe(before.access_token);

      await new Promise((r) => setTimeout(r, ACCESS_TOKEN_TTL_S * 1000 + 300));
      const refusedBefore = rs.refused();
      const second = await client.callTool({ name: 'remote__whoami', arguments: {} });
      expect(second.content).toEqual([{ type: 'text', text: `client ${as.registrations()[0]}` }]);
      const after = record().tokens!;
      expect(after.access_token).not.toBe(before.access_token);
      expect(rs.refused()).toBe(refusedBefore + 1);
      expect(rs.accepted.at(-1)?.token).toBe(after.access_token);
      expect(as.registrations()).toHaveLength(1);
      const err = serveErr.at(-1)!;
      for (const secret of [before.access_token, before.refresh_token!, after.access_token, after.refresh_token!]) expect(err).not.toContain(secret);
    } finally {
      await client.close();
    }
  });

  it('revoked tokens turn into "needs login": on the call, in the status, in the next start-up summary', async () => {
    const cli = spawnCli(['serve', '--http', '--port', '0', '--config', config], { env });
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' }, { capabilities: {} });
    try {
      const origin = new URL((await cli.waitForStderr(/listening on (http:\/\/127\.0\.0\.1:\d+)\/mcp\n/))[1]!).origin;
      await cli.waitForStderr(/^ {2}up +remote +http +1 tools$/m);
      await client.connect(new StreamableHTTPClientTransport(new URL(`${origin}/mcp`)));
      const { access_token, refresh_token } = record().tokens!;
      await as.revoke(access_token, refresh_token!);
      const result = await client.callTool({ name: 'remote__whoami', arguments: {} }).catch((e: Error) => e);
      expect(result).toBeInstanceOf(Error);
      expect((result as Error).message).toContain(NEEDS_LOGIN);
      expect(record().tokens).toBeUndefined();
      // The backend went down with that reason, where the status page and /status.json show it.
      const status = await eventually(
        async () => {
          const json = (await (await fetch(`${origin}/status.json`)).json()) as { backends: { name: string; state: string; lastError: string | null }[] };
          const remote = json.backends.find((b) => b.name === 'remote');
          return remote?.lastError === NEEDS_LOGIN && remote;
        },
        { what: 'status.json to say the backend needs a login' },
      );
      expect(status).toEqual(expect.objectContaining({ state: 'down', lastError: NEEDS_LOGIN }));
      expect(cli.stderr()).not.toContain(access_token);
      expect(cli.stderr()).not.toContain(refresh_token!);
    } finally {
      await client.close();
      await cli.kill();
    }
    const again = await startServe();
    try {
      expect(await summary()).toMatch(new RegExp(`^  LOGIN remote +http +${NEEDS_LOGIN}$`, 'm'));
    } finally {
      await again.close();
    }
  });

  it('logout forgets the login; login and logout refuse servers without auth: oauth', async () => {
    const out = await runCli(['logout', 'remote', '--config', config], { env });
    expect(out.code).toBe(0);
    expect(out.stderr).toMatch(/^switchboard: logged out of remote \(removed .*\.json\)\n$/);
    expect(readFileSyncDir(join(stateHome, 'mcp-switchboard', 'oauth'))).toEqual([]);
    expect((await runCli(['logout', 'remote', '--config', config], { env })).stderr).toBe('switchboard: remote had no stored login\n');
    const plain = await runCli(['login', 'plain', '--config', config], { env });
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe('switchboard: login: server "plain" does not use OAuth; add "auth: oauth" to servers.plain (servers with auth: oauth: remote)\n');
    const none = await runCli(['login', '--config', config], { env });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('login: expected one server name');
  });
});

function readFileSyncDir(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.json'));
}
