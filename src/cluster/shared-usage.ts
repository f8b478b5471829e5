/**
 * Tool usage counted across the cluster (what ranks tools for a workspace's maxTools): each replica
 * buffers its increments and, about once a second, sends them in one pipeline (HINCRBY for counts,
 * ZADD GT for the latest use) and reads the merged counts back in the same round trip. A call costs
 * a map update, never a Redis command. While Redis is down increments wait in the buffer (nothing is
 * lost) and merged() says "use your own": ranking goes on from this replica's usage alone.
 */
import type { Logger } from '../log.js';
import type { ClusterRedis } from './redis.js';

export interface UsageCount {
  count: number;
  last: number;
}

type Counts = Map<string, Map<string, UsageCount>>;

export interface SharedUsageOptions {
  /** How often increments go out (and, when some did, the merged view comes back). */
  flushMs?: number;
  /** How often the merged view is read when this replica had nothing to send. */
  readMs?: number;
}

const DEFAULT_FLUSH_MS = 1000;
const DEFAULT_READ_MS = 5000;

export class SharedUsage {
  /** Increments since the last flush began: added to the merged view until it includes them. */
  #pending: Counts = new Map();
  /** Every replica's counts as last read, per workspace. */
  #view = new Map<string, Map<string, UsageCount>>();
  #viewFresh = false;
  readonly #workspaces = new Set<string>();
  readonly #timer: NodeJS.Timeout;
  #lastRead = 0;
  #busy = false;
  readonly #flushMs: number;
  readonly #readMs: number;

  constructor(
    private readonly redis: ClusterRedis,
    private readonly log: Logger,
    options: SharedUsageOptions = {},
  ) {
    this.#flushMs = options.flushMs ?? DEFAULT_FLUSH_MS;
    this.#readMs = options.readMs ?? DEFAULT_READ_MS;
    this.#timer = setInterval(() => void this.tick(), this.#flushMs);
    this.#timer.unref();
    redis.onAvailability((up) => {
      if (!up) this.#viewFresh = false;
    });
  }

  add(workspace: string, tool: string, count: number, last: number): void {
    this.#workspaces.add(workspace);
    bump(this.#pending, workspace, tool, count, last);
  }

  merged(workspace: string): ReadonlyMap<string, UsageCount> | undefined {
    this.#workspaces.add(workspace);
    if (!this.#viewFresh || !this.redis.available) return undefined;
    const merged = new Map(this.#view.get(workspace));
    for (const [tool, u] of this.#pending.get(workspace) ?? []) {
      const seen = merged.get(tool);
      merged.set(tool, { count: (seen?.count ?? 0) + u.count, last: Math.max(seen?.last ?? 0, u.last) });
    }
    return merged;
  }

  /** One flush-and-read (the timer's work; tests call it to skip the wait). */
  async tick(): Promise<void> {
    if (this.#busy || !this.redis.available) return;
    const batch = this.#pending;
    if (batch.size === 0 && Date.now() - this.#lastRead < this.#readMs) return;
    this.#busy = true;
    this.#pending = new Map();
    const workspaces = [...this.#workspaces];
    try {
      const results = await this.redis.run('share tool usage', (r) => {
        const p = r.pipeline();
        for (const [ws, tools] of batch) {
          for (const [tool, u] of tools) {
            p.hincrby(this.#countKey(ws), tool, u.count);
            p.zadd(this.#lastKey(ws), 'GT', u.last, tool);
          }
        }
        for (const ws of workspaces) p.hgetall(this.#countKey(ws)).zrange(this.#lastKey(ws), '0', '-1', 'WITHSCORES');
        return p.exec();
      });
      const reads = (results ?? []).slice(results!.length - workspaces.length * 2);
      if (reads.some(([err]) => err)) throw reads.find(([err]) => err)![0];
      const view = new Map<string, Map<string, UsageCount>>();
      workspaces.forEach((ws, i) => view.set(ws, parseView(reads[2 * i]![1] as Record<string, string>, reads[2 * i + 1]![1] as string[])));
      this.#view = view;
      this.#viewFresh = true;
      this.#lastRead = Date.now();
    } catch (err) {
      // Not lost: back into the buffer, sent with the next flush that reaches Redis.
      for (const [ws, tools] of batch) for (const [tool, u] of tools) bump(this.#pending, ws, tool, u.count, u.last);
      this.log.debug({ err: String(err) }, 'sharing tool usage failed; kept for the next flush');
    } finally {
      this.#busy = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }

  #countKey(ws: string): string {
    return this.redis.key('usage', ws, 'count');
  }

  #lastKey(ws: string): string {
    return this.redis.key('usage', ws, 'last');
  }
}

function bump(map: Counts, workspace: string, tool: string, count: number, last: number): void {
  let tools = map.get(workspace);
  if (!tools) map.set(workspace, (tools = new Map()));
  const u = tools.get(tool);
  tools.set(tool, { count: (u?.count ?? 0) + count, last: Math.max(u?.last ?? 0, last) });
}

function parseView(counts: Record<string, string>, lasts: string[]): Map<string, UsageCount> {
  const last = new Map<string, number>();
  for (let i = 0; i + 1 < lasts.length; i += 2) last.set(lasts[i]!, Number(lasts[i + 1]));
  const view = new Map<string, UsageCount>();
  for (const [tool, count] of Object.entries(counts)) view.set(tool, { count: Number(count), last: last.get(tool) ?? 0 });
  return view;
}
