/**
 * CPU time of a process and of its descendants, read from /proc (Linux), so the bridge bench can say
 * where each call's CPU goes: the client, the gateway, or the server behind it. On a 2-core machine
 * all three share the cores, so a gateway's throughput is bounded by everyone's CPU per call, and
 * this split shows how much of that is the gateway's own.
 */
import { readdirSync, readFileSync } from 'node:fs';

export interface TreeCpu {
  /** Seconds of user + system CPU of the root process itself. */
  root: number;
  /** Seconds of user + system CPU of every live descendant. */
  descendants: number;
}

const TICKS_PER_SECOND = 100; // USER_HZ on every mainstream Linux build

interface Stat {
  pid: number;
  ppid: number;
  cpu: number;
}

function readStat(pid: string): Stat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: parse after its closing one.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { pid: Number(pid), ppid: Number(fields[1]), cpu: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return undefined; // exited between readdir and read
  }
}

export function treeCpu(rootPid: number): TreeCpu | undefined {
  let stats: Stat[];
  try {
    stats = readdirSync('/proc').filter((d) => /^\d+$/.test(d)).flatMap((d) => readStat(d) ?? []);
  } catch {
    return undefined; // not Linux
  }
  const byParent = new Map<number, Stat[]>();
  for (const s of stats) byParent.set(s.ppid, [...(byParent.get(s.ppid) ?? []), s]);
  const root = stats.find((s) => s.pid === rootPid);
  if (!root) return undefined;
  let descendants = 0;
  const queue = [...(byParent.get(rootPid) ?? [])];
  while (queue.length) {
    const s = queue.pop()!;
    descendants += s.cpu;
    queue.push(...(byParent.get(s.pid) ?? []));
  }
  return { root: root.cpu, descendants };
}
