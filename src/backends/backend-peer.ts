/**
 * The peer on a backend connection, with the backend side's message routing: pings from the server
 * are answered here, list_changed notifications become re-lists, anything else the server sends goes
 * to the router (relayed notifications, server->client requests for a front session to answer).
 */
import type { JSONRPCRequest, Result, Transport } from '@modelcontextprotocol/client';
import { JsonRpcCode, SwitchboardError } from '../errors.js';
import type { Logger } from '../log.js';
import { RpcPeer, type PeerErrors } from '../rpc/peer.js';
import { LIST_CHANGED, type ListKind } from './lists.js';

export interface BackendPeerHandlers {
  /** A server->client request (sampling, elicitation, roots); absent: refused. */
  onServerRequest?: (request: JSONRPCRequest, signal: AbortSignal) => Promise<Result>;
  onListChanged(kinds: readonly ListKind[]): void;
  onNotification(method: string, params: Record<string, unknown> | undefined): void;
  onClose(peer: RpcPeer): void;
}

export function backendPeer(transport: Transport, errors: PeerErrors, log: Logger, handlers: BackendPeerHandlers): RpcPeer {
  const peer: RpcPeer = new RpcPeer(
    transport,
    {
      onRequest: (request) => {
        // A server may ping us to check we are alive; that is ours to answer, not a client's.
        if (request.method === 'ping') return {};
        if (!handlers.onServerRequest) throw new SwitchboardError('SB_CAPABILITY_MISSING', `the router cannot relay ${request.method}`, { rpcCode: JsonRpcCode.MethodNotFound });
        const message = { jsonrpc: '2.0', id: request.id, method: request.method, ...(request.params !== undefined && { params: request.params }) } as JSONRPCRequest;
        return handlers.onServerRequest(message, request.signal);
      },
      onNotification: (method, params) => {
        const kinds = LIST_CHANGED[method];
        if (kinds) handlers.onListChanged(kinds);
        else handlers.onNotification(method, params);
      },
      onClose: () => handlers.onClose(peer),
      onDiscard: (reason, detail) => log.debug({ detail: detail instanceof Error ? detail.message : detail }, reason),
    },
    errors,
  );
  return peer;
}

/** Runs `run(key)` once per burst of schedule(key) calls: servers often announce several changes at once. */
export class KeyedDebounce<K> {
  private readonly timers = new Map<K, NodeJS.Timeout>();

  constructor(
    private readonly delayMs: number,
    private readonly run: (key: K) => void,
  ) {}

  schedule(key: K): void {
    clearTimeout(this.timers.get(key));
    const timer = setTimeout(() => {
      this.timers.delete(key);
      this.run(key);
    }, this.delayMs);
    timer.unref();
    this.timers.set(key, timer);
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
