/**
 * Which client requests are in flight at which backend. A backend's sampling, elicitation or roots
 * request carries no pointer to the client request that caused it; on a shared connection the only
 * safe owner is the one session that has a request in flight there. Two candidates means we cannot
 * know, and guessing would leak one client's data to another.
 */
import type { RequestContext, SessionRef } from './context.js';

export class InflightRequests {
  private readonly byServer = new Map<string, Map<SessionRef, Set<RequestContext>>>();

  add(server: string, ctx: RequestContext): () => void {
    let sessions = this.byServer.get(server);
    if (!sessions) this.byServer.set(server, (sessions = new Map()));
    let set = sessions.get(ctx.session);
    if (!set) sessions.set(ctx.session, (set = new Set()));
    set.add(ctx);
    return () => {
      set!.delete(ctx);
      if (set!.size === 0) sessions!.delete(ctx.session);
      if (sessions!.size === 0) this.byServer.delete(server);
    };
  }

  /** The sessions with requests in flight at `server`, each with its most recent request. */
  owners(server: string): Array<{ session: SessionRef; ctx: RequestContext }> {
    const sessions = this.byServer.get(server);
    if (!sessions) return [];
    return [...sessions].map(([session, set]) => ({ session, ctx: [...set].at(-1)! }));
  }
}
