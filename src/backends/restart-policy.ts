/**
 * When to restart a backend that failed, and when to stop trying. Exponential backoff with "equal
 * jitter": the n-th restart in a row waits a random time between half and all of
 * min(maxDelayMs, initialDelayMs * 2^(n-1)). The random half keeps backends (or routers) that failed
 * together from retrying in lockstep; the fixed half keeps a flapping server from being hammered.
 *
 * A connection only makes the budget whole again once it has stayed up `minUptimeMs`: a server
 * that completes its handshake and then crashes every time is failing to start, and must back off
 * and reach `maxRestarts` like one that crashes during the handshake.
 */
import { DEFAULT_MIN_UPTIME_MS, DEFAULT_RESTART } from '../config/defaults.js';
import type { RestartConfig } from '../config/types.js';

/** The delay before restart number `restart` (1-based) in a row; `random` in [0, 1). */
export function backoffDelay(restart: number, config: Pick<RestartConfig, 'initialDelayMs' | 'maxDelayMs'>, random: number): number {
  const exponent = Math.min(Math.max(restart - 1, 0), 52);
  const ceiling = Math.min(config.maxDelayMs, config.initialDelayMs * 2 ** exponent);
  return Math.round(ceiling / 2 + (random * ceiling) / 2);
}

export interface RestartPolicyOptions {
  /** Fixed delays instead of backoff (tests; a session's own connection); the last one repeats. */
  fixedDelaysMs?: readonly number[];
  random?: () => number;
  /** The clock uptime is measured with (tests); default performance.now. */
  now?: () => number;
}

export class RestartPolicy {
  /** Restarts scheduled since the last connection that stayed up long enough. */
  private restarts = 0;
  /** When the current connection succeeded (ms, `now()`); undefined while there is none. */
  private connectedAt?: number;
  private readonly config: RestartConfig;

  constructor(
    config: RestartConfig | undefined,
    private readonly options: RestartPolicyOptions = {},
  ) {
    this.config = config ?? DEFAULT_RESTART;
  }

  /** Restarts in a row so far. */
  get count(): number {
    return this.restarts;
  }

  get maxRestarts(): number | undefined {
    return this.config.maxRestarts;
  }

  /** After a failure: the delay before the next restart, or undefined when the budget is spent. */
  next(): number | undefined {
    // A connection that stayed up long enough was a good start: this failure is the first in a row.
    if (this.connectedAt !== undefined && this.now() - this.connectedAt >= (this.config.minUptimeMs ?? DEFAULT_MIN_UPTIME_MS)) this.restarts = 0;
    this.connectedAt = undefined;
    const max = this.config.maxRestarts;
    if (max !== undefined && this.restarts >= max) return undefined;
    this.restarts += 1;
    const fixed = this.options.fixedDelaysMs;
    if (fixed?.length) return fixed[Math.min(this.restarts - 1, fixed.length - 1)]!;
    return backoffDelay(this.restarts, this.config, (this.options.random ?? Math.random)());
  }

  /** A connection succeeded: the budget is whole again if it stays up minUptimeMs (see next()). */
  connected(): void {
    this.connectedAt = this.now();
  }

  /** A reload asked for a fresh start: the budget is whole again at once. */
  reset(): void {
    this.restarts = 0;
    this.connectedAt = undefined;
  }

  private now(): number {
    return this.options.now ? this.options.now() : performance.now();
  }
}
