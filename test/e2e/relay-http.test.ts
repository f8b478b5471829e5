/**
 * Full protocol relay over the real Streamable HTTP front (`switchboard serve --http`): two SDK clients,
 * two fixture backends (`a` shared, `s` with isolation: session). Streams matter here: progress and
 * server->client requests caused by a call must travel on that call's POST response stream, to the
 * client that made it, never on another client's stream or the standalone GET stream.
 *
 * A recording fetch tees every event-stream response so the test reads what each stream carried.
 * Needs `npm run build` (npm test does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { eventually } from '../helpers/eventually.js';
import { isAlive, processTree } from '../helpers/proc-tree.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { ALL_CLIENT_CAPABILITIES, ROOT, answerAs, recordNotes, textOf, type Note } from '../helpers/relay-harness.js';

const CLI_MAIN = join(ROOT, 'dist/cli/main.js');

interface Exchange {
  method: string;
  /** The JSON-RPC message(s) the request carried (POST only). */
  sent: JSONRPCMessage[];
  /** Messages the response carried: SSE events or a JSON body. */
  received: JSONRPCMessage[];
  done: Promise<void>;
}

function parseSse(text: string): JSONRPCMessage[] {
  const out: JSONRPCMessage[] = [];
  for (const event of text.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((l) => l.startsWith('data:'))
      .map((l) => l.slice(5).trimStart())
      .join('\n');
    if (data) out.push(JSON.parse(data) as JSONRPCMessage);
  }
  return out;
}

/** A fetch that records each exchange and what its response stream carried, without disturbing the client. */
function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as JSONRPCMessage | JSONRPCMessage[]) : undefined;
    const response = await fetch(input, init);
    const exchange: Exchange = { method, sent: body === undefined ? [] : Array.isArray(body) ? body : [body], received: [], done: Promise.resolve() };
    log.push(exchange);
    if (!response.body) return response;
    const [mine, theirs] = response.body.tee();
    const isSse = (response.headers.get('content-type') ?? '').includes('text/event-stream');
    exchange.done = (async () => {
      const reader = mine.pipeThrough(new TextDecoderStream()).getReader();
      let text = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          text += value;
          if (isSse) {
            const complete = text.lastIndexOf('\n\n');
            if (complete >= 0) {
              exchange.received.push(...parseSse(text.slice(0, complete)));
              text = text.slice(complete + 2);
            }
          }
        }
      } catch {
        // the stream was cut (client closed): keep what arrived
      }
      if (isSse) exchange.received.push(...parseSse(text));
      else if (text.trim()) {
        const parsed = JSON.parse(text) as JSONRPCMessage | JSONRPCMessage[];
        exchange.received.push(...(Array.isArray(parsed) ? parsed : [parsed]));
      }
    })();
    return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

interface HttpClient {
  label: string;
  client: Client;
  exchanges: Exchange[];
  notes: Note[];
  asked: Note[];
}

async function connectHttp(url: string, label: string): Promise<HttpClient> {
  const exchanges: Exchange[] = [];
  const notes: Note[] = [];
  const asked: Note[] = [];
  const client = new Client({ name: `relay-http-${label}`, version: '1.0.0' }, { capabilities: ALL_CLIENT_CAPABILITIES });
  recordNotes(client, notes);
  answerAs(client, label, ALL_CLIENT_CAPABILITIES, asked);
  await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: recordingFetch(exchanges) }));
  return { label, client, exchanges, notes, asked };
}

/** The POST exchange that carried the tools/call of `tool` with these arguments. */
function callExchange(c: HttpClient, tool: string, match: (args: Record<string, unknown>) => boolean): { exchange: Exchange; id: string | number; token?: unknown } {
  for (const exchange of c.exchanges) {
    for (const m of exchange.sent) {
      if ('method' in m && m.method === 'tools/call' && 'id' in m) {
        const params = m.params as { name: string; arguments?: Record<string, unknown>; _meta?: { progressToken?: unknown } };
        if (params.name === tool && match(params.arguments ?? {})) return { exchange, id: m.id, token: params._meta?.progressToken };
      }
    }
  }
  throw new Error(`${c.label}: no tools/call of ${tool} found`);
}

