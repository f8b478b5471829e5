/**
 * The README's 60-second tour, run line by line: what a newcomer pastes must work. Each command of
 * the block is run from the project folder as written (the `switchboard` alias is the built CLI),
 * with a throwaway HOME so `install` never touches a real client config, and with port 0 for the
 * two long-running servers so the test never collides with anything on 8765 or 8000.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_MAIN, PROJECT_ROOT, assertBuilt, spawnCli } from '../helpers/cli.js';
import { sandbox } from './cli-tools-helpers.js';

interface TourLine {
  args: string[];
  text: string;
}

/** The commands of the tour's sh block, split as a shell would (single/double quotes), comments dropped. */
function tourCommands(): TourLine[] {
  const readme = readFileSync(join(PROJECT_ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## 60-second tour'), readme.indexOf('\n## ', readme.indexOf('## 60-second tour') + 5));
  const block = section.slice(section.indexOf('```sh') + 5, section.indexOf('```', section.indexOf('```sh') + 5));
  return block
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.startsWith('switchboard '))
    .map((line) => {
      const words = shellWords(line.replace(/\s+#.*$/, ''));
      return { args: words.slice(1), text: line };
    });
}

function shellWords(line: string): string[] {
  const words: string[] = [];
  const re = /'([^']*)'|"([^"]*)"|(\S+)/g;
  for (let m = re.exec(line); m; m = re.exec(line)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const box = sandbox();
const env: NodeJS.ProcessEnv = { ...box.env, MEMORY_FILE_PATH: join(box.root, 'memory.jsonl'), SWITCHBOARD_STATE_DIR: join(box.root, 'state') };
const commands = tourCommands();
const byVerb = (verb: string) => commands.filter((c) => c.args[0] === verb);

afterAll(() => box.remove());

describe('the README tour', () => {
  it('has the commands the tour promises, each once or more', () => {
    assertBuilt();
    const verbs = new Set(commands.map((c) => c.args[0]));
    for (const verb of ['check', 'tools', 'call', 'install', 'import', 'serve', 'bridge']) expect(verbs, `README tour lacks "switchboard ${verb}"`).toContain(verb);
  });

  it('check: every backend of the bundled router.yaml is up (exit 0)', async () => {
    for (const c of byVerb('check')) {
      const r = await run(c.args, env);
      expect(r.code, `${c.text}\n${r.stderr}`).toBe(0);
      for (const name of ['everything', 'memory', 'filesystem']) expect(r.stdout).toContain(name);
    }
  });

  it('tools: the merged catalog, and the workspace cut', async () => {
    for (const c of byVerb('tools')) {
      const r = await run(c.args, env);
      expect(r.code, `${c.text}\n${r.stderr}`).toBe(0);
      if (c.args.includes('--workspace')) {
        expect(r.stdout).toContain('memory__read_graph');
        expect(r.stdout).not.toContain('everything__echo');
        expect(r.stdout).not.toContain('filesystem__write_file');
      } else {
        for (const name of ['everything__echo', 'memory__read_graph', 'filesystem__read_text_file']) expect(r.stdout).toContain(name);
      }
    }
  });

  it('call: one call through the router, text or JSON', async () => {
    for (const c of byVerb('call')) {
      const r = await run(c.args, env);
      expect(r.code, `${c.text}\n${r.stderr}`).toBe(0);
      if (c.args.includes('everything__echo')) expect(r.stdout).toContain('Echo: hi');
      if (c.args.includes('--json')) expect(() => JSON.parse(r.stdout)).not.toThrow();
    }
  });

  it('install --dry-run: prints the entry and writes nothing', async () => {
    for (const c of byVerb('install')) {
      const r = await run(c.args, env);
      expect(r.code, `${c.text}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toContain('"serve"');
      expect(r.stdout).toContain(join(PROJECT_ROOT, 'router.yaml'));
    }
  });

  it('import: the example client config as router.yaml, its tokens turned into ${VAR}s', async () => {
    for (const c of byVerb('import')) {
      const r = await run(c.args, env);
      expect(r.code, `${c.text}\n${r.stderr}`).toBe(0);
      expect(r.stdout).toMatch(/servers:/);
      expect(r.stdout).toContain('${GITHUB_PERSONAL_ACCESS_TOKEN}');
      expect(r.stdout).not.toContain('ghp_0123456789');
      expect(r.stdout).not.toContain('lin_api_0123456789');
    }
  });

  it('serve --http: MCP, the status page and /metrics answer', async () => {
    for (const c of byVerb('serve')) {
      const proc = spawnCli(withPortZero(c.args), { env });
      try {
        const [, url] = (await proc.waitForStderr(/listening on (http:\/\/\S+\/mcp)/, 30_000)) as RegExpMatchArray;
        const base = url!.replace(/\/mcp$/, '');
        const page = await fetch(`${base}/`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<html');
        const metrics = await fetch(`${base}/metrics`);
        expect(metrics.status).toBe(200);
        expect(await metrics.text()).toContain('switchboard_');
      } finally {
        await proc.kill();
      }
    }
  });

  it('bridge: the stdio server is served over SSE', async () => {
    for (const c of byVerb('bridge')) {
      const proc = spawnCli(withPortZero(c.args), { env });
      try {
        const [, port] = (await proc.waitForStderr(/listening on http:\/\/[^:]+:(\d+)/, 30_000)) as RegExpMatchArray;
        const sse = await fetch(`http://127.0.0.1:${port}/sse`, { headers: { accept: 'text/event-stream' } });
        expect(sse.status).toBe(200);
        await sse.body?.cancel();
      } finally {
        await proc.kill();
      }
    }
  });
});

function withPortZero(args: string[]): string[] {
  const at = args.indexOf('--port');
  return at >= 0 ? [...args.slice(0, at + 1), '0', ...args.slice(at + 2)] : [...args, '--port', '0'];
}
