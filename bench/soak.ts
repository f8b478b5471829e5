/**
 * `npm run soak`: the built CLI (`serve --http --watch`) with five stdio fixture backends, under 64
 * calls in flight over several HTTP sessions (SDK clients), while a backend is SIGKILLed every few
 * seconds and the config is rewritten midway (a hot reload). Loopback only, bounded: SOAK_SECONDS
 * (default 60).
 *
 * Prints calls sent, answered with a result, answered with a clean error, lost (never settled within
 * its timeout + margin), orphan processes after exit, and the router's RSS after warm-up and at the
 * end. Exits 1 if any call was lost, any process outlived the router, or RSS grew 20% or more.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { CLI_MAIN, assertBuilt, q } from '../test/helpers/cli.js';
import { commandLine, isAlive, liveGroupMembers, processGroups, processTree } from '../test/helpers/proc-tree.js';
import { fixtureStdioCommand } from '../test/helpers/spawn-fixture.js';

// The SDK's HTTP client adds an abort listener per request to one long-lived signal.
setMaxListeners(0);

const SECONDS = Number(process.env.SOAK_SECONDS ?? 60);
const BACKENDS = 5;
const SESSIONS = 4;
const IN_FLIGHT = 64;
const KILL_EVERY_MS = 4000;
/** servers.*.timeout in the soak config: the router answers every call by then, one way or another. */
const SERVER_TIMEOUT_MS = 10_000;
/** A call unsettled this long after it was sent is lost: the router's timeout plus a margin. */
const LOST_AFTER_MS = SERVER_TIMEOUT_MS + 5000;
const WARM_UP_MS = Math.min(5000, (SECONDS * 1000) / 6);
const MAX_GROWTH = 0.2;

interface Counts {
  sent: number;
  result: number;
  cleanError: number;
  lost: number;
}

function configText(reloaded: boolean): string {
  const lines = ['servers:'];
  for (let i = 1; i <= BACKENDS; i++) {
    const fx = fixtureStdioCommand(`b${i}`, ['--tools', 'echo,sleep']);
    lines.push(`  b${i}:`, `    command: ${q(fx.command)}`, `    args: [${fx.args.map(q).join(', ')}]`, `    timeout: ${SERVER_TIMEOUT_MS}`);
    // The reload changes one server's description: a real diff, applied live.
    if (reloaded && i === 1) lines.push('    description: "reloaded by the soak"');
  }
  lines.push('listen:', '  host: 127.0.0.1', '  port: 0', '');
  return lines.join('\n');
}

function rssMiB(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN) / 1024;
}

function waitForLine(child: ChildProcess, stderr: () => string, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    const timer = setInterval(() => {
      const m = stderr().match(pattern);
      if (m) {
        clearInterval(timer);
        resolve(m);
      } else if (child.exitCode !== null || Date.now() > deadline) {
        clearInterval(timer);
        reject(new Error(`serve did not write ${pattern}; stderr:\n${stderr().slice(-2000)}`));
      }
    }, 50);
    const deadline = Date.now() + timeoutMs;
  });
}

/** The pids of the fixture backends running under `root`, by name. */
function backendPids(root: number): Map<string, number> {
  const found = new Map<string, number>();
  for (const pid of processTree(root)) {
    const m = / --name (b\d+) /.exec(`${commandLine(pid)} `);
    if (m && commandLine(pid).includes('fixture-main.ts')) found.set(m[1]!, pid);
  }
  return found;
}

