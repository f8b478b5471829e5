/**
 * Process bookkeeping from /proc (Linux), so shutdown tests can prove that no backend outlives the
 * router: every descendant of a pid, plus every member of their process groups (stdio backends run
 * in their own groups, and a grandchild reparented to init is still in its group).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { eventually } from './eventually.js';

interface ProcStat {
  pid: number;
  state: string;
  ppid: number;
  pgrp: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so split after the last ')'.
  const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { pid, state: rest[0] ?? '?', ppid: Number(rest[1]), pgrp: Number(rest[2]) };
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (stat) out.push(stat);
  }
  return out;
}

/** Descendants of `root` (not root itself) and the other members of their process groups. */
export function processTree(root: number): number[] {
  const stats = allStats();
  const rootGroup = readStat(root)?.pgrp;
  const found = new Set<number>();
  let frontier = [root];
  while (frontier.length) {
    const parents = new Set(frontier);
    frontier = stats.filter((s) => parents.has(s.ppid) && !found.has(s.pid) && s.pid !== root).map((s) => s.pid);
    for (const pid of frontier) found.add(pid);
  }
  const groups = new Set(stats.filter((s) => found.has(s.pid)).map((s) => s.pgrp));
  groups.delete(rootGroup ?? -1); // the root's own group is the test runner's: never count it
  for (const s of stats) if (groups.has(s.pgrp) && s.pid !== root) found.add(s.pid);
  return [...found].sort((a, b) => a - b);
}

/** A pid counts as alive while it exists and is not a zombie (an exited process waiting to be reaped). */
export function isAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** The command line of a process, space-joined; '' when it is gone. */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** Process groups of the given pids (skipping any that are gone). */
export function processGroups(pids: readonly number[]): number[] {
  const groups = new Set<number>();
  for (const pid of pids) {
    const pgrp = readStat(pid)?.pgrp;
    if (pgrp !== undefined) groups.add(pgrp);
  }
  return [...groups];
}

/** Live (non-zombie) members of the given process groups: what would outlive a router's shutdown. */
export function liveGroupMembers(groups: readonly number[]): number[] {
  const wanted = new Set(groups);
  return allStats()
    .filter((s) => wanted.has(s.pgrp) && s.state !== 'Z' && s.state !== 'X')
    .map((s) => s.pid);
}

/** Resolves when every recorded pid and every member of their process groups is gone (bounded). */
export async function allGone(tree: readonly number[], groups: readonly number[], timeoutMs = 10_000): Promise<void> {
  const left = () => [...new Set([...tree.filter(isAlive), ...liveGroupMembers(groups)])];
  try {
    await eventually(() => left().length === 0, { what: 'processes to exit', timeoutMs });
  } catch {
    throw new Error(`processes outlived the router: ${left().map((p) => `${p} [${commandLine(p)}]`).join('; ')}`);
  }
}

/** Test clean-up: SIGKILL, by pid, whatever a test started that is still running. */
export function killLeftovers(tree: readonly number[], groups: readonly number[]): void {
  for (const pid of new Set([...tree, ...liveGroupMembers(groups)])) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
}
