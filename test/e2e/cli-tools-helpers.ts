/**
 * Running the built CLI's config tools (import, install, schema) from a chosen directory with a
 * chosen environment: install resolves client files from HOME, XDG_CONFIG_HOME and the cwd, so
 * every test gets its own temporary ones and never sees the real user's files.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI_MAIN } from '../helpers/cli.js';

export interface Sandbox {
  root: string;
  home: string;
  xdg: string;
  project: string;
  env: NodeJS.ProcessEnv;
  remove(): void;
}

/** A temp HOME, XDG_CONFIG_HOME and project directory; the environment has no SWITCHBOARD_CONFIG. */
export function sandbox(): Sandbox {
  const root = mkdtempSync(join(tmpdir(), 'sb-cli-tools-'));
  const home = join(root, 'home');
  const xdg = join(root, 'xdg');
  const project = join(root, 'project');
  for (const d of [home, xdg, project]) mkdirSync(d, { recursive: true });
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: home, XDG_CONFIG_HOME: xdg };
  return { root, home, xdg, project, env, remove: () => rmSync(root, { recursive: true, force: true }) };
}

export function runTool(args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_MAIN, ...args], { cwd: opts.cwd, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
