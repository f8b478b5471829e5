/**
 * `switchboard serve --http`: the built CLI serving Streamable HTTP, driven by SDK clients and by
 * hand-made requests for the parts a client library hides (sessions, guards, limits, auth).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { assertBuilt, q, runCli, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';
import { JSON_HEADERS, httpOpen, httpRequest, jsonRpcMessages } from '../helpers/http-raw.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { allGone, commandLine, killLeftovers, processGroups, processTree } from '../helpers/proc-tree.js';

const PROTOCOL_VERSION = '2025-06-18';
const LISTENING = /mcp-switchboard listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/;
const MAX_BODY_BYTES = 4096;

const initializeBody = JSON.stringify({
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'by-hand', version: '1.0.0' } },
});

function sessionHeaders(id: string): Record<string, string> {
  return { ...JSON_HEADERS, 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION };
}

/** initialize + notifications/initialized by hand; returns the Mcp-Session-Id. */
async function openSession(url: string): Promise<string> {
  const init = await httpRequest(url, { method: 'POST', headers: JSON_HEADERS, body: initializeBody });
  expect(init.status).toBe(200);
  const id = init.headers['mcp-session-id'];
  expect(typeof id).toBe('string');
  expect(jsonRpcMessages(init)[0]).toMatchObject({ jsonrpc: '2.0', id: 1, result: { protocolVersion: PROTOCOL_VERSION } });
  const initialized = await httpRequest(url, {
    method: 'POST',
    headers: sessionHeaders(id as string),
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  expect(initialized.status).toBe(202);
  return id as string;
}

/** The JSON-RPC error of an HTTP refusal, which is always an application/json body. */
function refusal(res: { headers: Record<string, unknown>; body: string }): { code: number; message: string; data: { reason: string } } {
  expect(res.headers['content-type']).toBe('application/json');
  const body = JSON.parse(res.body) as { jsonrpc: string; id: unknown; error: { code: number; message: string; data: { reason: string } } };
  expect([body.jsonrpc, body.id]).toEqual(['2.0', null]);
  return body.error;
}

function toolsList(url: string, sessionId: string, id = 2) {
  return httpRequest(url, { method: 'POST', headers: sessionHeaders(sessionId), body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/list' }) });
}

async function connectClient(url: string, headers?: Record<string, string>): Promise<{ client: Client; transport: StreamableHTTPClientTransport }> {
  const transport = new StreamableHTTPClientTransport(new URL(url), headers ? { requestInit: { headers } } : undefined);
  const client = new Client({ name: 'cli-http-test', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  return { client, transport };
}

describe('serve --http', () => {
  const tmp = tempDir('sb-cli-http-');
  const clients: Client[] = [];
  let cli: CliProcess;
  let url: string;
  let origin: string;
  let tree: number[] = [];
  let groups: number[] = [];

  beforeAll(async () => {
    assertBuilt();
    const fx = fixtureStdioCommand('fx');
    const config = tmp.write(
      'router.yaml',
      `servers:\n  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\nlisten:\n  maxBodyBytes: ${MAX_BODY_BYTES}\n`,
    );
    cli = spawnCli(['serve', '--http', '--port', '0', '--config', config]);
    url = (await cli.waitForStderr(LISTENING))[1]!;
    origin = new URL(url).origin;
    await cli.waitForStderr(/mcp-switchboard: 1\/1 backends up/, 25_000);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    await cli?.kill();
    killLeftovers(tree, groups);
    tmp.remove();
  });

  it('an SDK client lists and calls over Streamable HTTP', async () => {
    const { client } = await connectClient(url);
    clients.push(client);
    const names = (await client.listTools()).tools.map((t) => t.name);
    expect(names).toEqual(FIXTURE_TOOL_NAMES.map((t) => `fx__${t}`).sort());
    const echo = await client.callTool({ name: 'fx__echo', arguments: { text: 'over http' } });
    expect(echo).toEqual({ content: [{ type: 'text', text: 'echo:over http' }], structuredContent: { server: 'fx', text: 'over http' }, _meta: { 'fixture/server': 'fx' } });
  });

  it('gives two clients two different Mcp-Session-Ids', async () => {
    const a = await connectClient(url);
    const b = await connectClient(url);
    clients.push(a.client, b.client);
    expect(a.transport.sessionId).toMatch(/\S/);
    expect(b.transport.sessionId).toMatch(/\S/);
    expect(a.transport.sessionId).not.toBe(b.transport.sessionId);
    expect((await b.client.callTool({ name: 'fx__add', arguments: { a: 1, b: 2 } })).content).toEqual([{ type: 'text', text: '3' }]);
  });

  it('answers an unknown Mcp-Session-Id with 404, on POST, GET and DELETE', async () => {
    const unknown = '3b5c8c3e-0000-4000-8000-000000000000';
    const res = await toolsList(url, unknown);
    expect(res.status).toBe(404);
    // Its own code: not -32001, which is a timeout.
    expect(refusal(res)).toMatchObject({ code: -32003, data: { reason: 'SB_UNKNOWN_SESSION' } });
    const get = await httpRequest(url, { headers: { accept: 'text/event-stream', 'mcp-session-id': unknown, 'mcp-protocol-version': PROTOCOL_VERSION } });
    expect([get.status, refusal(get).code]).toEqual([404, -32003]);
    const del = await httpRequest(url, { method: 'DELETE', headers: sessionHeaders(unknown) });
    expect([del.status, refusal(del).code]).toEqual([404, -32003]);
  });

  it('answers a request without Mcp-Session-Id that is not initialize with 400 naming what to send', async () => {
    const res = await httpRequest(url, { method: 'POST', headers: JSON_HEADERS, body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }) });
    expect(res.status).toBe(400);
    const error = refusal(res);
    expect(error).toMatchObject({ code: -32004, data: { reason: 'SB_SESSION_REQUIRED' } });
    expect(error.message).toContain('send an initialize request without Mcp-Session-Id first');
  });

  it('serves a hand-made session, then DELETE ends it and its id gets 404', async () => {
    const id = await openSession(url);
    const listed = await toolsList(url, id);
    expect(listed.status).toBe(200);
    const [message] = jsonRpcMessages(listed);
    expect((message?.result as { tools: Array<{ name: string }> }).tools.map((t) => t.name)).toContain('fx__echo');

    const deleted = await httpRequest(url, { method: 'DELETE', headers: sessionHeaders(id) });
    expect(deleted.status).toBe(200);
    expect((await toolsList(url, id, 3)).status).toBe(404);
  });

  it('a GET with a valid session id opens an SSE stream', async () => {
    const id = await openSession(url);
    const stream = await httpOpen(url, { headers: { accept: 'text/event-stream', 'mcp-session-id': id, 'mcp-protocol-version': PROTOCOL_VERSION } });
    try {
      expect(stream.status).toBe(200);
      expect(String(stream.headers['content-type'])).toMatch(/^text\/event-stream/);
    } finally {
      stream.close();
    }
    await httpRequest(url, { method: 'DELETE', headers: sessionHeaders(id) });
  });

  it('refuses a foreign Host header with 403 (DNS rebinding)', async () => {
    const res = await httpRequest(url, { method: 'POST', headers: { ...JSON_HEADERS, host: 'evil.example' }, body: initializeBody });
    expect(res.status).toBe(403);
    expect(refusal(res)).toMatchObject({ code: -32032, data: { reason: 'SB_FORBIDDEN_HOST' } });
    expect(res.headers['mcp-session-id']).toBeUndefined();
  });

  it('refuses a foreign Origin with 403, and accepts its own', async () => {
    const evil = await httpRequest(url, { method: 'POST', headers: { ...JSON_HEADERS, origin: 'http://evil.example' }, body: initializeBody });
    expect(evil.status).toBe(403);
    expect(refusal(evil)).toMatchObject({ code: -32031, data: { reason: 'SB_FORBIDDEN_ORIGIN' } });
    expect(evil.headers['mcp-session-id']).toBeUndefined();
    const own = await httpRequest(url, { method: 'POST', headers: { ...JSON_HEADERS, origin }, body: initializeBody });
    expect(own.status).toBe(200);
    await httpRequest(url, { method: 'DELETE', headers: sessionHeaders(own.headers['mcp-session-id'] as string) });
  });

  it('answers /healthz with 200 "ok"', async () => {
    const res = await httpRequest(new URL('/healthz', url).href);
    expect(res.status).toBe(200);
    expect(res.body).toBe('ok');
  });

  it('refuses a body over listen.maxBodyBytes with 413', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: { pad: 'x'.repeat(MAX_BODY_BYTES * 2) } } });
    const res = await httpRequest(url, { method: 'POST', headers: JSON_HEADERS, body: big });
    expect(res.status).toBe(413);
    expect(refusal(res)).toMatchObject({ code: -32600, data: { reason: 'SB_BODY_TOO_LARGE', limit: MAX_BODY_BYTES } });
    // Without Content-Length the limit holds while streaming.
    const chunked = await httpRequest(url, { method: 'POST', headers: JSON_HEADERS, body: big, chunked: true });
    expect(chunked.status).toBe(413);
  });

  it('answers a body that is not JSON with 400 and -32700', async () => {
    const res = await httpRequest(url, { method: 'POST', headers: JSON_HEADERS, body: '{"jsonrpc": "2.0", "id": 1, "method": ' });
    expect(res.status).toBe(400);
    expect(refusal(res)).toMatchObject({ code: -32700, data: { reason: 'SB_PARSE_ERROR' } });
  });

  // Last: it stops the shared server.
  it('SIGTERM stops the server and its backends, exit code 0', async () => {
    tree = processTree(cli.pid);
    groups = processGroups(tree);
    expect(tree.map(commandLine).filter((c) => c.includes('fixture-main.ts') && c.includes('--name fx'))).toHaveLength(1);
    process.kill(cli.pid, 'SIGTERM');
    const exit = await cli.exited;
    await allGone(tree, groups);
    expect(exit).toEqual({ code: 0, signal: null });
    await expect(httpRequest(new URL('/healthz', url).href)).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('serve --http with --auth-token', () => {
  const tmp = tempDir('sb-cli-auth-');
  let cli: CliProcess;
  let url: string;
  let client: Client | undefined;

  beforeAll(async () => {
    assertBuilt();
    const config = tmp.write('router.yaml', 'servers: {}\n');
    cli = spawnCli(['serve', '--http', '--port', '0', '--auth-token', 's3cret', '--config', config]);
    url = (await cli.waitForStderr(LISTENING))[1]!;
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await cli?.kill();
    tmp.remove();
  });

  it('refuses a request without the token, or with a wrong one, with 401', async () => {
    const none = await httpRequest(url, { method: 'POST', headers: JSON_HEADERS, body: initializeBody });
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    // Its own code: not -32001 (a timeout) nor -32003 (an unknown session).
    expect(refusal(none)).toMatchObject({ code: -32030, data: { reason: 'SB_UNAUTHORIZED' } });
    const wrong = await httpRequest(url, { method: 'POST', headers: { ...JSON_HEADERS, authorization: 'Bearer s3cre7' }, body: initializeBody });
    expect([wrong.status, refusal(wrong).code]).toEqual([401, -32030]);
  });

  it('serves a client that presents the token', async () => {
    ({ client } = await connectClient(url, { Authorization: 'Bearer s3cret' }));
    expect((await client.listTools()).tools).toEqual([]);
  });
});

describe('serve --http on a public address', () => {
  const tmp = tempDir('sb-cli-bind-');
  afterAll(() => tmp.remove());

  it('refuses --host 0.0.0.0 without a token: exit 2 and a message naming --auth-token', async () => {
    assertBuilt();
    const config = tmp.write('router.yaml', 'servers: {}\n');
    const { code, stdout, stderr } = await runCli(['serve', '--http', '--host', '0.0.0.0', '--port', '0', '--config', config]);
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain('refusing to serve on 0.0.0.0 without authentication');
    expect(stderr).toContain('--auth-token');
  });
});
