/**
 * The watchdog process (see watchdog.ts for the side that starts it). It holds the process-group ids
 * of the router's stdio backends, told over its stdin one JSON object a line:
 *
 *   {"op":"add","pgid":1234}   {"op":"remove","pgid":1234}
 *
 * When stdin ends, the router is gone, however it went: a clean exit, a crash, process.exit() from a
 * shutdown deadline, or SIGKILL (which nothing inside the router can catch). The kernel closes the
 * router's end of the pipe in every case, so this is the one signal that cannot be missed. We then
 * SIGTERM every group still registered, give them `--grace-ms` to exit, SIGKILL what is left, and exit.
 *
 * Plain Node on purpose: no prctl(PR_SET_PDEATHSIG) (Linux-only, and tied to the spawning *thread*),
 * no native addon, so it behaves the same on Linux and macOS. It imports nothing from the project,
 * so it starts fast and cannot be broken by the code it guards.
 */
import { parseArgs } from 'node:util';

const DEFAULT_GRACE_MS = 1500;
const POLL_MS = 50;

interface WatchdogCommand {
  op: 'add' | 'remove';
  pgid: number;
}

function parseCommand(line: string): WatchdogCommand | undefined {
  try {
    const value = JSON.parse(line) as { op?: unknown; pgid?: unknown };
    const pgid = value.pgid;
    // pgid 0 and 1 would address our own group or init's: never signal those.
    if ((value.op === 'add' || value.op === 'remove') && Number.isSafeInteger(pgid) && (pgid as number) > 1) {
      return { op: value.op, pgid: pgid as number };
    }
  } catch {
    /* a torn or foreign line: ignore it rather than die and leave the groups unguarded */
  }
  return undefined;
}

function signalGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: the group is empty; EPERM: not ours any more
  }
}

async function reap(groups: ReadonlySet<number>, graceMs: number): Promise<void> {
  const live = [...groups].filter((pgid) => signalGroup(pgid, 'SIGTERM'));
  const deadline = Date.now() + graceMs;
  let left = live;
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    // Signal 0 still succeeds on a group whose members are zombies nobody reaped; SIGKILL after the
    // grace is harmless to those, so a stuck init costs at most the grace, never a hang.
    left = left.filter((pgid) => signalGroup(pgid, 0));
  }
  for (const pgid of left) signalGroup(pgid, 'SIGKILL');
}

function main(): void {
  const { values } = parseArgs({ options: { 'grace-ms': { type: 'string' } } });
  const graceMs = Number(values['grace-ms'] ?? DEFAULT_GRACE_MS);
  const groups = new Set<number>();
  let partial = '';
  let reaping = false;

  const onLine = (line: string): void => {
    const command = parseCommand(line);
    if (!command) return;
    if (command.op === 'add') groups.add(command.pgid);
    else groups.delete(command.pgid);
  };
  const finish = (): void => {
    if (reaping) return;
    reaping = true;
    if (partial) onLine(partial);
    void reap(groups, Number.isFinite(graceMs) && graceMs >= 0 ? graceMs : DEFAULT_GRACE_MS).then(() => process.exit(0));
  };

  process.stdin.setEncoding('utf8');
  process.stdin.on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) onLine(line);
  });
  process.stdin.on('end', finish);
  process.stdin.on('close', finish);
  process.stdin.on('error', finish);
  // Our life is bounded by the pipe, so ignoring these can never leave us behind. They arrive when
  // someone signals every node process (killall, pkill): the router is then still shutting down,
  // and that is exactly when its backends need guarding until it is gone.
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.on(signal, () => undefined);
}

main();
