/**
 * The request context of one 2025-era session request. A class rather than an object literal: the
 * literal needed a getter (the AbortSignal is made only on demand) and a conditional spread (the
 * progress token), and building that shape per request cost more than the rest of the session's part
 * of a call. Fields are own properties; only `signal` is computed, on the prototype.
 */
import type { RequestId } from '@modelcontextprotocol/server';
import type { ProgressToken, ProtocolEra, RequestContext, SessionRef } from '../engine/context.js';
import type { Cancellation } from '../rpc/cancellation.js';
import type { InboundRequest } from '../rpc/peer.js';

export class SessionRequest implements RequestContext {
  readonly era: ProtocolEra = '2025-11-25';
  readonly id: RequestId;
  readonly method: string;
  readonly cancellation: Cancellation;
  readonly progressToken: ProgressToken | undefined;

  constructor(
    readonly session: SessionRef,
    private readonly inbound: InboundRequest,
    readonly seq: number,
  ) {
    this.id = inbound.id;
    this.method = inbound.method;
    this.cancellation = inbound.cancellation;
    const token = (inbound.params as { _meta?: { progressToken?: unknown } } | undefined)?._meta?.progressToken;
    this.progressToken = typeof token === 'string' || typeof token === 'number' ? token : undefined;
  }

  /** An AbortSignal only for code that asks (relays, queues); the forward stage uses `cancellation`. */
  get signal(): AbortSignal {
    return this.inbound.signal;
  }
}
