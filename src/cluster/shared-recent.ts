/**
 * The status page's recent calls, cluster-wide: each replica appends the calls that ended since its
 * last flush to one capped Redis list (LPUSH + LTRIM, about once a second, one pipeline) and reads
 * the list back in the same round trip. The forward path never touches Redis: this reads the local
 * ring (already formatted and redacted) in the background. While Redis is down list() says "use
 * your own", and the page shows this replica's calls only.
 */
import type { Logger } from '../log.js';
import type { ClusterRedis } from './redis.js';

export interface SharedCall {
  /** Increasing per replica: what this replica has already sent. */
  seq: number;
  /** Which replica served the call. */
  replica?: string;
}

export interface SharedRecentOptions {
  capacity: number;
  flushMs?: number;
  readMs?: number;
}

const DEFAULT_FLUSH_MS = 1000;
const DEFAULT_READ_MS = 3000;

export class SharedRecentCalls<C extends SharedCall> {
  #sentSeq = 0;
  #view?: C[];
  #lastRead = 0;
  #busy = false;
  readonly #timer: NodeJS.Timeout;
  readonly #key: string;

  constructor(
    private readonly redis: ClusterRedis,
    private readonly replica: string,
    /** This replica's recent calls, newest first. */
    private readonly local: () => C[],
    private readonly log: Logger,
    private readonly options: SharedRecentOptions,
  ) {
    this.#key = redis.key('recent-calls');
    this.#timer = setInterval(() => void this.tick(), options.flushMs ?? DEFAULT_FLUSH_MS);
    this.#timer.unref();
    redis.onAvailability((up) => {
      if (!up) this.#view = undefined;
    });
  }

  /**
   * Every replica's recent calls, newest first, each naming its replica (this replica's calls not
   * sent yet first: the page shows a call the moment it ends); undefined: show local.
   */
  list(): C[] | undefined {
    if (!this.redis.available || !this.#view) return undefined;
    const unsent = this.local().filter((c) => c.seq > this.#sentSeq).map((c) => ({ ...c, replica: this.replica }));
    return [...unsent, ...this.#view].slice(0, this.options.capacity);
  }

  /** One flush-and-read (the timer's work; tests call it to skip the wait). */
  async tick(): Promise<void> {
    if (this.#busy || !this.redis.available) return;
    const fresh = this.local().filter((c) => c.seq > this.#sentSeq);
    if (fresh.length === 0 && Date.now() - this.#lastRead < (this.options.readMs ?? DEFAULT_READ_MS)) return;
    this.#busy = true;
    try {
      // Oldest first: LPUSH puts the last value at the head, so the list stays newest first.
      const values = fresh.reverse().map((c) => JSON.stringify({ ...c, replica: this.replica }));
      const cap = this.options.capacity;
      const results = await this.redis.run('share recent calls', (r) => {
        const p = r.pipeline();
        if (values.length > 0) p.lpush(this.#key, ...values).ltrim(this.#key, 0, cap - 1);
        return p.lrange(this.#key, 0, cap - 1).exec();
      });
      const [err, read] = results!.at(-1)!;
      if (err) throw err;
      if (fresh.length > 0) this.#sentSeq = fresh.at(-1)!.seq;
      this.#view = (read as string[]).map((text) => JSON.parse(text) as C);
      this.#lastRead = Date.now();
    } catch (err) {
      this.log.debug({ err: String(err) }, 'sharing recent calls failed; retrying with the next flush');
    } finally {
      this.#busy = false;
    }
  }

  close(): void {
    clearInterval(this.#timer);
  }
}
