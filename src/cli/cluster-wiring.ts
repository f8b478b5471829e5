/**
 * What a replica shares with the others beyond signed state (docs/scaling.md, "What is shared and
 * why"), composed here so the router knows nothing of Redis: list changes and resource updates go
 * out to, and come in from, the other replicas through pub/sub (cluster/events.ts), reaching
 * subscriptions/listen streams and, cheaply, 2025 sessions too; tool usage (maxTools ranking) and
 * the status page's recent calls are counted cluster-wide, in the background (cluster/shared-*.ts).
 */
import type { Cluster } from '../cluster/cluster.js';
import { ClusterEvents, type ClusterEvent } from '../cluster/events.js';
import { LIST_KINDS, type ListKind } from '../backends/lists.js';
import type { FrontSession } from '../front/session.js';
import type { Router } from '../router.js';
import { SharedUsage } from '../cluster/shared-usage.js';
import { SharedRecentCalls } from '../cluster/shared-recent.js';
import type { Observability } from '../status/observability.js';
import type { CallRecord } from '../status/recent-calls.js';

/** As many as one replica's page keeps: the cluster's page shows the newest of all replicas. */
const RECENT_CALLS = 100;

const NOTICE: Record<ListKind, string> = {
  tools: 'notifications/tools/list_changed',
  prompts: 'notifications/prompts/list_changed',
  resources: 'notifications/resources/list_changed',
  resourceTemplates: 'notifications/resources/list_changed',
};

export class ClusterWiring {
  readonly events: ClusterEvents;
  /** For the UsageStore (workspace/usage.ts): rank by every replica's calls. */
  readonly usage: SharedUsage;
  /** For the status page: every replica's recent calls. */
  readonly calls?: SharedRecentCalls<CallRecord>;
  readonly #sessions = new Set<FrontSession>();
  readonly #stops: Array<() => void> = [];

  constructor(
    private readonly cluster: Cluster,
    private readonly router: Router,
    observability?: Observability,
  ) {
    this.usage = new SharedUsage(cluster.redis, cluster.log);
    if (observability) this.calls = new SharedRecentCalls(cluster.redis, cluster.replicaId, () => observability.localCalls(), cluster.log, { capacity: RECENT_CALLS });
    this.events = new ClusterEvents(cluster.redis, cluster.replicaId, cluster.log, { lists: [...LIST_KINDS] });
    this.#stops.push(
      // A replica's first listing of its backends is no news to the others (their lists came from
      // their own processes): only changes after its first start go out.
      router.modern.watchListChanges((kinds) => router.isStarted() && this.events.publish({ lists: [...kinds] })),
      // Only a shared connection's updates concern other replicas (an isolated one is one session's).
      router.engine.subscriptions.watchUpdates((backend, uri, params) => {
        if (backend.config.isolation !== 'session') this.events.publish({ updated: { server: backend.name, uri, params } });
      }),
      this.events.on((event) => this.#remote(event)),
    );
    this.events.start();
  }

  /** A 2025 session of this replica: it hears list changes the other replicas saw, until it closes. */
  track<S extends FrontSession>(session: S): S {
    this.#sessions.add(session);
    session.onClose(() => this.#sessions.delete(session));
    return session;
  }

  close(): void {
    for (const stop of this.#stops.splice(0)) stop();
    this.events.close();
    this.usage.close();
    this.calls?.close();
  }

  #remote(event: ClusterEvent): void {
    const kinds = (event.lists ?? []).filter((k): k is ListKind => (LIST_KINDS as readonly string[]).includes(k));
    if (kinds.length > 0) {
      this.router.modern.remoteListsChanged(kinds);
      const notices = new Set(kinds.map((k) => NOTICE[k]));
      for (const session of this.#sessions) for (const notice of notices) session.notify(notice, {});
    }
    const u = event.updated;
    if (u) this.router.engine.subscriptions.remoteUpdated(u.server, u.uri, u.params);
  }
}
