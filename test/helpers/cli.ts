/**
 * Running the built CLI (dist/cli/main.js) in end-to-end tests: temp configs, a spawned process
 * whose stderr is collected and can be waited on (readiness lines, never sleeps), and one-shot runs
 * that report the exit code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI_MAIN = join(PROJECT_ROOT, 'dist/cli/main.js');
export const EVERYTHING_MAIN = join(PROJECT_ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

export function assertBuilt(): void {
  if (!existsSync(CLI_MAIN)) throw new Error(`${CLI_MAIN} is missing: run "npm run build" before the e2e tests`);
}

/** A temp directory with helpers to write files into it; remove() deletes it. */
export function tempDir(prefix: string): { dir: string; write(name: string, text: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return {
    dir,
    write(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
    remove() {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A YAML double-quoted scalar (JSON strings are valid YAML). */
export const q = (value: string): string => JSON.stringify(value);

export interface CliProcess {
  child: ChildProcess;
  pid: number;
  /** Everything the CLI wrote to stderr so far. */
  stderr(): string;
  /** Resolves with the first match of `pattern` in stderr; rejects if the process exits first or after timeoutMs. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGKILL if still running, then wait for exit. */
  kill(): Promise<void>;
}

export function spawnCli(args: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: 'pipe' | 'ignore' } = {}): CliProcess {
  const child = spawn(process.execPath, [CLI_MAIN, ...args], {
    cwd: PROJECT_ROOT,
    env: opts.env ?? process.env,
    stdio: [opts.stdin ?? 'pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  const listeners = new Set<() => void>();
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (chunk: string) => {
    stderr += chunk;
    for (const l of listeners) l();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
      for (const l of listeners) l();
    });
  });
  let exitedFlag = false;
  void exited.then(() => (exitedFlag = true));
  return {
    child,
    pid: child.pid ?? -1,
    stderr: () => stderr,
    exited,
    waitForStderr(pattern, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = stderr.match(pattern);
          if (m) {
            done();
            resolve(m);
          } else if (exitedFlag || child.exitCode !== null || child.signalCode !== null) {
            done();
            reject(new Error(`CLI exited before writing ${pattern}; stderr:\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`CLI did not write ${pattern} within ${timeoutMs} ms; stderr:\n${stderr}`));
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Run the CLI to completion (it must exit by itself) and collect its output. */
export async function runCli(args: string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = spawnCli(args, { env: opts.env, stdin: 'ignore' });
  // 'close' (not 'exit'): the output streams are fully read by then.
  const closed = new Promise<number | null>((resolve) => cli.child.once('close', (code) => resolve(code)));
  let stdout = '';
  cli.child.stdout!.setEncoding('utf8');
  cli.child.stdout!.on('data', (chunk: string) => (stdout += chunk));
  const timer = setTimeout(() => cli.child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
  const code = await closed;
  clearTimeout(timer);
  return { code, stdout, stderr: cli.stderr() };
}
