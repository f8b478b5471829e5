/**
 * Starts the fixture server as a child process (http or sse), or describes how to launch it as a stdio
 * backend. Readiness is the `listening on <url>` line the child writes to stderr; no sleeps.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const FIXTURE_MAIN = fileURLToPath(new URL('../fixtures/fixture-main.ts', import.meta.url));
const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Absolute, so a config that starts the fixture from another working directory still finds tsx. */
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
const READY_TIMEOUT_MS = 20_000;
const KILL_GRACE_MS = 3_000;

export interface SpawnFixtureOptions {
  name: string;
  transport: 'http' | 'sse';
  tools?: string[];
}

export interface SpawnedFixture {
  /** http: `http://127.0.0.1:PORT/mcp`; sse: `http://127.0.0.1:PORT/sse`. */
  url: string;
  pid: number;
  close(): Promise<void>;
}

function fixtureArgs(name: string, transport: string, extra: string[]): string[] {
  return ['--import', TSX_LOADER, FIXTURE_MAIN, '--name', name, '--transport', transport, ...extra];
}

export function fixtureStdioCommand(name: string, extraArgs: string[] = []): { command: string; args: string[] } {
  return { command: process.execPath, args: fixtureArgs(name, 'stdio', extraArgs) };
}

export async function spawnFixture(opts: SpawnFixtureOptions): Promise<SpawnedFixture> {
  const extra = ['--port', '0', ...(opts.tools ? ['--tools', opts.tools.join(',')] : [])];
  const child = spawn(process.execPath, fixtureArgs(opts.name, opts.transport, extra), {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = once(child, 'exit');

  const url = await new Promise<string>((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => fail(`no "listening on" line within ${READY_TIMEOUT_MS} ms`), READY_TIMEOUT_MS);
    const onData = (chunk: Buffer): void => {
      stderr += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(stderr);
      if (match?.[1]) {
        cleanup();
        resolve(match[1]);
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void =>
      fail(`exited early (code ${code}, signal ${signal})`);
    function cleanup(): void {
      clearTimeout(timer);
      child.stderr.off('data', onData);
      child.off('exit', onExit);
      child.stderr.resume(); // keep draining so a chatty child never blocks on a full pipe
    }
    function fail(why: string): void {
      cleanup();
      child.kill('SIGKILL');
      reject(new Error(`fixture ${opts.name} (${opts.transport}) ${why}; stderr:\n${stderr}`));
    }
    child.stderr.on('data', onData);
    child.on('exit', onExit);
  });

  let closing: Promise<void> | undefined;
  return {
    url,
    pid: child.pid ?? -1,
    close: () => {
      closing ??= (async () => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        child.kill('SIGTERM');
        const killer = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
        await exited;
        clearTimeout(killer);
      })();
      return closing;
    },
  };
}
