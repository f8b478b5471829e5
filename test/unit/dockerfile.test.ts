/**
 * The Dockerfile cannot be built here (no container engine), so this reads it: every file it copies
 * exists and is not excluded by .dockerignore, the scripts and paths it runs are the package's own,
 * the base image is a Node the package supports, and the runtime stage matches the deploy manifests.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { COMPOSE_DIR, findDoc, kubernetesDocs, readText } from '../helpers/deploy-files.js';
import { REPO_ROOT } from '../helpers/nginx.js';

interface Instruction {
  op: string;
  args: string;
}

/** Dockerfile instructions with `\` continuations joined and comments dropped. */
function instructions(text: string): Instruction[] {
  const joined = text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return joined
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [op = '', ...rest] = line.split(/\s+/);
      return { op: op.toUpperCase(), args: rest.join(' ') };
    });
}

/** The stages, each with its instructions, keyed by their `AS` name. */
function stages(all: Instruction[]): Map<string, Instruction[]> {
  const byName = new Map<string, Instruction[]>();
  let current: Instruction[] | undefined;
  for (const ins of all) {
    if (ins.op === 'FROM') {
      const name = /\bAS\s+(\S+)$/i.exec(ins.args)?.[1];
      if (!name) throw new Error(`FROM ${ins.args}: every stage is named`);
      current = [ins];
      byName.set(name, current);
    } else current?.push(ins);
  }
  return byName;
}

const dockerfile = readText(join(REPO_ROOT, 'Dockerfile'));
const all = instructions(dockerfile);
const byStage = stages(all);
const runtime = byStage.get('runtime') ?? [];
const pkg = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8'));
const routerYaml = parse(readText(join(COMPOSE_DIR, 'router.yaml')));
const jsonArgs = (ins: Instruction | undefined): string[] => JSON.parse(ins?.args ?? 'null');
const last = (op: string): Instruction | undefined => runtime.filter((i) => i.op === op).at(-1);

