/**
 * The peer on a backend connection, with the backend side's message routing: pings from the server
 * are answered here, list_changed notifications become re-lists, anything else the server sends goes
 * to the router (relayed notifications, server->client requests for a front session to answer), and a
 * transport error is probed with a ping.
 */
import type { Cancellation } from '../rpc/cancellation.js';
import type { ClientCapabilities, JSONRPCRequest, Result, Transport } from '@modelcontextprotocol/client';
import { SwitchboardError, UpstreamError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { RpcPeer, type OutboundOptions, type PeerErrors, type ProgressParams } from '../rpc/peer.js';
import { LIST_CHANGED, type ListKind } from './lists.js';
import { LISTEN_ACK } from './modern.js';

/** Options of one request a backend sends for a client. */
export interface RequestOptions {
  signal?: AbortSignal;
  /** The client request's cancellation, when the caller has one (cheaper than a signal). */
  cancellation?: Cancellation;
  onprogress?: (progress: ProgressParams) => void;
  /** Overrides the server's configured timeout. */
  timeoutMs?: number;
  /** Set on the one automatic retry after a lost session, so it never loops. */
  isRetry?: boolean;
  /** A 2026-07-28 backend is told per request what the client behind it can answer. */
  clientCapabilities?: ClientCapabilities;
}

export interface BackendPeerHandlers {
  /** A server->client request (sampling, elicitation, roots); absent: refused. */
  onServerRequest?: (request: JSONRPCRequest, signal: AbortSignal) => Promise<Result>;
  onListChanged(kinds: readonly ListKind[]): void;
  onNotification(method: string, params: Record<string, unknown> | undefined): void;
  onClose(peer: RpcPeer): void;
  /** Whether this peer is a live network connection worth probing after a transport error. */
  probeable(peer: RpcPeer): boolean;
  /** The server's request timeout: the probe waits for its pong at most this, and at most PROBE_TIMEOUT_MS. */
  timeoutMs: number;
}

/** How long a liveness ping after a transport error may take before the connection counts as dead. */
const PROBE_TIMEOUT_MS = 3000;

export function backendPeer(transport: Transport, errors: PeerErrors, log: Logger, handlers: BackendPeerHandlers): RpcPeer {
  const peer: RpcPeer = new RpcPeer(
    transport,
    {
      onRequest: (request) => {
        // A server may ping us to check we are alive; that is ours to answer, not a client's.
        if (request.method === 'ping') return {};
        if (!handlers.onServerRequest) throw new SwitchboardError('SB_CAPABILITY_MISSING', `the router cannot relay ${request.method}`);
        const message = { jsonrpc: '2.0', id: request.id, method: request.method, ...(request.params !== undefined && { params: request.params }) } as JSONRPCRequest;
        return handlers.onServerRequest(message, request.signal);
      },
      onNotification: (method, params) => {
        const kinds = LIST_CHANGED[method];
        if (kinds) handlers.onListChanged(kinds);
        // A 2026 listen stream's acknowledgement is between the router and the server.
        else if (method === LISTEN_ACK) return;
        else handlers.onNotification(method, params);
      },
      onClose: () => handlers.onClose(peer),
      onDiscard: (reason, detail) => log.debug({ detail: detail instanceof Error ? detail.message : detail }, reason),
      onTransportError: () => void probe(),
    },
    errors,
  );
  let probing = false;
  /**
   * A network transport reports errors without closing (a POST's stream broke, the server went
   * away): the calls it carried would wait for their timeout. One ping tells; if nothing answers,
   * the connection is closed, its calls fail now naming the server, and reconnection starts.
   */
  async function probe(): Promise<void> {
    if (probing || !handlers.probeable(peer)) return;
    probing = true;
    try {
      await peer.request('ping', undefined, { timeoutMs: Math.min(PROBE_TIMEOUT_MS, handlers.timeoutMs) });
    } catch (err) {
      // An error answer is still an answer: the server is there.
      if (!(err instanceof UpstreamError) && handlers.probeable(peer)) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'backend stopped answering after a transport error; reconnecting');
        await peer.close();
      }
    } finally {
      probing = false;
    }
  }
  return peer;
}

/** Runs `run(key)` once per burst of schedule(key) calls: servers often announce several changes at once. */
export class KeyedDebounce<K> {
  private readonly timers = new Map<K, NodeJS.Timeout>();

  constructor(
    private readonly delayMs: number,
    private readonly run: (key: K) => void,
  ) {}

  schedule(...keys: K[]): void {
    for (const key of keys) {
      clearTimeout(this.timers.get(key));
      const timer = setTimeout(() => {
        this.timers.delete(key);
        this.run(key);
      }, this.delayMs);
      timer.unref();
      this.timers.set(key, timer);
    }
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}

/** What the peer needs of a backend request's options: the server's timeout unless overridden, and progress resets it. */
export function peerOptions(opts: RequestOptions, defaultTimeoutMs: number): OutboundOptions {
  return {
    signal: opts.signal,
    cancellation: opts.cancellation,
    timeoutMs: opts.timeoutMs ?? defaultTimeoutMs,
    onprogress: opts.onprogress,
    resetTimeoutOnProgress: opts.onprogress !== undefined,
  };
}
