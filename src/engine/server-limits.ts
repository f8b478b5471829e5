/**
 * Stage 3 of the pipeline for `maxConcurrency` / `maxQueue`: every forward to a server with limits
 * takes a slot first and gives it back when its answer (or error) is in. Being an admission, it sees
 * every request kind the engine forwards (tools/call, prompts/get, resources/read, completion/complete,
 * tasks/*) and nothing else: a call waits here BEFORE it is sent, so its timeout counts from the moment
 * it reaches the server, and a call cancelled while waiting is never sent at all.
 *
 * Limits are per server, across all its connections (the shared one, or each session's own under
 * `isolation: session`).
 */
import { ConcurrencyLimit, type LimitSettings } from '../backends/limits.js';
import type { ServerConfig } from '../config/types.js';
import type { Admission } from './engine.js';

export class ServerLimits {
  private readonly limits = new Map<string, ConcurrencyLimit>();

  constructor(servers: readonly ServerConfig[]) {
    this.configure(servers);
  }

  /** Apply the limits of a (re)loaded config: new servers get theirs, removed limits are dropped. */
  configure(servers: readonly ServerConfig[]): void {
    const seen = new Set<string>();
    for (const server of servers) {
      const settings = settingsOf(server);
      if (!settings) continue;
      seen.add(server.name);
      const existing = this.limits.get(server.name);
      if (existing) existing.update(settings);
      else this.limits.set(server.name, new ConcurrencyLimit(server.name, settings));
    }
    // A dropped limit lets new calls through at once; calls it admitted finish on their own.
    for (const name of this.limits.keys()) if (!seen.has(name)) this.limits.delete(name);
  }

  /** Calls in flight and waiting at a server with limits (for status pages and tests). */
  stats(server: string): { inFlight: number; waiting: number } | undefined {
    const limit = this.limits.get(server);
    return limit && { inFlight: limit.inFlight, waiting: limit.waiting };
  }

  readonly admission: Admission = (ctx, plan) => this.limits.get(plan.server)?.acquire(ctx.signal, plan.method);
}

function settingsOf(server: ServerConfig): LimitSettings | undefined {
  if (server.maxConcurrency === undefined) return undefined;
  return { maxConcurrency: server.maxConcurrency, maxQueue: server.maxQueue ?? Infinity };
}
