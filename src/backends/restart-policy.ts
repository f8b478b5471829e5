/**
 * When to restart a backend that failed, and when to stop trying. Exponential backoff with "equal
 * jitter": the n-th restart in a row waits a random time between half and all of
 * min(maxDelayMs, initialDelayMs * 2^(n-1)). The random half keeps backends (or routers) that failed
 * together from retrying in lockstep; the fixed half keeps a flapping server from being hammered.
 */
import { DEFAULT_RESTART } from '../config/defaults.js';
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
}

export class RestartPolicy {
  /** Restarts scheduled since the last successful connection. */
  private restarts = 0;
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
    const max = this.config.maxRestarts;
    if (max !== undefined && this.restarts >= max) return undefined;
    this.restarts += 1;
    const fixed = this.options.fixedDelaysMs;
    if (fixed?.length) return fixed[Math.min(this.restarts - 1, fixed.length - 1)]!;
    return backoffDelay(this.restarts, this.config, (this.options.random ?? Math.random)());
  }

  /** A connection succeeded (or a reload asked for a fresh start): the budget is whole again. */
  reset(): void {
    this.restarts = 0;
  }
}
