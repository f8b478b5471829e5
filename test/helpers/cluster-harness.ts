/**
 * A cluster on loopback for end-to-end tests and bench:cluster: a real redis-server, N replicas
 * (`node dist/cli/main.js serve --http`, each with `cluster:` replicaId r1..rN and its advertise URL)
 * and nginx in front doing plain round-robin (no stickiness, no hashing), exactly what issue 15
 * says must work. Each piece has its own temp dir and port; close() stops everything it started.
 *
 * The nginx config is this test's own minimal one (deploy/nginx/ holds the production one): SSE
 * needs proxy_buffering off, HTTP/1.1 upstream keep-alive and a long read timeout. Its access log
 * records each request's session and the replica it reached, so a test can prove no stickiness.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RedisServer, freePort, redisInstalled } from './redis-server.js';
import { q, spawnCli, tempDir, type CliProcess } from './cli.js';

export const NGINX = '/usr/sbin/nginx';
export const CLUSTER_SECRET = 'cluster-e2e-secret-0123456789abcdefghijklmnop';

export function nginxInstalled(): boolean {
  return existsSync(NGINX) && spawnSync(NGINX, ['-v']).status === 0;
}

export function clusterToolsInstalled(): boolean {
  return redisInstalled() && nginxInstalled();
}

export interface Replica {
  id: string;
  port: number;
  url: string;
  cli: CliProcess;
}

export interface ClusterOptions {
  replicas: number;
  /** The `servers:` section (YAML, indented as under the top level). */
  servers: string;
  /** false: replicas without `cluster:` (only meaningful with one replica: the no-Redis baseline). */
  cluster?: boolean;
  /** Extra YAML under `cluster:` (events bounds...). */
  clusterExtra?: string;
  /** Log level of the replicas (default warn). */
  logLevel?: string;
}

export class ClusterHarness {
  readonly replicas: Replica[] = [];
  redis?: RedisServer;
  #nginx?: ChildProcess;
  #nginxPort = 0;
  readonly #tmp = tempDir('sb-cluster-');

  private constructor(private readonly options: ClusterOptions) {}

  static async start(options: ClusterOptions): Promise<ClusterHarness> {
    const harness = new ClusterHarness(options);
    try {
      if (options.cluster ?? true) harness.redis = await RedisServer.start();
      const ports = await Promise.all(Array.from({ length: options.replicas }, () => freePort()));
      await Promise.all(ports.map((port, i) => harness.#startReplica(`r${i + 1}`, port)));
      await harness.#startNginx();
    } catch (err) {
      await harness.close();
      throw err;
    }
    return harness;
  }

  /** nginx's master process (for CPU accounting in bench:cluster). */
  get nginxPid(): number | undefined {
    return this.#nginx?.pid;
  }

  /** The balancer's MCP endpoint. */
  get url(): string {
    return `http://127.0.0.1:${this.#nginxPort}/mcp`;
  }

  replica(id: string): Replica {
    const found = this.replicas.find((r) => r.id === id);
    if (!found) throw new Error(`no replica ${id}`);
    return found;
  }

  /** The replica that owns a 2025 session (its id starts with the owner's id). */
  ownerOf(sessionId: string): string {
    return sessionId.slice(0, sessionId.indexOf(':'));
  }

  /** SIGKILL a replica, as a lost node would go. */
  async kill(id: string): Promise<void> {
    await this.replica(id).cli.kill();
  }

  /** Every request nginx passed on: session id (or '-'), the replica address(es) tried, method, status. */
  accessLog(): Array<{ session: string; upstream: string; method: string; status: string }> {
    const path = join(this.#tmp.dir, 'access.log');
    if (!existsSync(path)) return [];
    return readFileSync(path, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [session, upstream, method, status] = line.split('|');
        return { session: session!, upstream: upstream!, method: method!, status: status! };
      });
  }

  /** The replica id behind an upstream address nginx logged. */
  replicaAt(upstream: string): string | undefined {
    return this.replicas.find((r) => upstream.trim().endsWith(`:${r.port}`))?.id;
  }

  async close(): Promise<void> {
    const nginx = this.#nginx;
    this.#nginx = undefined;
    if (nginx && nginx.exitCode === null && nginx.signalCode === null) {
      const exited = new Promise<void>((resolve) => nginx.once('exit', () => resolve()));
      nginx.kill('SIGTERM');
      const timer = setTimeout(() => nginx.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    await Promise.all(this.replicas.map((r) => r.cli.kill()));
    await this.redis?.close();
    this.#tmp.remove();
  }

  async #startReplica(id: string, port: number): Promise<void> {
    const url = `http://127.0.0.1:${port}`;
    const cluster = this.redis
      ? `cluster:\n  redis: ${q(this.redis.url)}\n  secret: \${SB_CLUSTER_SECRET}\n  replicaId: ${id}\n  advertiseUrl: ${q(url)}\n${this.options.clusterExtra ?? ''}`
      : '';
    const config = this.#tmp.write(`${id}.yaml`, `servers:\n${this.options.servers}${cluster}`);
    const cli = spawnCli(['serve', '--http', '--config', config, '--port', String(port), '--log-level', this.options.logLevel ?? 'warn'], {
      env: { ...process.env, SB_CLUSTER_SECRET: CLUSTER_SECRET },
    });
    const replica: Replica = { id, port, url, cli };
    this.replicas.push(replica);
    await cli.waitForStderr(this.redis ? new RegExp(`replica ${id} of the cluster, reached at`) : /mcp-switchboard listening on/, 30_000);
  }

  async #startNginx(): Promise<void> {
    const dir = this.#tmp.dir;
    // nginx workers (user nobody when started as root) must reach the temp paths inside.
    chmodSync(dir, 0o755);
    this.#nginxPort = await freePort();
    const upstreams = this.replicas.map((r) => `    server 127.0.0.1:${r.port} max_fails=1 fail_timeout=5s;`).join('\n');
    const conf = this.#tmp.write(
      'nginx.conf',
      `worker_processes 1;
error_log ${dir}/error.log warn;
events { worker_connections 1024; }
http {
  log_format sb '$http_mcp_session_id|$upstream_addr|$request_method|$status';
  access_log ${dir}/access.log sb;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  upstream replicas {
${upstreams}
    keepalive 64;
  }
  server {
    listen 127.0.0.1:${this.#nginxPort};
    location / {
      proxy_pass http://replicas;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      # The replicas check Host (DNS rebinding guard): pass the one the client used.
      proxy_set_header Host $http_host;
      proxy_buffering off;
      proxy_request_buffering off;
      proxy_cache off;
      proxy_read_timeout 1h;
      proxy_send_timeout 1h;
      proxy_connect_timeout 2s;
      proxy_next_upstream error timeout;
    }
  }
}
`,
    );
    const nginx = spawn(NGINX, ['-p', dir, '-c', conf, '-g', `daemon off; pid ${dir}/nginx.pid;`], { stdio: ['ignore', 'ignore', 'pipe'] });
    this.#nginx = nginx;
    let stderr = '';
    nginx.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    // Ready when it answers on its port (nginx writes nothing on start).
    const deadline = Date.now() + 10_000;
    for (;;) {
      if (nginx.exitCode !== null) throw new Error(`nginx exited: ${stderr}${readIfExists(join(dir, 'error.log'))}`);
      const ok = await fetch(`http://127.0.0.1:${this.#nginxPort}/healthz`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`nginx did not answer within 10 s: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

function readIfExists(path: string): string {
  return existsSync(path) ? readFileSync(path, 'utf8') : '';
}