describe('Dockerfile', () => {
  it('builds on a Node the package supports (>= 20)', () => {
    const nodeVersion = /^ARG NODE_VERSION=(\d+)$/m.exec(dockerfile)?.[1];
    expect(Number(nodeVersion)).toBeGreaterThanOrEqual(20);
    expect(pkg.engines.node).toBe('>=20');
    const froms = all.filter((i) => i.op === 'FROM').map((i) => i.args);
    expect(froms).toEqual(['node:${NODE_VERSION}-bookworm-slim AS build', 'node:${NODE_VERSION}-bookworm-slim AS deps', 'node:${NODE_VERSION}-bookworm-slim AS runtime']);
  });

  it('copies only files that exist and that .dockerignore lets into the context', () => {
    const ignored = readText(join(REPO_ROOT, '.dockerignore'))
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    const sources = all
      .filter((i) => i.op === 'COPY' && !i.args.startsWith('--from='))
      .flatMap((i) => i.args.split(/\s+/).filter((a) => !a.startsWith('--')).slice(0, -1));
    expect(sources.sort()).toEqual(['package-lock.json', 'package-lock.json', 'package.json', 'package.json', 'package.json', 'src', 'tsconfig.build.json', 'tsconfig.json']);
    for (const source of sources) {
      expect(existsSync(join(REPO_ROOT, source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
    for (const heavy of ['node_modules', 'dist', '.git']) expect(ignored).toContain(heavy);
  });

  it('compiles with the package build script into dist/, where the entry point and watchdog are', () => {
    const build = byStage.get('build') ?? [];
    expect(build.filter((i) => i.op === 'RUN').map((i) => i.args)).toEqual(['npm ci --ignore-scripts --no-audit --no-fund', 'npm run build']);
    expect(pkg.scripts.build).toBe('tsc -p tsconfig.build.json');
    const tsconfig = JSON.parse(readText(join(REPO_ROOT, 'tsconfig.build.json')));
    expect(tsconfig.compilerOptions).toMatchObject({ rootDir: 'src', outDir: 'dist' });
    // dist/X.js comes from src/X.ts.
    expect(pkg.bin.switchboard).toBe('dist/cli/main.js');
    expect(existsSync(join(REPO_ROOT, 'src/cli/main.ts'))).toBe(true);
    expect(existsSync(join(REPO_ROOT, 'src/backends/watchdog-main.ts'))).toBe(true);
    expect(runtime.find((i) => i.op === 'COPY' && i.args.startsWith('--from=build'))?.args).toBe('--from=build /src/dist ./dist');
  });

  it('ships production dependencies only, and package.json (the version is read from it)', () => {
    const deps = byStage.get('deps') ?? [];
    expect(deps.find((i) => i.op === 'RUN')?.args).toMatch(/^npm ci --omit=dev /);
    expect(runtime.find((i) => i.op === 'COPY' && i.args.startsWith('--from=deps'))?.args).toBe('--from=deps /app/node_modules ./node_modules');
    expect(runtime.find((i) => i.op === 'WORKDIR')?.args).toBe('/app');
    expect(readText(join(REPO_ROOT, 'src/version.ts'))).toContain("new URL('../package.json', import.meta.url)");
  });

  it('runs as a numeric non-root user, so Kubernetes can verify runAsNonRoot', () => {
    const user = last('USER')?.args ?? '';
    expect(user).toMatch(/^\d+:\d+$/);
    expect(Number(user.split(':')[0])).toBeGreaterThan(0);
    const pod = findDoc(kubernetesDocs(), 'Deployment', 'switchboard').spec.template.spec;
    expect(`${pod.securityContext.runAsUser}:${pod.securityContext.runAsGroup}`).toBe(user);
  });

  it('serves HTTP on the config port with the mounted config, as the Kubernetes Deployment does', () => {
    expect(last('EXPOSE')?.args).toBe(String(routerYaml.listen.port));
    expect(jsonArgs(last('ENTRYPOINT'))).toEqual(['/usr/bin/tini', '--', 'node', `/app/${pkg.bin.switchboard}`]);
    const cmd = jsonArgs(last('CMD'));
    expect(cmd).toEqual(['serve', '--http', '--config', '/etc/switchboard/router.yaml']);
    const container = findDoc(kubernetesDocs(), 'Deployment', 'switchboard').spec.template.spec.containers[0];
    expect(container.args).toEqual(cmd);
  });

  it('health-checks the router health endpoint on its port', () => {
    const env = runtime.filter((i) => i.op === 'ENV').map((i) => i.args).join(' ');
    const url = /SWITCHBOARD_HEALTH_URL=(\S+)/.exec(env)?.[1] ?? '';
    expect(url).toBe(`http://127.0.0.1:${routerYaml.listen.port}/healthz`);
    const check = last('HEALTHCHECK')?.args ?? '';
    expect(check).toMatch(/^--interval=\S+ --timeout=\S+ --start-period=\S+ --retries=\d+ CMD \["node", "-e", /);
    const script = JSON.parse(check.slice(check.indexOf('CMD ') + 4))[2] as string;
    expect(script).toContain('fetch(process.env.SWITCHBOARD_HEALTH_URL)');
  });

  it('the health check script exits 0 on 200 and 1 on an error status or no answer', async () => {
    const check = last('HEALTHCHECK')?.args ?? '';
    const script = JSON.parse(check.slice(check.indexOf('CMD ') + 4))[2] as string;
    const server = createServer((req, res) => res.writeHead(req.url === '/healthz' ? 200 : 503).end());
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const port = (server.address() as { port: number }).port;
    // Asynchronous on purpose: the server answering it lives in this process.
    const exitCode = (url: string) => {
      const child = spawn(process.execPath, ['-e', script], { env: { SWITCHBOARD_HEALTH_URL: url }, stdio: 'ignore' });
      return new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    };
    try {
      expect(await exitCode(`http://127.0.0.1:${port}/healthz`)).toBe(0);
      expect(await exitCode(`http://127.0.0.1:${port}/down`)).toBe(1);
    } finally {
      await new Promise<void>((ok) => server.close(() => ok()));
    }
    expect(await exitCode(`http://127.0.0.1:${port}/healthz`)).toBe(1);
  });
});
