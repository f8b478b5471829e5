/**
 * What the engine knows of the request it is serving, and of the client behind it. The engine holds
 * no session of its own: per-client state (view, log level, capabilities, what the client was told
 * about list changes) is read through `ctx.session`, which the front supplies. A 2025-era session
 * front supplies its long-lived session; a stateless front (2026-07-28) can supply one built from
 * the request's own envelope. Either way the pipeline is the same.
 */
import type { ClientCapabilities, LoggingLevel, RequestId, Result } from '@modelcontextprotocol/server';
import type { ListKind } from '../backends/lists.js';
import type { CatalogView } from '../catalog/view.js';
import type { Cancellation } from '../rpc/cancellation.js';
import type { Principal } from '../util/principal.js';

export type ProgressToken = string | number;

/**
 * Which protocol era a request arrived in. 2025-11-25 covers every session-based revision (initialize
 * handshake); 2026-07-28 is the stateless era (per-request _meta envelope, server/discover, MRTR).
 */
export type ProtocolEra = '2025-11-25' | '2026-07-28';

export interface ClientRequestOptions {
  signal: AbortSignal;
  relatedRequestId?: RequestId;
  /** The backend asking (a stateless session namespaces its MRTR input keys with it). */
  server?: string;
}

export interface SessionRef {
  readonly id: string;
  readonly view: CatalogView;
  readonly logLevel?: LoggingLevel;
  readonly clientCapabilities?: ClientCapabilities;
  readonly clientName?: string;
  /** Who the client's access token proved to be (HTTP fronts with listen.auth), for logs and audit. */
  readonly principal?: Principal;
  readonly isInitialized: boolean;
  /** A notification to this client; with a request id it travels on that request's stream. */
  notify(method: string, params: Record<string, unknown>, relatedRequestId?: RequestId): void;
  /** A request to this client (sampling, elicitation, roots) made on a backend's behalf. */
  request(method: string, params: unknown, opts: ClientRequestOptions): Promise<Result>;
  /** The client has now seen this list (a later change of it is news). */
  markListed(kind: ListKind): void;
  /** Tell the client about changes of the lists it can see, once per change. */
  listsChanged(kinds: readonly ListKind[]): void;
  /** A backend's log message, if this client's level and view admit it. */
  relayLog(server: string, params: Record<string, unknown>): void;
}

export interface RequestContext {
  readonly session: SessionRef;
  /** The client's own id for this request. */
  readonly id: RequestId;
  readonly method: string;
  /** Aborted when the client cancels or goes away. */
  readonly signal: AbortSignal;
  /** The same as callbacks, without an AbortSignal's cost: the forward stage uses this when present. */
  readonly cancellation?: Cancellation;
  readonly progressToken?: ProgressToken;
  /** Absent means 2025-11-25: every session-based front. */
  readonly era?: ProtocolEra;
  /** The session's count of requests so far: with the session, the router-unique id logs carry. */
  readonly seq?: number;
}

/**
 * The id a request's log lines carry (front, engine and relay alike): the session's short id and its
 * request count, unique in the router, unlike the client's own id which each client picks. Built
 * only where a line is written: the hot path carries a number, never a string or a child logger.
 */
export function requestId(ctx: RequestContext): string {
  return `${ctx.session.id.slice(0, 8)}-${ctx.seq ?? String(ctx.id)}`;
}
