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
  /** The replica that served it (a cluster's page shows every replica's calls). */
  replica?: string;
}

const ERROR_CHARS = 300;
/** Kept of a message until it is shown: enough to redact a secret that straddles ERROR_CHARS. */
const KEPT_CHARS = 2000;

export interface RecentCallsOptions {
  capacity?: number;
  redact?: (text: string) => string;
  now?: () => number;
}

interface RawCall {
  seq: number;
  endedAt: number;
  method: string;
  name: string | undefined;
  backend: string;
  ms: number;
  message: string | undefined;
  outcome: Outcome;
}

export class RecentCalls implements ForwardObserver {
  private readonly ring: RawCall[] = [];
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
    // The hot path keeps raw values, never the plan (its arguments could be large); formatting
    // (dates, rounding, redaction) waits for list().
    return (error?: unknown, result?: unknown) => {
      const message = error === undefined ? undefined : (error instanceof Error ? error.message : String(error)).slice(0, KEPT_CHARS);
      this.push({ seq: ++this.seq, endedAt: this.now(), method: plan.method, name: nameOf(plan), backend: plan.server, ms: performance.now() - began, message, outcome: outcomeOf(error, result as never) });
    };
  }

  /** Newest first. */
  list(): CallRecord[] {
    const ordered = [...this.ring.slice(this.next), ...this.ring.slice(0, this.next)].reverse();
    return ordered.map((raw) => {
      const record: CallRecord = {
        seq: raw.seq,
        time: new Date(raw.endedAt).toISOString(),
        method: raw.method,
        ...(raw.name !== undefined && { name: raw.name }),
        backend: raw.backend,
        latencyMs: Math.round(raw.ms * 10) / 10,
        outcome: raw.outcome,
      };
      if (raw.message !== undefined) record.error = this.redact(raw.message).slice(0, ERROR_CHARS);
      return record;
    });
  }

  private push(record: RawCall): void {
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
