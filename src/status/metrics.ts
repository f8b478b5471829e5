/**
 * Prometheus metrics of one router (served at /metrics). One Registry per router, never prom-client's
 * global default: two routers in one process (tests, the bridge) must not count into each other.
 * Gauges that mirror state the router already holds (backend states, sessions, queues) are read at
 * scrape time, so they can never drift from it. Every metric is listed in docs/observability.md.
 *
 * A forward is the hot path: it costs one histogram observation and two Map updates here. Calls and
 * in-flight counts are tallied in plain Maps and handed to prom-client when scraped (its own inc()
 * hashes the labels on every call, a microsecond each on a small VM).
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BackendState } from '../backends/backend.js';
import type { ForwardEnd, ForwardObserver } from '../engine/engine.js';
import type { Forward } from '../engine/services.js';
import type { ListChangedKind } from '../front/session.js';
import { outcomeOf } from './outcome.js';
import { FRONT_KINDS, type FrontKind } from './sessions.js';

/**
 * How many requests wait for admission at a backend. Nothing queues yet: the limits stage will
 * supply the real numbers through this interface.
 */
export interface QueueDepths {
  depth(backend: string): number;
}

export const NO_QUEUES: QueueDepths = { depth: () => 0 };

/** What the gauges read at scrape time. */
export interface MetricsSources {
  backends(): ReadonlyArray<{ readonly name: string; readonly state: BackendState }>;
  sessions(): Record<FrontKind, number>;
  queues?: QueueDepths;
}

const BACKEND_STATES: readonly BackendState[] = ['starting', 'ready', 'down', 'idle', 'failed', 'closed'];
const LIST_CHANGED_KINDS: readonly ListChangedKind[] = ['tools', 'prompts', 'resources'];
/** Seconds: from a cached local lookup to a slow remote tool. */
const LATENCY_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export class RouterMetrics implements ForwardObserver {
  readonly registry = new Registry();
  private readonly duration: Histogram<'backend' | 'method'>;
  /** `backend \0 tool \0 outcome` -> labels and count. */
  private readonly toolCalls = new Map<string, { labels: { backend: string; tool: string; outcome: string }; count: number }>();
  private readonly inFlight = new Map<string, number>();
  private readonly restarts: Counter<'backend'>;
  private readonly listChanged: Counter<'kind'>;

  /** `replica`: one replica of a cluster; every series carries replica="<id>" (each replica is scraped on its own). */
  constructor(sources: MetricsSources, serverNames: readonly string[], replica?: string) {
    if (replica !== undefined) this.registry.setDefaultLabels({ replica });
    const registers = [this.registry];
    const toolCalls = this.toolCalls;
    new Counter({
      name: 'switchboard_tool_calls_total',
      help: 'tools/call requests forwarded to a backend, by backend, public tool name and outcome',
      labelNames: ['backend', 'tool', 'outcome'],
      registers,
      collect() {
        this.reset();
        for (const { labels, count } of toolCalls.values()) this.inc(labels, count);
      },
    });
    this.duration = new Histogram({
      name: 'switchboard_request_duration_seconds',
      help: 'Time from forwarding a request to a backend until its answer, by backend and method',
      labelNames: ['backend', 'method'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    const inFlight = this.inFlight;
    new Gauge({
      name: 'switchboard_requests_in_flight',
      help: 'Requests forwarded to a backend and not yet answered',
      labelNames: ['backend'],
      registers,
      collect() {
        for (const b of sources.backends()) this.set({ backend: b.name }, inFlight.get(b.name) ?? 0);
      },
    });
    const queues = sources.queues ?? NO_QUEUES;
    new Gauge({
      name: 'switchboard_queue_depth',
      help: 'Requests waiting for admission at a backend (0 while no limits are configured)',
      labelNames: ['backend'],
      registers,
      collect() {
        for (const b of sources.backends()) this.set({ backend: b.name }, queues.depth(b.name));
      },
    });
    new Gauge({
      name: 'switchboard_backend_up',
      help: '1 while the shared connection to a backend is ready, else 0',
      labelNames: ['backend'],
      registers,
      collect() {
        for (const b of sources.backends()) this.set({ backend: b.name }, b.state === 'ready' ? 1 : 0);
      },
    });
    new Gauge({
      name: 'switchboard_backend_state',
      help: '1 for the state a backend is in, 0 for the others (starting, ready, down, idle, failed, closed)',
      labelNames: ['backend', 'state'],
      registers,
      collect() {
        for (const b of sources.backends()) for (const state of BACKEND_STATES) this.set({ backend: b.name, state }, b.state === state ? 1 : 0);
      },
    });
    this.restarts = new Counter({ name: 'switchboard_backend_restarts_total', help: 'Times a backend came back up after having been up', labelNames: ['backend'], registers });
    new Gauge({
      name: 'switchboard_sessions',
      help: 'Open client sessions by front transport',
      labelNames: ['transport'],
      registers,
      collect() {
        const counts = sources.sessions();
        for (const transport of FRONT_KINDS) this.set({ transport }, counts[transport]);
      },
    });
    this.listChanged = new Counter({ name: 'switchboard_list_changed_sent_total', help: 'list_changed notifications sent to clients, by list', labelNames: ['kind'], registers });
    // Known series start at 0, so a rate() over them works from the first scrape.
    for (const backend of serverNames) this.restarts.inc({ backend }, 0);
    for (const kind of LIST_CHANGED_KINDS) this.listChanged.inc({ kind }, 0);
  }

  start(_ctx: unknown, plan: Forward): ForwardEnd {
    const backend = plan.server;
    this.inFlight.set(backend, (this.inFlight.get(backend) ?? 0) + 1);
    const began = performance.now();
    return (error, result) => {
      this.duration.observe({ backend, method: plan.method }, (performance.now() - began) / 1000);
      this.inFlight.set(backend, (this.inFlight.get(backend) ?? 1) - 1);
      if (plan.method === 'tools/call') this.countCall(backend, plan.publicName ?? String(plan.params.name), outcomeOf(error, result));
    };
  }

  private countCall(backend: string, tool: string, outcome: string): void {
    const key = `${backend}\0${tool}\0${outcome}`;
    const tally = this.toolCalls.get(key);
    if (tally) tally.count += 1;
    else this.toolCalls.set(key, { labels: { backend, tool, outcome }, count: 1 });
  }

  backendRestarted(backend: string): void {
    this.restarts.inc({ backend });
  }

  listChangedSent(kind: ListChangedKind): void {
    this.listChanged.inc({ kind });
  }

  /** The exposition text and its Content-Type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }

  close(): void {
    this.registry.clear();
  }
}
