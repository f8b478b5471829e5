/**
 * Which tools each workspace used, how often and how lately: the memory that lets a capped list
 * (maxTools) put today's tools first, kept across restarts in a small JSON file.
 *
 * Several router processes may share the file (every stdio client starts its own router), so a
 * flush re-reads the file and adds only this process's increments since its last flush: counts
 * from other processes are kept instead of overwritten. Writes are debounced (a call must not cost
 * a disk write) and atomic (temp file + rename), so a crash never leaves half a file behind.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Logger } from '../log.js';

export interface ToolUsage {
  count: number;
  /** Epoch milliseconds of the last call. */
  last: number;
}

type UsageMap = Map<string, Map<string, ToolUsage>>;

interface UsageFile {
  version: 1;
  workspaces: Record<string, Record<string, ToolUsage>>;
}

/** Tools kept per workspace: the file stays small even in a workspace over a huge catalog. */
const MAX_TOOLS_PER_WORKSPACE = 500;
const DEFAULT_DEBOUNCE_MS = 2000;
const HALF_LIFE_MS = 7 * 24 * 3600 * 1000;

/** Where the state file lives: $SWITCHBOARD_STATE_DIR, else the platform's per-user state dir. */
export function usageFilePath(env: NodeJS.ProcessEnv, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.SWITCHBOARD_STATE_DIR) return join(env.SWITCHBOARD_STATE_DIR, 'usage.json');
  let base: string;
  if (env.XDG_STATE_HOME) base = env.XDG_STATE_HOME;
  else if (platform === 'darwin') base = join(home, 'Library', 'Application Support');
  else if (platform === 'win32') base = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
  else base = join(home, '.local', 'state');
  return join(base, 'mcp-switchboard', 'usage.json');
}

/** Recent and frequent both count: a tool used 10 times last month ranks near one used 3 times today. */
export function frecency(usage: ToolUsage, now: number): number {
  const age = Math.max(0, now - usage.last);
  return usage.count * Math.pow(0.5, age / HALF_LIFE_MS);
}

/**
 * Usage shared by the replicas of a cluster (cluster/shared-usage.ts). Increments are only buffered
 * on the call path; the cluster-wide view is read in the background, so ranking never waits on Redis.
 */
export interface UsageShare {
  add(workspace: string, tool: string, count: number, last: number): void;
  /** Every replica's usage of a workspace (as last read, plus this replica's since), or undefined: use local. */
  merged(workspace: string): ReadonlyMap<string, ToolUsage> | undefined;
}

export interface UsageStoreOptions {
  log: Logger;
  debounceMs?: number;
  now?: () => number;
  /** A replica of a cluster: rank by the whole cluster's usage while Redis answers. */
  share?: UsageShare;
}

export class UsageStore {
  private data?: UsageMap;
  /** Increments not yet on disk, merged into whatever the file holds at flush time. */
  private readonly pending: UsageMap = new Map();
  private timer?: NodeJS.Timeout;
  private readonly now: () => number;

  /** `file` undefined: keep usage in memory only (tests, code-built routers). */
  constructor(
    private readonly file: string | undefined,
    private readonly options: UsageStoreOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** A copy of one workspace's usage, by tool key. */
  snapshot(workspace: string): Map<string, ToolUsage> {
    return new Map(this.options.share?.merged(workspace) ?? this.loaded().get(workspace));
  }

  record(workspace: string, tool: string): void {
    const now = this.now();
    this.options.share?.add(workspace, tool, 1, now);
    bump(this.loaded(), workspace, tool, 1, now);
    bump(this.pending, workspace, tool, 1, now);
    if (this.file && !this.timer) {
      this.timer = setTimeout(() => this.flush(), this.options.debounceMs ?? DEFAULT_DEBOUNCE_MS);
      // Pending usage must not keep a finished process alive; close() flushes it.
      this.timer.unref();
    }
  }

  /** Write pending increments now (synchronously: it also runs on the way out of the process). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (!this.file || this.pending.size === 0) return;
    const merged = this.read();
    for (const [ws, tools] of this.pending) for (const [tool, u] of tools) bump(merged, ws, tool, u.count, u.last);
    this.pending.clear();
    this.data = merged;
    try {
      mkdirSync(dirname(this.file), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      writeFileSync(tmp, JSON.stringify(toFile(merged)));
      renameSync(tmp, this.file);
    } catch (err) {
      this.options.log.warn({ err: String(err), file: this.file }, 'could not save tool usage; ordering by usage will start fresh next time');
    }
  }

  close(): void {
    this.flush();
  }

  private loaded(): UsageMap {
    return (this.data ??= this.read());
  }

  private read(): UsageMap {
    if (!this.file) return this.data ?? new Map();
    let text: string;
    try {
      text = readFileSync(this.file, 'utf8');
    } catch {
      return new Map(); // no file yet: nothing used
    }
    try {
      return fromFile(JSON.parse(text) as unknown);
    } catch (err) {
      this.options.log.warn({ file: this.file, err: String(err) }, 'tool usage file is corrupt; starting fresh');
      return new Map();
    }
  }
}

function bump(map: UsageMap, workspace: string, tool: string, count: number, last: number): void {
  let tools = map.get(workspace);
  if (!tools) map.set(workspace, (tools = new Map()));
  const u = tools.get(tool);
  tools.set(tool, { count: (u?.count ?? 0) + count, last: Math.max(u?.last ?? 0, last) });
}

function fromFile(raw: unknown): UsageMap {
  const file = raw as Partial<UsageFile> | null;
  if (!file || typeof file !== 'object' || file.version !== 1 || typeof file.workspaces !== 'object' || file.workspaces === null) {
    throw new Error('expected {"version":1,"workspaces":{...}}');
  }
  const map: UsageMap = new Map();
  for (const [ws, tools] of Object.entries(file.workspaces)) {
    if (!tools || typeof tools !== 'object') continue;
    for (const [tool, u] of Object.entries(tools)) {
      if (Number.isFinite(u?.count) && Number.isFinite(u?.last)) bump(map, ws, tool, u.count, u.last);
    }
  }
  return map;
}

function toFile(map: UsageMap): UsageFile {
  const workspaces: UsageFile['workspaces'] = {};
  for (const [ws, tools] of map) {
    // Keep the most recently used tools when a workspace outgrows the cap.
    const kept = [...tools].sort((a, b) => b[1].last - a[1].last).slice(0, MAX_TOOLS_PER_WORKSPACE);
    workspaces[ws] = Object.fromEntries(kept);
  }
  return { version: 1, workspaces };
}
