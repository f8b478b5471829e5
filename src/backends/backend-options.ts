/**
 * What a request to a Backend may carry, and the client capabilities a shared connection declares.
 */
import type { ClientCapabilities } from '@modelcontextprotocol/client';
import type { ProgressParams } from '../rpc/peer.js';

export interface RequestOptions {
  signal?: AbortSignal;
  onprogress?: (progress: ProgressParams) => void;
  /** Overrides the server's configured timeout. */
  timeoutMs?: number;
  /** Set on the one automatic retry after a lost session, so it never loops. */
  isRetry?: boolean;
  /** A 2026-07-28 backend is told per request what the client behind it can answer. */
  clientCapabilities?: ClientCapabilities;
}

export const SHARED_CLIENT_CAPABILITIES: ClientCapabilities = {
  sampling: {},
  elicitation: { form: {}, url: {} },
  roots: { listChanged: true },
};

/** The part of a client's capabilities the router can relay to a backend (the rest it serves itself). */
export function relayable(caps: ClientCapabilities): ClientCapabilities {
  return {
    ...(caps.sampling && { sampling: caps.sampling }),
    ...(caps.elicitation && { elicitation: caps.elicitation }),
    ...(caps.roots && { roots: caps.roots }),
  };
}
