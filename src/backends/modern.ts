/**
 * The subscriptions/listen stream of a 2026-07-28 backend: such a server announces list changes only
 * there, so one stays open per connection, and its notifications re-list like a 2025 server's
 * unsolicited ones.
 */
import type { ServerCapabilities } from '@modelcontextprotocol/client';
import type { Logger } from '../log.js';

/** The first message on a listen stream: the server's agreement, nothing for a client to see. */
export const LISTEN_ACK = 'notifications/subscriptions/acknowledged';

/** The list changes worth listening for, or undefined when the server announces none. */
export function listenFilter(caps: ServerCapabilities | undefined): Record<string, boolean> | undefined {
  const filter: Record<string, boolean> = {};
  if (caps?.tools?.listChanged) filter.toolsListChanged = true;
  if (caps?.prompts?.listChanged) filter.promptsListChanged = true;
  if (caps?.resources?.listChanged) filter.resourcesListChanged = true;
  return Object.keys(filter).length ? filter : undefined;
}

/** Open the stream (it lives as long as the connection); its notifications reach the peer's handler. */
export function openListenStream(send: (method: string, params: Record<string, unknown>) => Promise<unknown>, caps: ServerCapabilities | undefined, log: Logger): void {
  const notifications = listenFilter(caps);
  if (!notifications) return;
  send('subscriptions/listen', { notifications }).then(
    () => log.debug('the backend ended its subscriptions/listen stream'),
    (err: unknown) => log.debug({ err: err instanceof Error ? err.message : String(err) }, 'subscriptions/listen ended'),
  );
}
