/**
 * 2025 sessions on a cluster (docs/scaling.md, "2025-era sessions"). A session is live state (the
 * client's requests in flight, requests the server awaits from it, its backend processes and
 * subscriptions), so it stays on the replica that opened it, whose id is in the session id. A request
 * that the balancer sends elsewhere is relayed to that owner in one hop: no Redis lookup per request
 * (the owner is read from the id, its address cached), and a replica that dies takes only its own
 * sessions, whose clients get a clean 404 and initialize again.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Cluster } from '../cluster/cluster.js';
import { ReplicaForwarder } from '../cluster/forward.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { RedisEventStore } from './redis-event-store.js';
import type { EventStore } from './event-store.js';

/** How often the addresses of every live replica are read ahead (so a Redis outage finds them known). */
const ADDRESS_REFRESH_MS = 5000;

export class SessionForwarding {
  /** Owners' addresses as last seen, so a forwarded request costs no Redis round trip. */
  readonly #urls = new Map<string, string>();
  /** Replicas the last refresh did not find in the registry. */
  readonly #absent = new Set<string>();
  readonly #log: Logger;
  readonly #timer: NodeJS.Timeout;
  readonly #unwatch: () => void;

  constructor(
    private readonly cluster: Cluster,
    log: Logger,
  ) {
    this.#log = log.child({ component: 'session-forwarding' });
    // Every replica's address is learnt ahead, not at the first forward: while Redis is down a
    // replica can still relay to an owner it never relayed to before.
    this.#timer = setInterval(() => void this.#refresh(), ADDRESS_REFRESH_MS);
    this.#timer.unref();
    this.#unwatch = cluster.redis.onAvailability((up) => up && void this.#refresh());
    void this.#refresh();
  }

  close(): void {
    clearInterval(this.#timer);
    this.#unwatch();
  }

  async #refresh(): Promise<void> {
    if (!this.cluster.redis.available) return;
    try {
      const alive = await this.cluster.replicas.alive();
      for (const [id, url] of alive) if (id !== this.cluster.replicaId) this.#urls.set(id, url);
      // A replica missing from the registry twice in a row (its heartbeat expired: a lost node that
      // drops packets rather than refusing them) is no longer tried, so its sessions get their 404
      // at once. Twice: right after Redis returns empty, live replicas are re-announcing.
      for (const id of [...this.#urls.keys()]) {
        if (alive.has(id)) this.#absent.delete(id);
        else if (this.#absent.has(id)) {
          this.#urls.delete(id);
          this.#absent.delete(id);
        } else this.#absent.add(id);
      }
    } catch {
      // Redis went away meanwhile: the addresses known so far stay.
    }
  }

  /** A new session's id: it names this replica. */
  mintSessionId(): string {
    return this.cluster.sessionIds.mint();
  }

  /** Where this replica keeps its sessions' SSE events for replay. */
  eventStore(): EventStore {
    return new RedisEventStore(this.cluster.redis, this.cluster.config.events, this.#log);
  }

  /**
   * A request naming a session this replica does not hold: relay it to the replica that owns it.
   * False when there is no such replica to ask (the id is ours, forged, or the request was already
   * forwarded once): the caller answers 404 as for any unknown session.
   */
  async forward(req: IncomingMessage, res: ServerResponse, body: unknown, sessionId: string): Promise<boolean> {
    const owner = this.cluster.sessionIds.ownerOf(sessionId);
    if (owner === undefined || owner === this.cluster.replicaId || ReplicaForwarder.wasForwarded(req)) return false;
    const cached = this.#urls.get(owner);
    if (cached !== undefined && (await this.cluster.forwarder.forward(req, res, body, cached)) === 'relayed') return true;
    // Not known yet, or unreachable where we last saw it: ask the registry (it may have moved).
    this.#urls.delete(owner);
    const fresh = await this.cluster.replicas.urlOf(owner).catch(() => undefined);
    if (fresh !== undefined && fresh !== cached) {
      if ((await this.cluster.forwarder.forward(req, res, body, fresh)) === 'relayed') {
        this.#urls.set(owner, fresh);
        return true;
      }
    }
    this.cluster.replicas.forget(owner);
    this.#log.info({ owner, session: sessionId.slice(0, owner.length + 9) }, 'the replica of a session is gone: the client must initialize again');
    sendHttpError(res, new SwitchboardError('SB_UNKNOWN_SESSION', `Session not found: the replica that held it (${owner}) is gone; initialize a new session`));
    return true;
  }
}
