/**
 * Both protocol eras end to end: `switchboard serve --http` with a 2026-07-28 backend found by
 * `protocol: auto`, and a 2025 SDK client over Streamable HTTP. The backend's input_required rounds
 * reach the client as elicitation requests on its call's own POST stream, the call completes, and
 * the era found is remembered in the state directory. Needs `npm run build` (npm test does it).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { eventually } from '../helpers/eventually.js';
import { modernStdioServer } from '../helpers/modern-fixture.js';
import { ROOT, textOf } from '../helpers/relay-harness.js';

const CLI_MAIN = join(ROOT, 'dist/cli/main.js');

/** Per POST: the methods of the messages the request sent and its response stream carried. */
interface Post {
  sent: string[];
  received: string[];
}

function recordingFetch(posts: Post[]): typeof fetch {
  return async (input, init) => {
    const response = await fetch(input, init);
    if ((init?.method ?? 'GET') !== 'POST' || typeof init?.body !== 'string' || !response.body) return response;
    const sentBody = JSON.parse(init.body) as { method?: string };
    const post: Post = { sent: [sentBody.method ?? 'response'], received: [] };
    posts.push(post);
    const [mine, theirs] = response.body.tee();
    void (async () => {
      const text = await new Response(mine).text().catch(() => '');
      for (const line of text.split('\n')) {
        if (!line.startsWith('data:')) continue;
        const m = JSON.parse(line.slice(5)) as { method?: string };
        post.received.push(m.method ?? 'response');
      }
    })();
    return new Response(theirs, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

describe('serve --http: a 2025 client, a 2026-07-28 backend found by protocol: auto', () => {
  let tmp: string;
  let cli: ChildProcess;
  let url: string;
  let stderr = '';

  beforeAll(async () => {
    if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run "npm run build" first`);
    tmp = mkdtempSync(join(tmpdir(), 'sb-eras-e2e-'));
    const target = modernStdioServer('m').target as { command: string; args: string[] };
    const yaml = ['servers:', '  m:', `    command: ${JSON.stringify(target.command)}`, `    args: ${JSON.stringify(target.args)}`, `    cwd: ${JSON.stringify(ROOT)}`, '    protocol: auto'].join('\n') + '\n';
    writeFileSync(join(tmp, 'router.yaml'), yaml);
    cli = spawn(process.execPath, [CLI_MAIN, 'serve', '--http', '--port', '0', '--config', join(tmp, 'router.yaml'), '--log-level', 'warn'], {
      cwd: tmp,
      env: { ...process.env, SWITCHBOARD_STATE_DIR: '', XDG_STATE_HOME: join(tmp, 'state') },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    cli.stderr!.setEncoding('utf8');
    cli.stderr!.on('data', (chunk: string) => (stderr += chunk));
    url = await eventually(() => /mcp-switchboard listening on (http:\/\/\S+)/.exec(stderr)?.[1] ?? (cli.exitCode !== null ? Promise.reject(new Error(`serve exited:\n${stderr}`)) : undefined), {
      what: 'the listening line',
      timeoutMs: 20_000,
    });
  });

  afterAll(async () => {
    if (cli && cli.exitCode === null) {
      const exited = new Promise((resolve) => cli.once('exit', resolve));
      cli.kill('SIGTERM');
      await exited;
    }
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('asks the client on its call\'s stream, round by round, and remembers the era', async () => {
    const posts: Post[] = [];
    const asked: string[] = [];
    const answers: Array<Record<string, string | number | boolean>> = [{ name: 'Kim' }, { age: 40 }];
    const client = new Client({ name: 'legacy-e2e', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push(request.params.message);
      return { action: 'accept', content: answers.shift()! };
    });
    await client.connect(new StreamableHTTPClientTransport(new URL(url), { fetch: recordingFetch(posts) }));
    try {
      await eventually(async () => (await client.listTools()).tools.some((t) => t.name === 'm__profile'), { what: 'm__profile listed', timeoutMs: 20_000 });
      const result = await client.callTool({ name: 'm__profile', arguments: {} });
      expect(textOf(result)).toBe('Kim is 40');
      expect(asked).toEqual(['Your name?', 'How old is Kim?']);
      const call = posts.find((p) => p.sent[0] === 'tools/call')!;
      await eventually(() => call.received.includes('response'), { what: 'the call stream to end' });
      expect(call.received).toEqual(['elicitation/create', 'elicitation/create', 'response']);

      const files = readdirSync(join(tmp, 'state', 'mcp-switchboard')).filter((f) => f.startsWith('protocol-'));
      expect(files).toHaveLength(1);
      expect(JSON.parse(readFileSync(join(tmp, 'state', 'mcp-switchboard', files[0]!), 'utf8'))).toMatchObject({ era: '2026-07-28', server: 'm' });
    } finally {
      await client.close();
    }
  });
});
