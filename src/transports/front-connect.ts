/**
 * How a front opens the MCP session for one client's transport. `serve` passes router.connect (one
 * router, many sessions); the bridge passes a factory that gives each client its own router and child
 * process. Fronts call it and never need to know which.
 */
import type { Transport } from '@modelcontextprotocol/server';
import type { FrontSession } from '../front/session.js';
import type { Principal } from '../util/principal.js';

/** `principal`: who the client's access token proved to be (listen.auth), for the session to carry. */
export type ConnectSession = (transport: Transport, principal?: Principal) => Promise<FrontSession>;

/** What says a session is answering requests: its session (one object, no closure per session) or a test. */
type Busy = { readonly activeRequests: number } | (() => boolean);

function isBusy(busy: Busy | undefined): boolean {
  if (busy === undefined) return false;
  return typeof busy === 'function' ? busy() : busy.activeRequests > 0;
}

/**
 * Closes sessions nobody has sent anything on for `idleMs`, whatever their streams are doing: an
 * open SSE or WebSocket stream is not activity, or a vanished client would pin its child forever.
 * A session with a request still being answered is never idle (a slow first start, a long tool);
 * its idle time starts when the last answer goes out.
 */
export class IdleReaper<K> {
  private readonly lastSeen = new Map<K, number>();
  private readonly busy = new Map<K, Busy>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly idleMs: number,
    private readonly onIdle: (key: K) => void,
  ) {
    const every = Math.max(250, Math.min(60_000, Math.floor(idleMs / 4)));
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  /** The client sent something. Re-inserted, so the map's order is least recently active first. */
  touch(key: K): void {
    this.lastSeen.delete(key);
    this.lastSeen.set(key, Date.now());
  }

  /** The least recently active key with no request being answered (what a full front closes first). */
  oldestIdle(): K | undefined {
    for (const key of this.lastSeen.keys()) if (!isBusy(this.busy.get(key))) return key;
    return undefined;
  }

  forget(key: K): void {
    this.lastSeen.delete(key);
    this.busy.delete(key);
  }

  /**
   * Whether the session is answering requests (FrontSession.activeRequests, which counts fast-path
   * calls and forgets cancelled ones): a count of our own from the traffic would leak the id of
   * every request the client cancels, since a cancelled request gets no response.
   */
  watch(key: K, busy: Busy): void {
    this.busy.set(key, busy);
  }

  private sweep(): void {
    const now = Date.now();
    // A snapshot: touch() re-inserts a busy key at the end, which a live iteration would visit again
    // and again, forever.
    for (const [key, seen] of [...this.lastSeen]) {
      if (isBusy(this.busy.get(key))) {
        this.touch(key);
        continue;
      }
      if (seen >= now - this.idleMs) continue;
      this.forget(key);
      this.onIdle(key);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.lastSeen.clear();
    this.busy.clear();
  }
}
