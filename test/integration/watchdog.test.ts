/**
 * The Watchdog object against real processes: groups it was told about die when its pipe closes
 * (SIGTERM, then SIGKILL after the grace), groups it was told to forget do not, a watchdog killed
 * under a live owner is replaced with every group re-registered, and it never keeps its owner alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { Watchdog } from '../../src/backends/watchdog.js';
import { eventually } from '../helpers/eventually.js';
import { isAlive, killLeftovers } from '../helpers/proc-tree.js';

const GRACE_MS = 300;
const started: ChildProcess[] = [];
const watchdogs: Watchdog[] = [];

/** A process group leader (and a child in its group) that ignore SIGTERM and stdin: only SIGKILL ends them. */
async function stubbornGroup(): Promise<{ pgid: number; exited: Promise<unknown> }> {
  const child = spawn('/bin/sh', ['-c', 'trap "" TERM; sleep 600 & echo ready; wait'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  started.push(child);
  const exited = once(child, 'exit');
  await once(child.stdout!, 'data');
  return { pgid: child.pid!, exited };
}

function watchdog(): Watchdog {
  const w = new Watchdog({ graceMs: GRACE_MS });
  watchdogs.push(w);
  return w;
}

afterEach(async () => {
  await Promise.all(watchdogs.splice(0).map((w) => w.close()));
  const pids = started.splice(0).flatMap((c) => (c.pid ? [c.pid] : []));
  killLeftovers(pids, pids);
});

describe('Watchdog', () => {
  it('SIGKILLs a registered group that ignores SIGTERM once its pipe closes, after the grace', async () => {
    const w = watchdog();
    const group = await stubbornGroup();
    w.register(group.pgid);
    const closedAt = Date.now();
    await w.close();
    const [, signal] = (await group.exited) as [number | null, NodeJS.Signals | null];
    expect(signal).toBe('SIGKILL');
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(GRACE_MS - 50);
    await eventually(() => w.pid === undefined, { what: 'the watchdog to exit' });
  });

  it('leaves alone a group that was unregistered', async () => {
    const w = watchdog();
    const kept = await stubbornGroup();
    const reaped = await stubbornGroup();
    w.register(kept.pgid);
    w.register(reaped.pgid);
    w.unregister(kept.pgid);
    await w.close();
    await reaped.exited;
    expect(isAlive(kept.pgid)).toBe(true);
  });

  it('is replaced when it dies under a live owner, and the new one knows every group', async () => {
    const w = watchdog();
    const group = await stubbornGroup();
    w.register(group.pgid);
    const first = await eventually(() => w.pid, { what: 'the watchdog to start' });
    process.kill(first, 'SIGKILL');
    const second = await eventually(() => w.pid !== first && w.pid, { what: 'a new watchdog' });
    expect(second).not.toBe(first);
    expect(isAlive(group.pgid)).toBe(true);
    await w.close();
    await group.exited;
  });

  it('does not keep its owner alive, and exits with it', async () => {
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
    const module = pathToFileURL(fileURLToPath(new URL('../../src/backends/watchdog.ts', import.meta.url))).href;
    // Creates a watchdog, prints its pid, and returns: the process must end on its own.
    const script = `import { Watchdog } from ${JSON.stringify(module)}; const w = new Watchdog(); console.log(w.pid);`;
    const owner = spawn(process.execPath, ['--import', tsx, '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    started.push(owner);
    let out = '';
    owner.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    const [code] = (await once(owner, 'exit')) as [number | null];
    expect(code).toBe(0);
    const pid = Number(out.trim());
    expect(pid).toBeGreaterThan(1);
    await eventually(() => !isAlive(pid), { what: 'the orphaned watchdog to exit', timeoutMs: 5000 });
  });
});
