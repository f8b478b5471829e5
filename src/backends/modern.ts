/**
 * Speaking 2026-07-28 to one backend: what every request carries (there is no session), and the
 * subscriptions/listen stream (such a server announces list changes only there, so one stays open
 * per connection, and its notifications re-list like a 2025 server's unsolicited ones).
 */
import type { ClientCapabilities, Implementation, ServerCapabilities } from '@modelcontextprotocol/client';
import type { Logger } from '../log.js';
import { withEnvelope, type Envelope } from '../rpc/envelope.js';
import { relayable } from './backend-options.js';

export class ModernEnvelope {
  /** What logging/setLevel asked for: that era has no such request, the level rides on every one. */
  private logLevel?: string;

  constructor(
    private readonly connectionCapabilities: ClientCapabilities,
    private readonly clientInfo: Implementation,
  ) {}

  /** For a client's call, what the router can relay of that client's capabilities; else the connection's. */
  envelope(clientCapabilities?: ClientCapabilities): Envelope {
    const caps = clientCapabilities ? relayable(clientCapabilities) : this.connectionCapabilities;
    return { clientCapabilities: caps, clientInfo: this.clientInfo, ...(this.logLevel !== undefined && { logLevel: this.logLevel }) };
  }

  params(params: Record<string, unknown> | undefined, clientCapabilities?: ClientCapabilities): Record<string, unknown> {
    return withEnvelope(params, this.envelope(clientCapabilities));
  }

  setLevel(params: Record<string, unknown> | undefined): Record<string, never> {
    if (typeof params?.level === 'string') this.logLevel = params.level;
    return {};
  }
}

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