async function main(): Promise<void> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'sb-soak-'));
  const configPath = join(dir, 'router.yaml');
  writeFileSync(configPath, configText(false));
  const child = spawn(process.execPath, [CLI_MAIN, 'serve', '--http', '--watch', '--config', configPath, '--log-level', 'warn'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (stderr += c));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const serveLog = () => stderr;
  const url = (await waitForLine(child, serveLog, /mcp-switchboard listening on (http:\S+\/mcp)/, 30_000))[1]!;
  await waitForLine(child, serveLog, new RegExp(`mcp-switchboard: ${BACKENDS}/${BACKENDS} backends up`), 60_000);

  // Every pid and group ever seen under the router: what must be gone after it exits.
  const seenPids = new Set<number>();
  const seenGroups = new Set<number>();
  const recordTree = () => {
    const tree = processTree(child.pid!);
    for (const pid of tree) seenPids.add(pid);
    for (const g of processGroups(tree)) seenGroups.add(g);
  };
  recordTree();

  const clients: Client[] = [];
  for (let s = 0; s < SESSIONS; s++) {
    const client = new Client({ name: `soak-${s}`, version: '1' });
    await client.connect(new StreamableHTTPClientTransport(new URL(url)));
    clients.push(client);
  }

  const counts: Counts = { sent: 0, result: 0, cleanError: 0, lost: 0 };
  const unsettled = new Map<number, number>(); // call number -> sent at
  const errorKinds = new Map<string, number>();
  const started = Date.now();
  const endAt = started + SECONDS * 1000;
  let seq = 0;

  const oneCall = async (client: Client): Promise<void> => {
    const n = ++seq;
    const backend = `b${1 + (n % BACKENDS)}`;
    const slow = n % 4 === 0;
    counts.sent++;
    unsettled.set(n, Date.now());
    try {
      const call = slow
        ? client.callTool({ name: `${backend}__sleep`, arguments: { ms: 20 + (n % 180) } }, { timeout: 10 * LOST_AFTER_MS })
        : client.callTool({ name: `${backend}__echo`, arguments: { text: `call ${n}` } }, { timeout: 10 * LOST_AFTER_MS });
      await call;
      counts.result++;
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      const kind = typeof code === 'number' ? String(code) : (err as Error).message.slice(0, 60);
      errorKinds.set(kind, (errorKinds.get(kind) ?? 0) + 1);
      counts.cleanError++;
    } finally {
      unsettled.delete(n);
    }
  };
  const workers = Array.from({ length: IN_FLIGHT }, async (_, w) => {
    const client = clients[w % SESSIONS]!;
    while (Date.now() < endAt) await oneCall(client);
  });

  // Warm-up, then the RSS baseline; backend kills and the reload run meanwhile.
  let rssStart = NaN;
  let kills = 0;
  let reload = 'not reached';
  const chaos = (async () => {
    let nextKill = Date.now() + KILL_EVERY_MS;
    let reloaded = false;
    while (Date.now() < endAt) {
      await new Promise((r) => setTimeout(r, 100));
      if (Number.isNaN(rssStart) && Date.now() - started >= WARM_UP_MS) rssStart = rssMiB(child.pid!);
      if (Date.now() >= nextKill) {
        nextKill += KILL_EVERY_MS;
        recordTree();
        const pids = [...backendPids(child.pid!).entries()];
        const victim = pids[kills % Math.max(pids.length, 1)];
        if (victim && isAlive(victim[1])) {
          process.kill(victim[1], 'SIGKILL');
          kills++;
        }
      }
      if (!reloaded && Date.now() - started >= (SECONDS * 1000) / 2) {
        reloaded = true;
        const before = stderr.length;
        writeFileSync(configPath, configText(true));
        reload = await waitForLine(child, () => stderr.slice(before), /mcp-switchboard: reload(?:ed| failed)[^\n]*/, 10_000).then(
          (m) => `applied (serve said: ${m.input!.trim().split('\n')[0]!.slice(0, 120)})`,
          () => 'written, but serve said nothing about it within 10 s',
        );
      }
    }
  })();

  // Calls that outlive their deadline are lost: checked as they age, and once more at the end.
  const lostWatch = setInterval(() => {
    const now = Date.now();
    for (const [n, at] of unsettled) {
      if (now - at > LOST_AFTER_MS) {
        unsettled.delete(n);
        counts.lost++;
      }
    }
  }, 500);
  await chaos;
  const drained = Promise.all(workers);
  await Promise.race([drained, new Promise((r) => setTimeout(r, LOST_AFTER_MS + 1000))]);
  clearInterval(lostWatch);
  counts.lost += unsettled.size;
  const rssEnd = rssMiB(child.pid!);
  recordTree();

  for (const client of clients) await client.close().catch(() => undefined);
  child.kill('SIGTERM');
  const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
  await new Promise((r) => setTimeout(r, 2000)); // the watchdog's grace, should anything need reaping
  const orphans = [...new Set([...[...seenPids].filter(isAlive), ...liveGroupMembers([...seenGroups])])];
  for (const pid of orphans) process.kill(pid, 'SIGKILL');
  rmSync(dir, { recursive: true, force: true });

  const growth = (rssEnd - rssStart) / rssStart;
  const errors = [...errorKinds].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}: ${n}`).join(', ');
  const out = [
    `soak: ${SECONDS} s, ${BACKENDS} stdio backends, ${IN_FLIGHT} calls in flight over ${SESSIONS} HTTP sessions, ${kills} backends SIGKILLed`,
    `config reload midway: ${reload}`,
    `calls sent:              ${counts.sent}`,
    `answered with a result:  ${counts.result}`,
    `answered with an error:  ${counts.cleanError}${errors ? ` (${errors})` : ''}`,
    `lost:                    ${counts.lost}`,
    `serve exit:              ${code}`,
    `orphan processes:        ${orphans.length}${orphans.length ? ` (${orphans.join(', ')})` : ''}`,
    `router RSS:              ${rssStart.toFixed(1)} MiB after warm-up, ${rssEnd.toFixed(1)} MiB at the end (${(growth * 100).toFixed(1)}%)`,
  ];
  process.stdout.write(out.join('\n') + '\n');
  const failures = [
    counts.lost > 0 && `${counts.lost} calls lost`,
    orphans.length > 0 && `${orphans.length} orphan processes`,
    !(growth < MAX_GROWTH) && `RSS grew ${(growth * 100).toFixed(1)}% (limit ${MAX_GROWTH * 100}%)`,
    code !== 0 && `serve exited with ${code}`,
  ].filter(Boolean);
  if (failures.length) {
    process.stdout.write(`FAIL: ${failures.join('; ')}\n`);
    process.exit(1);
  }
  process.stdout.write('PASS\n');
}

main().catch((err: unknown) => {
  process.stderr.write(`soak: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
