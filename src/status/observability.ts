/**
 * Everything that watches one router, in one place: the Prometheus metrics, the recent calls ring,
 * backend uptime and restarts, sessions by front. `serve` builds it before the router (whose options
 * take its observers and hooks) and hands its snapshot and metrics to the HTTP routes. Sources it
 * reads (backends, workspaces) are functions, so they may be built after it.
 */
import type { Backend } from '../backends/backend.js';
import type { RouterConfig } from '../config/types.js';
import { configSecrets, createRedactor } from '../config/redact.js';
import type { ForwardObserver } from '../engine/engine.js';
import type { ListChangedKind } from '../front/session.js';
import { BackendHistory } from './backend-history.js';
import { RouterMetrics, type QueueDepths } from './metrics.js';
import { RecentCalls, type CallRecord } from './recent-calls.js';
import { SessionCounts, type EndingSession, type FrontKind } from './sessions.js';
import { statusSnapshot, type BackendView, type StatusSnapshot, type WorkspaceListing } from './snapshot.js';

export interface ObservabilityOptions {
  config: Pick<RouterConfig, 'servers' | 'listen'>;
  version: string;
  backends: () => readonly BackendView[];
  workspaces?: () => WorkspaceListing[];
  queues?: QueueDepths;
  recentCalls?: number;
  /** This process is a replica of a cluster: its id labels every metric and heads the status page. */
  replica?: string;
  /** Every replica's recent calls (cluster/shared-recent.ts); undefined while they cannot be read. */
  clusterCalls?: () => CallRecord[] | undefined;
  /** What hides secrets on the status page; default: one over `config`'s secrets (serve passes one a reload extends). */
  redact?: (text: string) => string;
}

export class Observability {
  readonly metrics: RouterMetrics;
  readonly sessions = new SessionCounts();
  private readonly history = new BackendHistory();
  private readonly calls: RecentCalls;
  private readonly redact: (text: string) => string;
  private readonly startedAt = Date.now();

  constructor(private readonly options: ObservabilityOptions) {
    this.redact = options.redact ?? createRedactor(configSecrets(options.config));
    this.calls = new RecentCalls({ capacity: options.recentCalls ?? 100, redact: this.redact });
    const names = options.config.servers.filter((s) => s.enabled).map((s) => s.name);
    this.metrics = new RouterMetrics({ backends: options.backends, sessions: () => this.sessions.counts(), ...(options.queues && { queues: options.queues }) }, names, options.replica);
  }

  /** For RouterOptions: observers of every forward, and the router's hooks. */
  routerOptions(): { observers: ForwardObserver[]; onBackendState: (backend: Backend) => void; onListChangedSent: (kind: ListChangedKind) => void } {
    return {
      observers: [this.metrics, this.calls],
      onBackendState: (backend) => {
        if (this.history.record(backend.name, backend.state)) this.metrics.backendRestarted(backend.name);
      },
      onListChangedSent: (kind) => this.metrics.listChangedSent(kind),
    };
  }

  /** Count a client session under the front it came through, until it closes. */
  track<S extends EndingSession>(session: S, kind: FrontKind | undefined): S {
    if (kind) this.sessions.track(session, kind);
    return session;
  }

  /** This replica's recent calls, newest first (what a cluster shares). */
  localCalls(): CallRecord[] {
    return this.calls.list();
  }

  snapshot(): StatusSnapshot {
    const clusterCalls = this.options.clusterCalls?.();
    return statusSnapshot({
      ...(this.options.replica !== undefined && { replica: this.options.replica }),
      version: this.options.version,
      startedAt: this.startedAt,
      backends: this.options.backends,
      workspaces: this.options.workspaces ?? (() => []),
      history: this.history,
      sessions: this.sessions,
      calls: clusterCalls ? { list: () => clusterCalls } : this.calls,
      redact: this.redact,
    });
  }

  close(): void {
    this.metrics.close();
  }
}
