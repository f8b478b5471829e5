/**
 * A modern client's MRTR retry (params.requestState of a held legacy call) that a round-robin
 * balancer sent to the wrong replica: the held call lives in the memory of the replica that started
 * it, and the state names that replica (signed, so a client cannot aim it elsewhere). The retry is
 * relayed there over HTTP and its answer streamed back; the owner checks everything again as if the
 * client had reached it directly. An owner that is gone cannot be replaced (the backend call died
 * with it): the client gets SB_REPLICA_UNREACHABLE and starts the request again without the state.
 * No Redis round trip unless a retry really is someone else's (then one GET for the owner's address;
 * with Redis down, the last address seen, else SB_CLUSTER_UNAVAILABLE: the owner may be alive).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestId } from '@modelcontextprotocol/server';
import type { Cluster } from '../cluster/cluster.js';
import { ReplicaForwarder } from '../cluster/forward.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';

export class HeldCallForwarding {
  constructor(
    private readonly cluster: Cluster,
    /** The replica a genuine held-call state names (dispatcher.heldCalls.ownerOf). */
    private readonly ownerOf: (state: unknown) => string | undefined,
  ) {}

  /**
   * true: the request was answered here (relayed to its owner, or refused because the owner is
   * gone); false: this replica serves it (no state, a state of ours, forged, or already forwarded).
   */
  async divert(req: IncomingMessage, res: ServerResponse, body: unknown, id: RequestId, params: unknown): Promise<boolean> {
    const state = (params as { requestState?: unknown } | undefined)?.requestState;
    if (state === undefined) return false;
    const owner = this.ownerOf(state);
    // Already forwarded once: never bounce; the held calls refuse it by name if it is not ours.
    if (owner === undefined || owner === this.cluster.replicaId || ReplicaForwarder.wasForwarded(req)) return false;
    const url = await this.cluster.replicas.urlOf(owner).catch(() => undefined);
    if (url === undefined && !this.cluster.redis.available) {
      // The owner may well be alive: only its address is unknown here until Redis answers again.
      sendHttpError(res, new SwitchboardError('SB_CLUSTER_UNAVAILABLE', `cannot find replica "${owner}", which holds this call: the cluster's Redis is unreachable; retry in a moment with the same requestState`), { id });
      return true;
    }
    if (url && (await this.cluster.forwarder.forward(req, res, body, url)) === 'relayed') return true;
    this.cluster.replicas.forget(owner);
    this.cluster.log.info({ owner }, 'a retry named a held call of a replica that is gone');
    sendHttpError(res, new SwitchboardError('SB_REPLICA_UNREACHABLE', `the replica "${owner}" that held this call is gone, and the call with it; send the request again without inputResponses and requestState`), { id });
    return true;
  }
}
