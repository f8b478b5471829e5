/**
 * Resource subscriptions across sessions, kept per backend connection. A shared connection is
 * subscribed once per URI however many sessions want it, unsubscribed when the last one leaves, and
 * re-subscribed after a reconnect; a session's own connection (isolation: session) carries only that
 * session's subscriptions. Updates go only to the sessions subscribed on the connection that sent
 * them, under the public URI. A subscription holds its connection's lease, so an idle reaper never
 * closes a connection someone is subscribed on.
 */
import type { Backend } from '../backends/backend.js';
import type { SessionRef } from './context.js';

interface Subscription {
  publicUri: string;
  /** Each subscribed session with the release of the connection lease it holds. */
  sessions: Map<SessionRef, () => void>;
}

export interface SubscriptionBackends {
  backendFor(server: string, session: SessionRef): Promise<{ backend: Backend; release: () => void }>;
}

export type UpdateWatcher = (backend: Backend, backendUri: string, params: Record<string, unknown>) => void;

export class Subscriptions {
  /** connection -> backend URI -> subscription */
  private readonly byBackend = new Map<Backend, Map<string, Subscription>>();
  private readonly updateWatchers = new Set<UpdateWatcher>();

  constructor(private readonly backends: SubscriptionBackends) {}

  async subscribe(session: SessionRef, publicUri: string, target: { server: string; uri: string }): Promise<void> {
    const { backend, release } = await this.backends.backendFor(target.server, session);
    let uris = this.byBackend.get(backend);
    if (!uris) this.byBackend.set(backend, (uris = new Map()));
    const existing = uris.get(target.uri);
    if (existing) {
      if (existing.sessions.has(session)) release();
      else existing.sessions.set(session, release);
      return;
    }
    try {
      await backend.request('resources/subscribe', { uri: target.uri });
    } catch (err) {
      release();
      throw err;
    }
    uris.set(target.uri, { publicUri, sessions: new Map([[session, release]]) });
  }

  async unsubscribe(session: SessionRef, _publicUri: string, target: { server: string; uri: string }): Promise<void> {
    for (const [backend, uris] of this.byBackend) {
      if (backend.name !== target.server) continue;
      const sub = uris.get(target.uri);
      const release = sub?.sessions.get(session);
      if (!sub || !release) continue;
      sub.sessions.delete(session);
      if (sub.sessions.size === 0) {
        uris.delete(target.uri);
        await backend.request('resources/unsubscribe', { uri: target.uri }).catch(() => undefined);
      }
      release();
    }
  }

  /** Drop every subscription of a closed session. */
  dropSession(session: SessionRef): void {
    for (const [backend, uris] of this.byBackend) {
      for (const [uri, sub] of uris) {
        const release = sub.sessions.get(session);
        if (!release) continue;
        sub.sessions.delete(session);
        release();
        if (sub.sessions.size === 0) {
          uris.delete(uri);
          void backend.request('resources/unsubscribe', { uri }).catch(() => undefined);
        }
      }
      if (uris.size === 0) this.byBackend.delete(backend);
    }
  }

  /**
   * A reload removed or restarted `server`: subscriptions on its connections end (leases released),
   * except on `keep` (the restarted shared connection they were just moved to).
   */
  dropServer(server: string, keep?: Backend): void {
    for (const [backend, uris] of this.byBackend) {
      if (backend.name !== server || backend === keep) continue;
      this.byBackend.delete(backend);
      for (const sub of uris.values()) for (const release of sub.sessions.values()) release();
    }
  }

  /** A reload restarted a shared connection: its subscribers stay subscribed on the new one (renewed once it is up). */
  move(from: Backend, to: Backend): void {
    const uris = this.byBackend.get(from);
    if (!uris) return;
    this.byBackend.delete(from);
    this.byBackend.set(to, uris);
  }

  /** notifications/resources/updated from a connection: deliver to its subscribers only. */
  updated(backend: Backend, backendUri: string, params: Record<string, unknown>): void {
    for (const watcher of this.updateWatchers) watcher(backend, backendUri, params);
    const sub = this.byBackend.get(backend)?.get(backendUri);
    if (!sub) return;
    for (const session of sub.sessions.keys()) session.notify('notifications/resources/updated', { ...params, uri: sub.publicUri });
  }

  /** Told of every update a connection of this router received (a cluster passes them on). */
  watchUpdates(watcher: UpdateWatcher): () => void {
    this.updateWatchers.add(watcher);
    return () => this.updateWatchers.delete(watcher);
  }

  /**
   * An update another replica's shared connection to `server` received: the subscribers of that URI
   * on this replica's shared connection hear it too. (A session's own connection, isolation:
   * session, is that session's alone: nothing from elsewhere concerns it.)
   */
  remoteUpdated(server: string, backendUri: string, params: Record<string, unknown>): void {
    for (const [backend, uris] of this.byBackend) {
      if (backend.name !== server || backend.config.isolation === 'session') continue;
      const sub = uris.get(backendUri);
      if (sub) for (const session of sub.sessions.keys()) session.notify('notifications/resources/updated', { ...params, uri: sub.publicUri });
    }
  }

  /** After a connection comes back, its subscriptions are gone on the server's side: renew them. */
  async resubscribe(backend: Backend): Promise<void> {
    const uris = this.byBackend.get(backend);
    if (!uris) return;
    await Promise.all([...uris.keys()].map((uri) => backend.request('resources/subscribe', { uri }).catch(() => undefined)));
  }
}
