/**
 * deploy/compose and deploy/nginx: three replicas behind nginx and Redis, wired to the router's
 * config, and nginx configs that Debian's nginx accepts (`nginx -t`) with loopback upstreams.
 */
import { existsSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parse } from 'yaml';
import { afterEach, describe, expect, it } from 'vitest';
import { COMPOSE_DIR, composeFile, readText, requiredVariables, type Doc } from '../helpers/deploy-files.js';
import { NGINX_SHARED_DIR, REPO_ROOT, nginxDir, renderNginxConfig, testNginxConfig } from '../helpers/nginx.js';

const compose = composeFile();
const services = compose.services as Record<string, Doc>;
const REPLICAS = ['switchboard-1', 'switchboard-2', 'switchboard-3'];
const routerYaml = readText(join(COMPOSE_DIR, 'router.yaml'));
const routerPort: number = parse(routerYaml).listen.port;
const nginxConf = readText(join(COMPOSE_DIR, 'nginx.conf'));
const locations = readText(join(NGINX_SHARED_DIR, 'mcp-locations.conf'));
const TEMP_KINDS = ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'];

/** Compose's duration strings as used here ("35s", "1m"). */
function seconds(duration: string): number {
  const m = /^(\d+)(s|m)$/.exec(duration);
  if (!m) throw new Error(`unexpected duration ${duration}`);
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1);
}

describe('deploy/compose: docker-compose.yml', () => {
  it('has three router replicas, nginx and Redis', () => {
    expect(Object.keys(services).sort()).toEqual(['nginx', 'redis', ...REPLICAS]);
  });

  it('builds every replica from the repository Dockerfile and mounts the shared router.yaml', () => {
    for (const name of REPLICAS) {
      const s = services[name];
      expect(resolve(COMPOSE_DIR, s.build.context), name).toBe(REPO_ROOT);
      expect(existsSync(join(REPO_ROOT, 'Dockerfile'))).toBe(true);
      expect(s.image, name).toBe('mcp-switchboard:local');
      expect(s.volumes, name).toEqual(['./router.yaml:/etc/switchboard/router.yaml:ro']);
      expect(s.read_only, name).toBe(true);
      expect([...s.tmpfs].sort(), name).toEqual(['/tmp', '/var/lib/switchboard']);
      expect(s.depends_on.redis.condition, name).toBe('service_healthy');
    }
  });

  it('gives each replica its own id and advertised URL, and every variable router.yaml needs', () => {
    const required = requiredVariables(routerYaml);
    for (const name of REPLICAS) {
      const env = services[name].environment as Record<string, string>;
      expect(Object.keys(env).sort(), name).toEqual(required);
      expect(env.SWITCHBOARD_REPLICA_ID).toBe(name);
      expect(services[name].hostname).toBe(name);
      expect(env.SWITCHBOARD_ADVERTISE_URL).toBe(`http://${name}:${routerPort}`);
      expect(new URL(env.SWITCHBOARD_REDIS_URL as string).hostname).toBe('redis');
      // Secrets are never written into the file: compose refuses to start until they are exported.
      expect(env.SWITCHBOARD_TOKEN).toMatch(/^\$\{SWITCHBOARD_TOKEN:\?.+\}$/);
      expect(env.SWITCHBOARD_CLUSTER_SECRET).toMatch(/^\$\{SWITCHBOARD_CLUSTER_SECRET:\?.+\}$/);
    }
  });

  it('gives a stopping replica time for the router drain', () => {
    const graceS = parse(routerYaml).shutdownGraceMs / 1000;
    for (const name of REPLICAS) expect(seconds(services[name].stop_grace_period), name).toBeGreaterThan(graceS);
  });

  it('puts nginx in front of all three, on loopback only, with the shared MCP settings mounted', () => {
    const nginx = services.nginx;
    expect(Object.keys(nginx.depends_on).sort()).toEqual(REPLICAS);
    expect(nginx.ports).toEqual(['127.0.0.1:8080:8080']);
    expect(nginx.volumes).toEqual(['./nginx.conf:/etc/nginx/nginx.conf:ro', '../nginx:/etc/nginx/mcp:ro']);
    expect(resolve(COMPOSE_DIR, '../nginx')).toBe(NGINX_SHARED_DIR);
  });

  it('runs Redis with a health check the replicas wait for', () => {
    expect(services.redis.image).toMatch(/^redis:\d/);
    expect(services.redis.healthcheck.test).toEqual(['CMD', 'redis-cli', 'ping']);
  });
});