const methodsOf = (messages: JSONRPCMessage[]) => messages.map((m) => ('method' in m ? m.method : 'id' in m ? 'response' : '?'));
const getStreams = (c: HttpClient) => c.exchanges.filter((e) => e.method === 'GET');
/** Every message any of this client's streams carried, except those of `except`. */
const elsewhere = (c: HttpClient, except: Exchange) => c.exchanges.filter((e) => e !== except).flatMap((e) => e.received);

describe('relay over the Streamable HTTP front: two clients, streams kept apart', () => {
  let tmp: string;
  let cli: ChildProcess;
  let cliExited: Promise<void>;
  let url: string;
  let c1: HttpClient;
  let c2: HttpClient;
  let stderr = '';

  beforeAll(async () => {
    if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run "npm run build" first`);
    tmp = mkdtempSync(join(tmpdir(), 'sb-relay-http-'));
    const server = (name: string, extra: string[] = []) => {
      const { command, args } = fixtureStdioCommand(name);
      return [`  ${name}:`, `    command: ${JSON.stringify(command)}`, `    args: ${JSON.stringify(args)}`, `    cwd: ${JSON.stringify(ROOT)}`, ...extra.map((l) => `    ${l}`)];
    };
    const yaml = ['servers:', ...server('a'), ...server('s', ['isolation: session'])].join('\n') + '\n';
    const configPath = join(tmp, 'router.yaml');
    writeFileSync(configPath, yaml);

    cli = spawn(process.execPath, [CLI_MAIN, 'serve', '--http', '--port', '0', '--config', configPath, '--log-level', 'warn'], {
      cwd: tmp,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cliExited = new Promise((resolve) => cli.once('exit', () => resolve()));
    cli.stderr!.setEncoding('utf8');
    cli.stderr!.on('data', (chunk: string) => (stderr += chunk));
    url = await eventually(() => /mcp-switchboard listening on (http:\/\/\S+)/.exec(stderr)?.[1] ?? (cli.exitCode !== null ? Promise.reject(new Error(`serve exited:\n${stderr}`)) : undefined), {
      what: 'the listening line',
      timeoutMs: 20_000,
    });
    c1 = await connectHttp(url, 'c1');
    c2 = await connectHttp(url, 'c2');
    // Both backends are up once the catalog lists their tools.
    await eventually(async () => {
      const names = (await c1.client.listTools()).tools.map((t) => t.name);
      return names.includes('a__sleep') && names.includes('s__ask_sampling');
    }, { what: 'both backends listed', timeoutMs: 20_000 });
  });

  afterAll(async () => {
    await Promise.all([c1, c2].map((c) => c?.client.close().catch(() => undefined)));
    if (cli) {
      const tree = cli.pid ? processTree(cli.pid) : [];
      if (cli.exitCode === null) cli.kill('SIGTERM');
      const killer = setTimeout(() => cli.kill('SIGKILL'), 5000);
      await cliExited;
      clearTimeout(killer);
      // No backend outlives the router.
      await eventually(() => tree.every((pid) => !isAlive(pid)), { what: 'the backends to exit', timeoutMs: 10_000 });
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('each client\'s progress travels on its own call\'s stream, under its own token, in order', async () => {
    const seen1: number[] = [];
    const seen2: number[] = [];
    const [r1, r2] = await Promise.all([
      c1.client.callTool({ name: 'a__sleep', arguments: { ms: 400, steps: 4 } }, { onprogress: (p) => seen1.push(p.progress) }),
      c2.client.callTool({ name: 'a__sleep', arguments: { ms: 300, steps: 3 } }, { onprogress: (p) => seen2.push(p.progress) }),
    ]);
    expect(textOf(r1)).toBe('slept 400ms');
    expect(textOf(r2)).toBe('slept 300ms');
    expect(seen1).toEqual([1, 2, 3, 4]);
    expect(seen2).toEqual([1, 2, 3]);

    for (const [c, steps, ms] of [[c1, 4, 400], [c2, 3, 300]] as const) {
      const { exchange, id, token } = callExchange(c, 'a__sleep', (args) => args.ms === ms);
      await exchange.done;
      expect(token).toBeDefined();
      expect(methodsOf(exchange.received)).toEqual([...Array<string>(steps).fill('notifications/progress'), 'response']);
      expect(exchange.received.slice(0, steps).map((m) => (m as { params: unknown }).params)).toEqual(
        Array.from({ length: steps }, (_, i) => ({ progressToken: token, progress: i + 1, total: steps, message: `step ${i + 1}/${steps}` })),
      );
      expect((exchange.received.at(-1) as { id: unknown }).id).toBe(id);
      // No progress on any other stream of this client.
      expect(methodsOf(elsewhere(c, exchange))).not.toContain('notifications/progress');
    }
  });

  it('a backend\'s sampling request travels on the causing call\'s stream to that client', async () => {
    const result = await c1.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'over http' } });
    expect(result.isError).toBeFalsy();
    expect(textOf(result)).toBe('c1 sampled: over http');
    const { exchange } = callExchange(c1, 'a__ask_sampling', (args) => args.prompt === 'over http');
    await exchange.done;
    expect(methodsOf(exchange.received)).toEqual(['sampling/createMessage', 'response']);
    expect(methodsOf(getStreams(c1).flatMap((e) => e.received))).not.toContain('sampling/createMessage');
    expect(c2.asked.filter((n) => n.method === 'sampling/createMessage')).toEqual([]);
    for (const e of c2.exchanges) expect(methodsOf(e.received)).not.toContain('sampling/createMessage');
  });

  it('elicitation and roots round-trip on the causing call\'s stream', async () => {
    const elicited = await c2.client.callTool({ name: 'a__ask_elicitation', arguments: { message: 'over http?' } });
    expect(JSON.parse(textOf(elicited))).toEqual({ action: 'accept', content: { answer: 'c2 answers' } });
    const e = callExchange(c2, 'a__ask_elicitation', (args) => args.message === 'over http?').exchange;
    await e.done;
    expect(methodsOf(e.received)).toEqual(['elicitation/create', 'response']);

    const roots = await c2.client.callTool({ name: 'a__ask_roots', arguments: {} });
    expect(JSON.parse(textOf(roots))).toEqual([{ uri: 'file:///work/c2', name: 'c2-root' }]);
    const r = callExchange(c2, 'a__ask_roots', () => true).exchange;
    await r.done;
    expect(methodsOf(r.received)).toEqual(['roots/list', 'response']);
  });

  it('shared backend, both clients in flight: refused with a pointer to isolation: session', async () => {
    const controller = new AbortController();
    const long = c2.client.callTool({ name: 'a__sleep', arguments: { ms: 20_000, steps: 20 } }, { signal: controller.signal, onprogress: () => undefined }).catch((err: unknown) => err);
    // c2's call is at the backend once its first progress arrived.
    const { exchange } = await eventually(() => {
      try {
        const found = callExchange(c2, 'a__sleep', (args) => args.ms === 20_000);
        return found.exchange.received.length > 0 ? found : undefined;
      } catch {
        return undefined;
      }
    }, { what: 'c2 sleeping at a' });
    expect(methodsOf(exchange.received)[0]).toBe('notifications/progress');

    const refused = await c1.client.callTool({ name: 'a__ask_sampling', arguments: { prompt: 'whose?' } });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toContain('isolation: session');
    controller.abort();
    expect(await long).toBeDefined();
  });

  it('isolated backend: concurrent sampling from both clients, each answered by its own client on its own stream', async () => {
    const [r1, r2] = await Promise.all([
      c1.client.callTool({ name: 's__ask_sampling', arguments: { prompt: 'iso-1' } }),
      c2.client.callTool({ name: 's__ask_sampling', arguments: { prompt: 'iso-2' } }),
    ]);
    expect(textOf(r1)).toBe('c1 sampled: iso-1');
    expect(textOf(r2)).toBe('c2 sampled: iso-2');
    for (const [c, prompt] of [[c1, 'iso-1'], [c2, 'iso-2']] as const) {
      const { exchange } = callExchange(c, 's__ask_sampling', (args) => args.prompt === prompt);
      await exchange.done;
      expect(methodsOf(exchange.received)).toEqual(['sampling/createMessage', 'response']);
      const request = exchange.received[0] as unknown as { params: { messages: Array<{ content: { text: string } }> } };
      expect(request.params.messages[0]!.content.text).toBe(prompt);
    }
  });
});
