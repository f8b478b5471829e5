/**
 * Speaking 2026-07-28 to one backend: what every request carries (there is no session), and the
 * subscriptions/listen stream (such a server announces list changes only there, so one stays open
 * per connection, and its notifications re-list like a 2025 server's unsolicited ones).
 */
import type { ClientCapabilities, Implementation, Result, ServerCapabilities } from '@modelcontextprotocol/client';
import type { Logger } from '../log.js';
import { MODERN_PROTOCOL_VERSION, withEnvelope, type Envelope, type ProtocolEra } from '../rpc/envelope.js';
import type { OutboundOptions, RpcPeer } from '../rpc/peer.js';
import type { TransportKind } from './transport-factory.js';

/** The part of a client's capabilities the router can relay to a backend (the rest it serves itself). */
export function relayable(caps: ClientCapabilities): ClientCapabilities {
  return {
    ...(caps.sampling && { sampling: caps.sampling }),
    ...(caps.elicitation && { elicitation: caps.elicitation }),
    ...(caps.roots && { roots: caps.roots }),
  };
}

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

  /** How to send on a connection of this era: plain for 2025, with the envelope for 2026. */
  via(peer: RpcPeer, era: ProtocolEra | undefined, kind: TransportKind | undefined) {
    return (method: string, params: Record<string, unknown> | undefined, opts: OutboundOptions, caps?: ClientCapabilities): Promise<Result> =>
      era === MODERN_PROTOCOL_VERSION ? this.request(peer, kind, method, params, opts, caps) : peer.request(method, params, opts);
  }

  /** The listen stream of a 2026 connection, opened (before the first listing, so no change falls between). */
  listenOn(peer: RpcPeer, era: ProtocolEra, kind: TransportKind, caps: ServerCapabilities | undefined, log: Logger): ListenStream | undefined {
    if (era !== MODERN_PROTOCOL_VERSION) return undefined;
    const stream = new ListenStream((m, p, signal) => this.request(peer, kind, m, p, { signal }), caps, log);
    stream.open();
    return stream;
  }

  /** A request on a 2026 connection: the envelope added; over HTTP, cancelling closes the request's own stream. */
  request(peer: RpcPeer, kind: TransportKind | undefined, method: string, params: Record<string, unknown> | undefined, opts: OutboundOptions, caps?: ClientCapabilities): Promise<Result> {
    return peer.request(method, this.params(params, caps), kind === 'http' ? { ...opts, abortStreamOnCancel: true } : opts);
  }

  /**
   * What the backend answers itself on a 2026 connection, or undefined: that revision has no
   * logging/setLevel (the level rides on every request) and no resources/subscribe (a subscription
   * is a URI in the listen stream's filter).
   */
  answerLocally(method: string, params: Record<string, unknown> | undefined, listen: ListenStream | undefined): Result | undefined {
    if (method === 'logging/setLevel') {
      if (typeof params?.level === 'string') this.logLevel = params.level;
      return {};
    }
    if (listen && (method === 'resources/subscribe' || method === 'resources/unsubscribe')) return listen.change(method, params);
    return undefined;
  }
}

/** The first message on a listen stream: the server's agreement, nothing for a client to see. */
export const LISTEN_ACK = 'notifications/subscriptions/acknowledged';

/** What to listen for: the list changes the server declares, and the resources subscribed to. */
export function listenFilter(caps: ServerCapabilities | undefined, uris: readonly string[] = []): Record<string, unknown> | undefined {
  const filter: Record<string, unknown> = {};
  if (caps?.tools?.listChanged) filter.toolsListChanged = true;
  if (caps?.prompts?.listChanged) filter.promptsListChanged = true;
  if (caps?.resources?.listChanged) filter.resourcesListChanged = true;
  if (caps?.resources && uris.length > 0) filter.resourceSubscriptions = [...uris];
  return Object.keys(filter).length ? filter : undefined;
}

export type ListenSend = (method: string, params: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

/**
 * The one subscriptions/listen stream of a connection. 2026 has no resources/subscribe: a
 * subscription is a URI in the stream's filter, so subscribing reopens the stream with the new
 * filter (changes made together are coalesced into one reopen).
 */
export class ListenStream {
  private readonly uris = new Set<string>();
  private current?: AbortController;
  private reopenQueued = false;

  constructor(
    private readonly send: ListenSend,
    private readonly caps: ServerCapabilities | undefined,
    private readonly log: Logger,
  ) {}

  open(): void {
    this.current?.abort('the subscriptions changed');
    const notifications = listenFilter(this.caps, [...this.uris]);
    const controller = new AbortController();
    this.current = notifications ? controller : undefined;
    if (!notifications) return;
    this.send('subscriptions/listen', { notifications }, controller.signal).then(
      () => this.log.debug('the backend ended its subscriptions/listen stream'),
      (err: unknown) => {
        if (!controller.signal.aborted) this.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'subscriptions/listen ended');
      },
    );
  }

  /** resources/subscribe or resources/unsubscribe, answered here as a 2025 server would. */
  change(method: string, params: Record<string, unknown> | undefined): Record<string, never> {
    const uri = params?.uri;
    if (typeof uri !== 'string') return {};
    if (method === 'resources/subscribe') this.uris.add(uri);
    else this.uris.delete(uri);
    if (!this.reopenQueued) {
      this.reopenQueued = true;
      queueMicrotask(() => {
        this.reopenQueued = false;
        this.open();
      });
    }
    return {};
  }
}
