/**
 * What one replica sees and every replica's clients must hear (a list changed, a resource was
 * updated), passed on through Redis pub/sub on one channel. Each message carries its sender's id, so
 * a replica ignores its own. Delivery is at most once and may repeat a change another replica also
 * saw by itself: harmless, since both notices only mean "list (or read) again".
 *
 * Redis is never on a request's path here: publishing is fire-and-forget, and while Redis is down
 * each replica still tells its own clients. What crossed no replica meanwhile is made good when Redis
 * returns: a replica that could not publish sends `resync` (every list changed), and one whose
 * subscription broke tells its own clients `resync`, since messages sent meanwhile are gone.
 */
import type { Logger } from '../log.js';
import type { ClusterRedis } from './redis.js';

export interface ClusterEvent {
  /** Kinds of list that changed (tools, prompts, resources, resourceTemplates). */
  lists?: string[];
  /** A resource update a shared backend connection received, in the backend's own URI. */
  updated?: { server: string; uri: string; params: Record<string, unknown> };
}

interface WireEvent extends ClusterEvent {
  from: string;
}

export class ClusterEvents {
  readonly channel: string;
  readonly #handlers = new Set<(event: ClusterEvent) => void>();
  readonly #stops: Array<() => void> = [];
  #missed = false;
  #subscribedOnce = false;
  #closed = false;

  constructor(
    private readonly redis: ClusterRedis,
    private readonly self: string,
    private readonly log: Logger,
    /** What to make good with after an outage: "everything may have changed". */
    private readonly resync: ClusterEvent,
  ) {
    this.channel = redis.key('events');
  }

  /** Handlers get events of the other replicas (and `resync` after a broken subscription). */
  on(handler: (event: ClusterEvent) => void): () => void {
    this.#handlers.add(handler);
    return () => this.#handlers.delete(handler);
  }

  start(): void {
    const subscriber = this.redis.subscriber();
    const onMessage = (channel: string, text: string): void => {
      if (channel === this.channel) this.#receive(text);
    };
    // ioredis subscribes again by itself after a reconnect; each 'ready' after the first is one.
    const onReady = (): void => {
      if (this.#subscribedOnce) this.#deliver(this.resync);
    };
    subscriber.on('message', onMessage);
    subscriber.on('ready', onReady);
    this.#stops.push(() => subscriber.off('message', onMessage), () => subscriber.off('ready', onReady));
    void subscriber
      .subscribe(this.channel)
      .then(() => (this.#subscribedOnce = true))
      .catch((err: unknown) => this.log.warn({ err: String(err) }, 'could not subscribe to cluster events; retrying when Redis is back'));
    this.#stops.push(
      this.redis.onAvailability((up) => {
        if (!up || !this.#missed) return;
        this.#missed = false;
        this.publish(this.resync);
      }),
    );
  }

  /** Tell the other replicas; never waits, never fails (a missed event is made good on reconnect). */
  publish(event: ClusterEvent): void {
    if (this.#closed) return;
    if (!this.redis.available) {
      this.#missed = true;
      return;
    }
    const wire: WireEvent = { from: this.self, ...event };
    this.redis.client.publish(this.channel, JSON.stringify(wire)).catch(() => (this.#missed = true));
  }

  close(): void {
    this.#closed = true;
    for (const stop of this.#stops.splice(0)) stop();
    this.#handlers.clear();
  }

  #receive(text: string): void {
    let wire: WireEvent;
    try {
      wire = JSON.parse(text) as WireEvent;
    } catch {
      return;
    }
    if (!wire || typeof wire !== 'object' || wire.from === this.self) return;
    const event: ClusterEvent = {};
    if (Array.isArray(wire.lists)) event.lists = wire.lists.filter((k): k is string => typeof k === 'string');
    const u = wire.updated;
    if (u && typeof u.server === 'string' && typeof u.uri === 'string' && u.params && typeof u.params === 'object') event.updated = { server: u.server, uri: u.uri, params: u.params };
    this.#deliver(event);
  }

  #deliver(event: ClusterEvent): void {
    for (const handler of this.#handlers) {
      try {
        handler(event);
      } catch (err) {
        this.log.warn({ err: String(err) }, 'a cluster event handler failed');
      }
    }
  }
}
