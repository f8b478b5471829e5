/**
 * A real nginx (Debian's /usr/sbin/nginx, or $NGINX_BIN) in front of loopback upstreams, configured
 * with the same deploy/nginx/*.conf files the compose setup includes, so tests exercise the proxy
 * settings users deploy. Each instance gets its own prefix directory (temp files, pid, config) and
 * writes its error log to stderr, which is kept for failure messages.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NGINX_BIN = process.env.NGINX_BIN ?? '/usr/sbin/nginx';
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
export const NGINX_SHARED_DIR = join(REPO_ROOT, 'deploy', 'nginx');

export interface NginxConfigOptions {
  /** The prefix directory: temp paths live here. */
  dir: string;
  listenPort: number;
  upstreamPorts: readonly number[];
  /** Seconds a failed upstream is skipped (default 5, as in deploy/compose/nginx.conf). */
  failTimeoutS?: number;
}

const quote = (path: string): string => JSON.stringify(path);

/**
 * nginx.conf for loopback upstreams. Only what the host provides differs from
 * deploy/compose/nginx.conf: ports, and temp paths inside `dir` so no root-owned default is needed.
 */
export function renderNginxConfig(opts: NginxConfigOptions): string {
  const failTimeout = opts.failTimeoutS ?? 5;
  const temp = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((kind) => `    ${kind}_temp_path ${quote(join(opts.dir, kind))};`);
  const servers = opts.upstreamPorts.map((port) => `        server 127.0.0.1:${port} max_fails=1 fail_timeout=${failTimeout}s;`);
  return [
    'worker_processes 1;',
    'events {',
    '    worker_connections 512;',
    '}',
    'http {',
    '    access_log off;',
    ...temp,
    `    include ${quote(join(NGINX_SHARED_DIR, 'mcp-maps.conf'))};`,
    '    upstream switchboard {',
    ...servers,
    '        keepalive 32;',
    '    }',
    '    server {',
    `        listen 127.0.0.1:${opts.listenPort};`,
    `        include ${quote(join(NGINX_SHARED_DIR, 'mcp-locations.conf'))};`,
    '    }',
    '}',
    '',
  ].join('\n');
}

/** The -g directives every run needs: pid and error log inside the instance's own space. */
function globals(dir: string, extra = ''): string {
  return `pid ${quote(join(dir, 'nginx.pid'))}; error_log stderr;${extra}`;
}

/** `nginx -t` on a config file; ok is nginx's own verdict, output its stderr. */
export function testNginxConfig(confPath: string, dir: string): { ok: boolean; output: string } {
  const run = spawnSync(NGINX_BIN, ['-t', '-p', dir, '-c', confPath, '-g', globals(dir)], { encoding: 'utf8' });
  if (run.error) throw new Error(`cannot run ${NGINX_BIN}: ${run.error.message} (install Debian's nginx, or set NGINX_BIN)`);
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
}

/** A fresh prefix directory nginx's worker (nobody, when the tests run as root) can traverse. */
export async function nginxDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'sb-nginx-'));
  await chmod(dir, 0o755);
  return dir;
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}

function accepts(port: number): Promise<boolean> {
  return new Promise((ok) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      ok(true);
    });
    socket.once('error', () => ok(false));
  });
}

export interface RunningNginx {
  port: number;
  /** http://127.0.0.1:PORT */
  url: string;
  dir: string;
  /** What nginx wrote to stderr so far. */
  log(): string;
  close(): Promise<void>;
}

/**
 * Start nginx in the foreground in front of `upstreamPorts` and wait until it accepts connections.
 * The free port is picked just before nginx binds it; a lost race is retried on another port.
 */
export async function startNginx(opts: { upstreamPorts: readonly number[]; failTimeoutS?: number }): Promise<RunningNginx> {
  const dir = await nginxDir();
  let lastLog = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort();
    const confPath = join(dir, 'nginx.conf');
    await writeFile(confPath, renderNginxConfig({ dir, listenPort: port, upstreamPorts: opts.upstreamPorts, ...(opts.failTimeoutS !== undefined && { failTimeoutS: opts.failTimeoutS }) }));
    const child = spawn(NGINX_BIN, ['-p', dir, '-c', confPath, '-g', globals(dir, ' daemon off;')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (log += chunk));
    const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
    const started = await waitUntilAccepting(port, child, exited);
    if (started) return running(port, dir, child, exited, () => log);
    lastLog = log;
    if (!/Address already in use/.test(log)) break;
  }
  await rm(dir, { recursive: true, force: true });
  throw new Error(`nginx did not start: ${lastLog.trim() || '(no output)'}`);
}

async function waitUntilAccepting(port: number, child: ChildProcess, exited: Promise<void>): Promise<boolean> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline && !gone) {
    if (await accepts(port)) return true;
    await new Promise((ok) => setTimeout(ok, 25));
  }
  if (!gone) child.kill('SIGKILL');
  await exited;
  return false;
}

function running(port: number, dir: string, child: ChildProcess, exited: Promise<void>, log: () => string): RunningNginx {
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    dir,
    log,
    async close() {
      // SIGTERM is nginx's fast shutdown: the master stops its workers and exits.
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
