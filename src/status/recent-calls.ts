/**
 * The last N forwarded requests for the status page: a fixed ring buffer fed by a ForwardObserver,
 * so memory stays flat however busy the router is. Arguments and results are never kept (they may
 * hold anything); a failure's message is kept, with configured secrets redacted.
 */
import type { ForwardObserver } from '../engine/engine.js';
import type { Forward } from '../engine/services.js';
import { outcomeOf, type Outcome } from './outcome.js';

export interface CallRecord {
  /** Increasing per router: a stable key for a page that renders rows incrementally. */
  seq: number;
  /** When the call ended, ISO 8601. */
  time: string;
  method: string;
  /** The tool's or prompt's public name, or the backend's URI for resources. */
  name?: string;
  backend: string;
  latencyMs: number;
  outcome: Outcome;
  /** The error's message for failed calls, redacted and cut to ERROR_CHARS. */
  error?: string;
}

const ERROR_CHARS = 300;

export interface RecentCallsOptions {
  capacity?: number;
  redact?: (text: string) => string;
  now?: () => number;
}

export class RecentCalls implements ForwardObserver {
  private readonly ring: CallRecord[] = [];
  private next = 0;
  private seq = 0;
  private readonly capacity: number;
  private readonly redact: (text: string) => string;
  private readonly now: () => number;

  constructor(options: RecentCallsOptions = {}) {
    this.capacity = options.capacity ?? 100;
    this.redact = options.redact ?? ((t) => t);
    this.now = options.now ?? Date.now;
  }

  start(_ctx: unknown, plan: Forward) {
    const began = performance.now();
    return (error?: unknown, result?: unknown) => {
      const outcome = outcomeOf(error, result as never);
      const message = error === undefined ? undefined : this.redact(error instanceof Error ? error.message : String(error)).slice(0, ERROR_CHARS);
      this.push({
        seq: ++this.seq,
        time: new Date(this.now()).toISOString(),
        method: plan.method,
        ...(nameOf(plan) !== undefined && { name: nameOf(plan) }),
        backend: plan.server,
        latencyMs: Math.round((performance.now() - began) * 10) / 10,
        outcome,
        ...(message !== undefined && { error: message }),
      });
    };
  }

  /** Newest first. */
  list(): CallRecord[] {
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)];
    return ordered.reverse();
  }

  private push(record: CallRecord): void {
    if (this.ring.length < this.capacity) this.ring.push(record);
    else this.ring[this.next] = record;
    this.next = (this.next + 1) % this.capacity;
  }
}

function nameOf(plan: Forward): string | undefined {
  if (plan.publicName !== undefined) return plan.publicName;
  const uri = plan.params.uri;
  return typeof uri === 'string' ? uri : undefined;
}
