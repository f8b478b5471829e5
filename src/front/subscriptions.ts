/**
 * Resource subscriptions across sessions. A shared backend is subscribed once per URI however many
 * sessions want it, unsubscribed when the last one leaves, and re-subscribed after a reconnect.
 * Updates go only to the sessions subscribed to that URI, under its public URI.
 */
import type { FrontSession } from './session.js';

interface Subscription {
  publicUri: string;
  sessions: Set<FrontSession>;
}

export interface SubscriptionBackends {
  request(server: string, method: string, params: Record<string, unknown>): Promise<unknown>;
}

export class Subscriptions {
  /** server -> backend URI -> subscription */
  private readonly byServer = new Map<string, Map<string, Subscription>>();

  constructor(private readonly backends: SubscriptionBackends) {}

  async subscribe(session: FrontSession, publicUri: string, target: { server: string; uri: string }): Promise<void> {
    let uris = this.byServer.get(target.server);
    if (!uris) this.byServer.set(target.server, (uris = new Map()));
    const existing = uris.get(target.uri);
    if (existing) {
      existing.sessions.add(session);
      return;
    }
    await this.backends.request(target.server, 'resources/subscribe', { uri: target.uri });
    uris.set(target.uri, { publicUri, sessions: new Set([session]) });
  }

  async unsubscribe(session: FrontSession, _publicUri: string, target: { server: string; uri: string }): Promise<void> {
    const sub = this.byServer.get(target.server)?.get(target.uri);
    if (!sub || !sub.sessions.delete(session)) return;
    if (sub.sessions.size === 0) {
      this.byServer.get(target.server)!.delete(target.uri);
      await this.backends.request(target.server, 'resources/unsubscribe', { uri: target.uri }).catch(() => undefined);
    }
  }

  /** Drop every subscription of a closed session. */
  dropSession(session: FrontSession): void {
    for (const [server, uris] of this.byServer) {
      for (const [uri, sub] of uris) {
        if (sub.sessions.delete(session) && sub.sessions.size === 0) {
          uris.delete(uri);
          void this.backends.request(server, 'resources/unsubscribe', { uri }).catch(() => undefined);
        }
      }
    }
  }

  /** notifications/resources/updated from a backend: deliver to subscribers only. */
  updated(server: string, backendUri: string, params: Record<string, unknown>): void {
    const sub = this.byServer.get(server)?.get(backendUri);
    if (!sub) return;
    for (const session of sub.sessions) session.notify('notifications/resources/updated', { ...params, uri: sub.publicUri });
  }

  /** After a backend reconnects, its subscriptions are gone on its side: renew them. */
  async resubscribe(server: string): Promise<void> {
    const uris = this.byServer.get(server);
    if (!uris) return;
    await Promise.all([...uris.keys()].map((uri) => this.backends.request(server, 'resources/subscribe', { uri }).catch(() => undefined)));
  }
}
