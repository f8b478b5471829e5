/**
 * StdioBackendTransport and process groups: it tells its guard (the watchdog) about the child's
 * group as soon as it spawns and forgets it once the group is gone, and a group whose leader exited
 * on its own loses its leftovers instead of leaking them.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { StdioBackendTransport } from '../../src/backends/stdio-transport.js';
import type { ProcessGroupGuard } from '../../src/backends/watchdog.js';
import { eventually } from '../helpers/eventually.js';
import { isAlive, killLeftovers } from '../helpers/proc-tree.js';

/** Records what the transport told it, in order. */
class RecordingGuard implements ProcessGroupGuard {
  readonly calls: string[] = [];
  register(pgid: number): void {
    this.calls.push(`register ${pgid}`);
  }
  unregister(pgid: number): void {
    this.calls.push(`unregister ${pgid}`);
  }
}

const leftovers: number[] = [];
afterEach(() => killLeftovers(leftovers.splice(0), []));

function transport(script: string, guard: ProcessGroupGuard, onStderrLine?: (line: string) => void): StdioBackendTransport {
  return new StdioBackendTransport({ kind: 'stdio', command: '/bin/sh', args: ['-c', script], env: {} }, { watchdog: guard, graceMs: 200, onStderrLine });
}

describe('StdioBackendTransport with a process-group guard', () => {
  it('registers the group at spawn and unregisters it after close()', async () => {
    const guard = new RecordingGuard();
    const t = transport('exec sleep 600', guard);
    await t.start();
    const pid = t.pid!;
    leftovers.push(pid);
    expect(guard.calls).toEqual([`register ${pid}`]);
    await t.close();
    expect(guard.calls).toEqual([`register ${pid}`, `unregister ${pid}`]);
    expect(isAlive(pid)).toBe(false);
  });

  it('kills what is left in the group when the leader exits by itself, then unregisters', async () => {
    const guard = new RecordingGuard();
    const lines: string[] = [];
    // The background sleep lets go of our pipes, so the leader's exit closes the transport.
    const t = transport('sleep 600 </dev/null >/dev/null 2>&1 & echo $! >&2; exit 0', guard, (line) => lines.push(line));
    const closed = new Promise<void>((resolve) => (t.onclose = resolve));
    await t.start();
    const leader = t.pid!;
    await closed;
    const sleeper = Number(lines[0]);
    leftovers.push(sleeper);
    expect(sleeper).toBeGreaterThan(1);
    await eventually(() => !isAlive(sleeper), { what: 'the leftover sleep to be killed', timeoutMs: 2000 });
    expect(guard.calls).toEqual([`register ${leader}`, `unregister ${leader}`]);
  });

  it('registers nothing when the command cannot be spawned, and names the PATH searched', async () => {
    const guard = new RecordingGuard();
    const t = new StdioBackendTransport({ kind: 'stdio', command: 'sb-no-such-command', args: [], env: { PATH: '/nowhere:/also/nowhere' }, inheritEnv: false }, { watchdog: guard });
    t.onerror = () => undefined;
    await expect(t.start()).rejects.toMatchObject({ code: 'ENOENT', searchPath: '/nowhere:/also/nowhere' });
    expect(guard.calls).toEqual([]);
  });
});
