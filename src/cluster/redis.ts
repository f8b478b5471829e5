/**
 * The cluster's connection to Redis (ioredis). Shared state is an add-on to serving, never a
 * precondition: while Redis is unreachable every command fails at once with SB_CLUSTER_UNAVAILABLE
 * (no offline queue that would make callers hang), what needs no shared state keeps working, and
 * ioredis reconnects on its own. Subscriptions get their own connection, because a subscribed Redis
 * connection can run nothing else.
 */
import { Redis, type RedisOptions } from 'ioredis';
import { SwitchboardError } from '../errors/index.js';
import type { Logger } from '../log.js';

/** Every key and channel the router uses starts with this, so one Redis can serve other things too. */
export const KEY_PREFIX = 'switchboard:';
/** Reconnect quickly at first, then every 2 s: a Redis restart should be noticed within seconds. */
const retryStrategy = (attempt: number): number => Math.min(100 * attempt, 2000);

export class ClusterRedis {
  readonly client: Redis;
  #subscriber?: Redis;
  #up = false;
  #closed = false;
  readonly #watchers = new Set<(up: boolean) => void>();
  readonly #log: Logger;

  constructor(
    private readonly url: string,
    log: Logger,
  ) {
    this.#log = log.child({ component: 'redis' });
    this.client = this.#connect('commands');
  }

  /** A key (or channel) of ours: `switchboard:<parts joined by ':'>`. */
  key(...parts: string[]): string {
    return KEY_PREFIX + parts.join(':');
  }

  get available(): boolean {
    return this.#up;
  }

  /** Called with true when Redis comes (back) up, false when it goes away. */
  onAvailability(watcher: (up: boolean) => void): () => void {
    this.#watchers.add(watcher);
    return () => this.#watchers.delete(watcher);
  }

  /** Resolves true once connected, false if `timeoutMs` passed first (start-up goes on either way). */
  ready(timeoutMs: number): Promise<boolean> {
    if (this.#up) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(false), timeoutMs);
      timer.unref();
      const stop = this.onAvailability((up) => up && done(true));
      function done(value: boolean): void {
        clearTimeout(timer);
        stop();
        resolve(value);
      }
    });
  }

  /**
   * Run commands that need Redis. Refused at once with SB_CLUSTER_UNAVAILABLE while it is down, and
   * any failure on the way becomes that same error, naming `what` was being done.
   */
  async run<T>(what: string, fn: (redis: Redis) => Promise<T>): Promise<T> {
    if (!this.#up) throw unavailable(what);
    try {
      return await fn(this.client);
    } catch (err) {
      throw unavailable(what, err);
    }
  }

  /** The connection for SUBSCRIBE / PSUBSCRIBE (made on first use). */
  subscriber(): Redis {
    this.#subscriber ??= this.#connect('subscriber');
    return this.#subscriber;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#watchers.clear();
    await Promise.all([this.client, this.#subscriber].map((c) => c?.quit().catch(() => c.disconnect())));
  }

  #connect(role: 'commands' | 'subscriber'): Redis {
    const options: RedisOptions = {
      enableOfflineQueue: role === 'subscriber', // a subscriber re-subscribes after a reconnect
      maxRetriesPerRequest: 1,
      connectTimeout: 2000,
      commandTimeout: role === 'commands' ? 2000 : undefined,
      retryStrategy,
      connectionName: `switchboard-${role}`,
    };
    const client = new Redis(this.url, options);
    if (role === 'commands') {
      client.on('ready', () => this.#set(true));
      client.on('close', () => this.#set(false));
    }
    // ioredis emits 'error' for every failed reconnect: log the first of each outage only.
    client.on('error', (err: Error) => {
      if (this.#up || role === 'subscriber') this.#log.debug({ err: err.message, role }, 'redis error');
    });
    return client;
  }

  #set(up: boolean): void {
    if (this.#up === up || this.#closed) return;
    this.#up = up;
    if (up) this.#log.info({ redis: redactedUrl(this.url) }, 'redis connected');
    else this.#log.warn({ redis: redactedUrl(this.url) }, 'redis unreachable: shared state refused until it returns; plain requests go on');
    for (const watcher of this.#watchers) watcher(up);
  }
}

function unavailable(what: string, cause?: unknown): SwitchboardError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new SwitchboardError('SB_CLUSTER_UNAVAILABLE', `cannot ${what}: the cluster's Redis is unreachable${why}; retry in a moment`, cause === undefined ? undefined : { cause });
}

/** redis://user:pass@host:6379/0 shown as redis://host:6379/0. */
function redactedUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString();
  } catch {
    return '(invalid url)';
  }
}
