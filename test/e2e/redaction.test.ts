/**
 * Secrets never reach logs or clients: the built CLI at --log-level debug, with a config whose env
 * values, header values, URL credentials and listen.authToken are distinctive strings; a backend that
 * prints its secret to stderr (logged at debug) and echoes it in a JSON-RPC error; a backend that dies
 * at start after printing its secret (the stderr tail lands in its start failure, the summary and the
 * SB_BACKEND_UNAVAILABLE a client gets); a remote whose URL carries credentials and cannot be reached.
 * And a secret that only a config reload brings: hidden from the moment the new config is read.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { assertBuilt, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

const SECRETS = {
  env: 'sb-secret-env-6f1c2a',
  brokenEnv: 'sb-secret-brk-0d4e11',
  header: 'sb-secret-header-93ab',
  apiKey: 'sb-secret-apikey-2c5b',
  urlUser: 'sbuser-77f3',
  urlPassword: 'sb-secret-pass-77d0',
  authToken: 'sb-secret-auth-5e8f',
};

const PROTOCOL_VERSION = '2025-06-18';

describe('secrets are redacted in logs and client errors', () => {
  const tmp = tempDir('sb-redact-');
  let cli: CliProcess;
  let url = '';
  let sessionId = '';
  let ids = 1;

  async function post(body: object, headers: Record<string, string> = {}): Promise<{ status: number; json: { result?: unknown; error?: { code: number; message: string; data?: unknown } } }> {
    const res = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        authorization: `Bearer ${SECRETS.authToken}`,
        ...(sessionId && { 'mcp-session-id': sessionId, 'mcp-protocol-version': PROTOCOL_VERSION }),
        ...headers,
      },
      body: JSON.stringify(body),
    });
    sessionId ||= res.headers.get('mcp-session-id') ?? '';
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : {} };
  }

  const call = (method: string, params: object) => post({ jsonrpc: '2.0', id: ids++, method, params });

  beforeAll(async () => {
    assertBuilt();
    const leaky = fixtureStdioCommand('leaky', ['--tools', 'echo,fail', '--stderr-env', 'LEAKY_TOKEN']);
    const brokenScript = "console.error('BROKEN_KEY=' + process.env.BROKEN_KEY); process.exit(3)";
    const config = tmp.write(
      'router.yaml',
      [
        'servers:',
        '  leaky:',
        `    command: ${q(leaky.command)}`,
        `    args: [${leaky.args.map(q).join(', ')}]`,
        `    env: { LEAKY_TOKEN: ${q(SECRETS.env)} }`,
        '  broken:',
        `    command: ${q(process.execPath)}`,
        `    args: ["-e", ${q(brokenScript)}]`,
        `    env: { BROKEN_KEY: ${q(SECRETS.brokenEnv)} }`,
        '  remote:',
        `    url: ${q(`http://${SECRETS.urlUser}:${SECRETS.urlPassword}@127.0.0.1:9/mcp`)}`,
        '    type: http',
        `    headers: { Authorization: ${q(`Bearer ${SECRETS.header}`)}, X-Api-Key: ${q(SECRETS.apiKey)} }`,
        '    connectTimeout: 2000',
        'listen:',
        `  authToken: ${q(SECRETS.authToken)}`,
        '',
      ].join('\n'),
    );
    cli = spawnCli(['serve', '--http', '--port', '0', '--config', config, '--log-level', 'debug']);
    url = (await cli.waitForStderr(/mcp-switchboard listening on (http:\S+\/mcp)/, 25_000))[1]!;
    await cli.waitForStderr(/mcp-switchboard: 1\/3 backends up/, 25_000);
    const init = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'redaction', version: '1' } } });
    expect(init.status).toBe(200);
    await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
  }, 60_000);

  afterAll(async () => {
    await cli?.kill();
    tmp.remove();
  });

  it('a backend error quoting its env secret reaches the client with the secret replaced', async () => {
    const { json } = await call('tools/call', { name: 'leaky__fail', arguments: { code: -32099, message: `token ${SECRETS.env} was refused` } });
    expect(json.error).toEqual({ code: -32099, message: 'token *** was refused' });
  });

  it('a router-made error quoting a start failure (stderr tail) names the cause without the secret', async () => {
    const { json } = await call('resources/read', { uri: 'sb://broken/anything' });
    expect(json.error?.code).toBe(-32010);
    expect(json.error?.message).toContain('server "broken" is not connected');
    expect(json.error?.message).toContain('BROKEN_KEY=***');
    expect(JSON.stringify(json)).not.toContain(SECRETS.brokenEnv);
  });

  it('a router-made error quoting an unreachable URL hides its credentials', async () => {
    const { json } = await call('resources/read', { uri: 'sb://remote/anything' });
    expect(json.error?.code).toBe(-32010);
    // (fetch refuses a URL with credentials before connecting; either way the URL is quoted.)
    expect(json.error?.message).toContain('http://***@127.0.0.1:9/mcp (servers.remote.url)');
    for (const secret of [SECRETS.urlUser, SECRETS.urlPassword]) expect(JSON.stringify(json)).not.toContain(secret);
  });

  it('a wrong token is refused without echoing the configured one', async () => {
    const { status, json } = await post({ jsonrpc: '2.0', id: ids++, method: 'ping' }, { authorization: 'Bearer wrong-token' });
    expect(status).toBe(401);
    expect(JSON.stringify(json)).not.toContain(SECRETS.authToken);
  });

  it('no secret appears anywhere in stderr at --log-level debug, though the lines that carried them are there', async () => {
    const stderr = cli.stderr();
    // The lines that would have leaked were written, redacted: the debug stderr echo, the summary.
    expect(stderr).toContain('LEAKY_TOKEN=***');
    expect(stderr).toContain('BROKEN_KEY=***');
    expect(stderr).toMatch(/DOWN\s+remote\s+http\s+.*http:\/\/\*\*\*@127\.0\.0\.1:9\/mcp/);
    // Debug logs of the call that carried the secret in its arguments were written too.
    expect(stderr).toContain('leaky');
    for (const [what, secret] of Object.entries(SECRETS)) expect(stderr.includes(secret), `${what} (${secret}) leaked to stderr`).toBe(false);
  });
});

describe('secrets a config reload brings are redacted at once', () => {
  const tmp = tempDir('sb-redact-reload-');
  const reloaded = 'sb-secret-reload-4a7e90';
  let cli: CliProcess;
  let client: Client;
  let url = '';

  beforeAll(async () => {
    assertBuilt();
    const plain = fixtureStdioCommand('plain', ['--tools', 'echo']);
    const serverLines = (name: string, fx: { command: string; args: string[] }) => [`  ${name}:`, `    command: ${q(fx.command)}`, `    args: [${fx.args.map(q).join(', ')}]`];
    // No secret at start-up: the redactor must exist anyway, for the ones a reload adds.
    const path = tmp.write('router.yaml', ['servers:', ...serverLines('plain', plain), ''].join('\n'));
    cli = spawnCli(['serve', '--http', '--port', '0', '--watch', '--config', path, '--log-level', 'debug']);
    url = (await cli.waitForStderr(/mcp-switchboard listening on (http:\S+\/mcp)/, 25_000))[1]!;
    await cli.waitForStderr(/mcp-switchboard: 1\/1 backends up/, 25_000);
    client = new Client({ name: 'redaction-reload', version: '1' }, { capabilities: {} });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    const leaky = fixtureStdioCommand('leaky', ['--tools', 'echo,fail', '--stderr-env', 'LEAKY_TOKEN']);
    writeFileSync(path, ['servers:', ...serverLines('plain', plain), ...serverLines('leaky', leaky), `    env: { LEAKY_TOKEN: ${q(reloaded)} }`, ''].join('\n'));
    await cli.waitForStderr(/mcp-switchboard: reloaded .*\n/, 40_000);
    await cli.waitForStderr(/LEAKY_TOKEN=\*\*\*/, 25_000);
    await eventually(async () => (await client.listTools()).tools.some((t) => t.name === 'leaky__fail'), { what: 'the reloaded backend\'s tools', timeoutMs: 25_000 });
  }, 90_000);

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await cli?.kill();
    tmp.remove();
  });

  it('a new backend\'s error quoting its env secret reaches the client with the secret replaced', async () => {
    const error = await client.callTool({ name: 'leaky__fail', arguments: { code: -32099, message: `token ${reloaded} was refused` } }).catch((e: unknown) => e);
    expect((error as { code?: number }).code).toBe(-32099);
    expect((error as Error).message).toContain('token *** was refused');
    expect((error as Error).message).not.toContain(reloaded);
  });

  it('the status page lists that failed call with the secret replaced', async () => {
    const status = await (await fetch(new URL('/status.json', url))).text();
    expect(status).toContain('token *** was refused');
    expect(status.includes(reloaded)).toBe(false);
  });

  it('stderr carries the lines that held it (the debug echo of the new backend), never the value', () => {
    const stderr = cli.stderr();
    expect(stderr).toContain('LEAKY_TOKEN=***');
    expect(stderr.includes(reloaded)).toBe(false);
  });
});