describe('deploy/compose: nginx.conf', () => {
  it('balances over exactly the three replicas, round-robin, with upstream keepalive', () => {
    const upstream = /upstream switchboard \{([^}]*)\}/.exec(nginxConf)?.[1] ?? '';
    const servers = [...upstream.matchAll(/^\s*server\s+(\S+)/gm)].map((m) => m[1]);
    expect(servers).toEqual(REPLICAS.map((r) => `${r}:${routerPort}`));
    expect(upstream).toMatch(/^\s*keepalive \d+;/m);
    // Any stickiness would hide the very bugs plain round-robin must survive.
    expect(upstream).not.toMatch(/\b(ip_hash|hash|sticky|least_conn|random)\b/);
  });

  it('includes the shared MCP files from where compose mounts them', () => {
    expect(nginxConf).toContain('include /etc/nginx/mcp/mcp-maps.conf;');
    expect(nginxConf).toContain('include /etc/nginx/mcp/mcp-locations.conf;');
    expect(nginxConf).toMatch(/listen 8080;/);
  });
});

describe('deploy/nginx: mcp-locations.conf', () => {
  it('streams SSE unbuffered over HTTP/1.1 keepalive with long read timeouts', () => {
    expect(locations).toMatch(/^\s*proxy_pass http:\/\/switchboard;/m);
    expect(locations).toMatch(/^\s*proxy_http_version 1\.1;/m);
    expect(locations).toMatch(/^\s*proxy_buffering off;/m);
    expect(locations).toMatch(/^\s*proxy_read_timeout 1h;/m);
    expect(locations).toMatch(/^\s*proxy_set_header Connection \$switchboard_connection;/m);
  });

  it('does not override or drop the headers MCP depends on', () => {
    const overridden = [...locations.matchAll(/^\s*proxy_set_header\s+(\S+)/gm)].map((m) => (m[1] as string).toLowerCase());
    for (const header of ['authorization', 'mcp-session-id', 'mcp-protocol-version', 'last-event-id']) expect(overridden).not.toContain(header);
    expect(locations).not.toMatch(/proxy_hide_header|proxy_pass_request_headers\s+off|underscores_in_headers/);
  });
});

describe('deploy/nginx: nginx -t with loopback upstreams', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('accepts the config the cluster tests render (test/helpers/nginx.ts)', async () => {
    dir = await nginxDir();
    const conf = join(dir, 'nginx.conf');
    await writeFile(conf, renderNginxConfig({ dir, listenPort: 18080, upstreamPorts: [18081, 18082, 18083] }));
    const result = testNginxConfig(conf, dir);
    expect(result.output).toMatch(/test is successful/);
    expect(result.ok).toBe(true);
  });

  it('accepts deploy/compose/nginx.conf with its hosts and mount paths mapped to this machine', async () => {
    dir = await nginxDir();
    const conf = join(dir, 'nginx.conf');
    let port = 18090;
    const local = nginxConf
      .replaceAll('/etc/nginx/mcp/', `${NGINX_SHARED_DIR}/`)
      .replace(/switchboard-\d:\d+/g, () => `127.0.0.1:${++port}`)
      .replace('listen 8080;', 'listen 127.0.0.1:18089;')
      // In the container /dev/stdout is the log; here it may be no device at all.
      .replace('access_log /dev/stdout;', 'access_log off;')
      // Compose's nginx image has writable default temp paths; this machine's may not.
      .replace('http {', `http {\n${TEMP_KINDS.map((kind) => `    ${kind}_temp_path ${dir}/${kind};`).join('\n')}`);
    expect(port).toBe(18093);
    await writeFile(conf, local);
    const result = testNginxConfig(conf, dir);
    expect(result.output).toMatch(/test is successful/);
    expect(result.ok).toBe(true);
  });

  it('rejects mcp-locations.conf without mcp-maps.conf (the check can fail)', async () => {
    dir = await nginxDir();
    const conf = join(dir, 'nginx.conf');
    const rendered = renderNginxConfig({ dir, listenPort: 18080, upstreamPorts: [18081] });
    await writeFile(conf, rendered.replace(/^.*mcp-maps\.conf.*$/m, ''));
    const result = testNginxConfig(conf, dir);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/unknown "switchboard_connection" variable/);
  });
});
