/**
 * Backends with `isolation: session`: one connection per front session, made on first use and closed
 * when that session ends or the connection sits idle. With its own connection a session is the certain
 * owner of every sampling, elicitation or roots request the server sends, and the connection declares
 * exactly the capabilities that session's client declared.
 */
import type { ServerConfig } from '../config/types.js';
import type { Backend } from './backend.js';

interface Entry {
  backend: Backend;
  lastUsed: number;
  /** Requests in flight: an entry is never reaped mid-call. */
  busy: number;
}

export class SessionBackends<S extends object> {
  private readonly bySession = new Map<S, Map<string, Entry>>();
  private readonly reaper: NodeJS.Timeout;

  constructor(
    private readonly create: (session: S, server: ServerConfig) => Backend,
    private readonly idleMs: number,
  ) {
    this.reaper = setInterval(() => this.reapIdle(), Math.max(250, Math.min(60_000, Math.floor(idleMs / 4))));
    this.reaper.unref();
  }

  /** The session's own connection to `server`, started (and awaited) on first use. */
  async acquire(session: S, server: ServerConfig): Promise<{ backend: Backend; release: () => void }> {
    let servers = this.bySession.get(session);
    if (!servers) this.bySession.set(session, (servers = new Map()));
    let entry = servers.get(server.name);
    // A connection that gave up (restart.maxRestarts) is replaced: this call is a fresh attempt.
    if (entry?.backend.state === 'failed' && entry.busy === 0) void entry.backend.close();
    if (!entry || entry.backend.state === 'closed') {
      entry = { backend: this.create(session, server), lastUsed: Date.now(), busy: 0 };
      servers.set(server.name, entry);
    }
    entry.busy++;
    entry.lastUsed = Date.now();
    const held = entry;
    try {
      await held.backend.start();
    } catch (err) {
      held.busy--;
      throw err;
    }
    return {
      backend: held.backend,
      release: () => {
        held.busy--;
        held.lastUsed = Date.now();
      },
    };
  }

  /** Live connections of one session (for relaying roots changes and log levels). */
  of(session: S): Backend[] {
    return [...(this.bySession.get(session)?.values() ?? [])].map((e) => e.backend);
  }

  count(): number {
    let n = 0;
    for (const servers of this.bySession.values()) n += servers.size;
    return n;
  }

  async closeSession(session: S): Promise<void> {
    const servers = this.bySession.get(session);
    this.bySession.delete(session);
    await Promise.all([...(servers?.values() ?? [])].map((e) => e.backend.close()));
  }

  /** A reload removed or changed `server`: every session's own connection to it closes, telling calls in flight why. */
  async closeServer(server: string, reason: string): Promise<void> {
    const closing: Array<Promise<void>> = [];
    for (const servers of this.bySession.values()) {
      const entry = servers.get(server);
      if (!entry) continue;
      servers.delete(server);
      closing.push(entry.backend.close(reason));
    }
    await Promise.all(closing);
  }

  private reapIdle(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const servers of this.bySession.values()) {
      for (const [name, entry] of servers) {
        if (entry.busy > 0 || entry.lastUsed > cutoff) continue;
        servers.delete(name);
        void entry.backend.close();
      }
    }
  }

  async close(): Promise<void> {
    clearInterval(this.reaper);
    await Promise.all([...this.bySession.keys()].map((s) => this.closeSession(s)));
  }
}
