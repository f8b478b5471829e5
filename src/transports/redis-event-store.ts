/**
 * A cluster replica's event store: one Redis Stream per session stream
 * (`switchboard:events:<session>:<stream>`), so what a replica keeps for replay lives outside its
 * heap and is bounded in one place for every replica (router.yaml `cluster.events`).
 *
 * Bounds: XADD trims each stream to about `maxLength` entries (MAXLEN ~, which trims whole radix
 * nodes: cheap), and the key expires `maxAgeMs` after its last event; a replay never returns an
 * event older than `maxAgeMs` either. Each event's Redis id is its position (`<ms>-<seq>`), so a
 * replay is one XRANGE from the Last-Event-ID on, exclusive.
 *
 * Appends are pipelined and never awaited by the writer: the event reaches the socket first. While
 * Redis is down appends are skipped and replays return nothing: the live stream goes on, only what a
 * broken stream missed in that time cannot be replayed (docs/scaling.md).
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import type { ClusterRedis } from '../cluster/redis.js';
import type { Logger } from '../log.js';
import { parseEventId, type EventBounds, type EventPosition, type EventStore, type StoredEvent } from './event-store.js';

export class RedisEventStore implements EventStore {
  /** Stream ids each live session has written, so forget() can delete them. */
  readonly #streams = new Map<string, Set<string>>();
  #failures = 0;

  constructor(
    private readonly redis: ClusterRedis,
    private readonly bounds: EventBounds,
    private readonly log: Logger,
  ) {}

  append(sessionId: string, event: StoredEvent): void {
    const at = parseEventId(event.id);
    if (!at || !this.redis.available) return;
    let streams = this.#streams.get(sessionId);
    if (!streams) this.#streams.set(sessionId, (streams = new Set()));
    streams.add(at.streamId);
    const key = this.#key(sessionId, at.streamId);
    // One pipeline (one write, no MULTI): the two commands need no atomicity, only order.
    this.redis.client
      .pipeline()
      .xadd(key, 'MAXLEN', '~', String(this.bounds.maxLength), `${at.ms}-${at.seq}`, 'm', JSON.stringify(event.message))
      .pexpire(key, this.bounds.maxAgeMs)
      .exec()
      .then(
        (results) => this.#report(results?.find(([err]) => err)?.[0] ?? undefined),
        (err: unknown) => this.#report(err),
      );
  }

  async replay(sessionId: string, after: EventPosition): Promise<StoredEvent[]> {
    const key = this.#key(sessionId, after.streamId);
    const entries = await this.redis.run('replay the events a broken stream missed', (r) => r.xrange(key, `(${after.ms}-${after.seq}`, '+'));
    const oldest = Date.now() - this.bounds.maxAgeMs;
    const out: StoredEvent[] = [];
    for (const [position, fields] of entries) {
      const ms = Number(position.slice(0, position.indexOf('-')));
      if (ms < oldest) continue;
      const message = fields[fields.indexOf('m') + 1];
      if (message !== undefined) out.push({ id: `${after.streamId}_${position}`, message: JSON.parse(message) as JSONRPCMessage });
    }
    return out;
  }

  forget(sessionId: string): void {
    const streams = this.#streams.get(sessionId);
    this.#streams.delete(sessionId);
    if (!streams || !this.redis.available) return; // else they expire on their own
    void this.redis.client.del(...[...streams].map((s) => this.#key(sessionId, s))).catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#streams.clear();
  }

  #report(err: unknown): void {
    if (err === undefined || err === null) {
      this.#failures = 0;
      return;
    }
    // One line per run of failures: an outage is reported by ClusterRedis already.
    if (this.#failures++ === 0) this.log.warn({ err: String(err) }, 'could not keep an SSE event for replay');
  }

  #key(sessionId: string, streamId: string): string {
    return this.redis.key('events', sessionId, streamId);
  }
}
