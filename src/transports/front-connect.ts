/**
 * How a front opens the MCP session for one client's transport. `serve` passes router.connect (one
 * router, many sessions); the bridge passes a factory that gives each client its own router and child
 * process. Fronts call it and never need to know which.
 */
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import type { FrontSession } from '../front/session.js';

export type ConnectSession = (transport: Transport) => Promise<FrontSession>;

/**
 * Closes sessions nobody has sent a request on for `idleMs`, whatever their streams are doing: an
 * open SSE or WebSocket stream is not activity, or a vanished client would pin its child forever.
 * A session with a request still being answered is never idle (a slow first start, a long tool).
 */
export class IdleReaper<K> {
  private readonly lastSeen = new Map<K, number>();
  private readonly pending = new Map<K, Set<string | number>>();
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly idleMs: number,
    private readonly onIdle: (key: K) => void,
  ) {
    const every = Math.max(250, Math.min(60_000, Math.floor(idleMs / 4)));
    this.timer = setInterval(() => this.sweep(), every);
    this.timer.unref();
  }

  touch(key: K): void {
    this.lastSeen.set(key, Date.now());
  }

  forget(key: K): void {
    this.lastSeen.delete(key);
    this.pending.delete(key);
  }

  /**
   * Follow a connected transport's traffic: client requests open, our responses close. Call after
   * the SDK's connect(), which installs the onmessage this wraps.
   */
  watch(key: K, transport: Transport): void {
    const ids = new Set<string | number>();
    this.pending.set(key, ids);
    const onmessage = transport.onmessage;
    transport.onmessage = (message, extra) => {
      const m = message as { id?: string | number; method?: string };
      if (m.method !== undefined && m.id !== undefined) ids.add(m.id);
      this.touch(key);
      onmessage?.(message, extra);
    };
    const send = transport.send.bind(transport);
    transport.send = (message: JSONRPCMessage, options) => {
      const m = message as { id?: string | number; method?: string };
      if (m.method === undefined && m.id !== undefined && ids.delete(m.id)) this.touch(key);
      return send(message, options);
    };
  }

  private sweep(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const [key, seen] of this.lastSeen) {
      if (seen >= cutoff || (this.pending.get(key)?.size ?? 0) > 0) continue;
      this.forget(key);
      this.onIdle(key);
    }
  }

  stop(): void {
    clearInterval(this.timer);
    this.lastSeen.clear();
    this.pending.clear();
  }
}
