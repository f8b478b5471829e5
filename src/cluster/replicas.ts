/**
 * Who else is in the cluster and where to reach them. Each replica keeps a short-lived key
 * `switchboard:replica:<id>` = its advertise URL, renewed by a heartbeat: a replica that dies
 * (SIGKILL, lost node) drops out of the map within one TTL, with nobody having to notice.
 * Addresses are remembered locally once seen, so forwarding keeps working through a Redis outage.
 */
import type { ClusterRedis } from './redis.js';
import type { Logger } from '../log.js';

export interface ReplicaTimings {
  heartbeatMs: number;
  ttlMs: number;
}

const DEFAULT_TIMINGS: ReplicaTimings = { heartbeatMs: 2000, ttlMs: 6000 };

export class ReplicaRegistry {
  readonly #known = new Map<string, string>();
  #timer?: NodeJS.Timeout;
  readonly #timings: ReplicaTimings;

  constructor(
    private readonly redis: ClusterRedis,
    readonly self: string,
    private readonly log: Logger,
    timings: Partial<ReplicaTimings> = {},
  ) {
    this.#timings = { ...DEFAULT_TIMINGS, ...timings };
  }

  #selfUrl?: string;

  /** Announce this replica at `url` and keep announcing it until close(). */
  start(url: string): void {
    this.#selfUrl = url;
    this.#known.set(this.self, url);
    void this.#beat();
    this.#timer = setInterval(() => void this.#beat(), this.#timings.heartbeatMs);
    this.#timer.unref();
    // A Redis that comes back learns about us at once, not one heartbeat later.
    this.redis.onAvailability((up) => up && void this.#beat());
  }

  get url(): string | undefined {
    return this.#selfUrl;
  }

  /** Where replica `id` listens: from Redis when it answers (fresh), else the last address seen. */
  async urlOf(id: string): Promise<string | undefined> {
    if (id === this.self) return this.#selfUrl;
    if (this.redis.available) {
      try {
        const url = await this.redis.client.get(this.redis.key('replica', id));
        if (url) this.#known.set(id, url);
        else this.#known.delete(id); // expired: the replica is gone
        return url ?? undefined;
      } catch {
        // fall through to what we knew
      }
    }
    return this.#known.get(id);
  }

  /** Every replica alive now (this one included), by id. */
  async alive(): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (this.#selfUrl) found.set(this.self, this.#selfUrl);
    const keys = await this.redis.run('list the replicas', async (r) => {
      const all: string[] = [];
      let cursor = '0';
      do {
        const [next, batch] = await r.scan(cursor, 'MATCH', this.redis.key('replica', '*'), 'COUNT', 100);
        cursor = next;
        all.push(...batch);
      } while (cursor !== '0');
      return all;
    });
    if (keys.length === 0) return found;
    const urls = await this.redis.run('list the replicas', (r) => r.mget(keys));
    keys.forEach((key, i) => {
      const url = urls[i];
      const id = key.slice(this.redis.key('replica', '').length);
      if (url) found.set(id, url);
      if (url && id !== this.self) this.#known.set(id, url);
    });
    return found;
  }

  /** Forget a replica that could not be reached (until Redis says it is back). */
  forget(id: string): void {
    if (id !== this.self) this.#known.delete(id);
  }

  async close(): Promise<void> {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
    if (this.redis.available) await this.redis.client.del(this.redis.key('replica', this.self)).catch(() => undefined);
  }

  async #beat(): Promise<void> {
    if (!this.#selfUrl || !this.redis.available) return;
    try {
      await this.redis.client.set(this.redis.key('replica', this.self), this.#selfUrl, 'PX', this.#timings.ttlMs);
    } catch (err) {
      this.log.debug({ err: String(err) }, 'replica heartbeat failed');
    }
  }
}
