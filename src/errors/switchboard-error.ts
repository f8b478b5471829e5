/**
 * The two kinds of error a request can fail with: the router's own (SwitchboardError, a catalog code
 * whose JSON-RPC code and HTTP status come from the catalog, never from the throw site), and a
 * backend's JSON-RPC error that the router passes on as the backend sent it (UpstreamError).
 */
import { catalogEntry, type SwitchboardErrorCode } from './catalog.js';
import { stripSdkPrefix } from './sdk-prefix.js';

export interface SwitchboardErrorOptions {
  /** Extra facts for clients, sent as `data` next to `reason` (the code). */
  data?: Record<string, unknown>;
  cause?: unknown;
}

export class SwitchboardError extends Error {
  readonly code: SwitchboardErrorCode;
  /** The JSON-RPC code this error goes out with. */
  readonly rpcCode: number;
  /** The HTTP status when this error refuses an HTTP request. */
  readonly httpStatus: number;
  readonly data?: Record<string, unknown>;

  constructor(code: SwitchboardErrorCode, message: string, opts: SwitchboardErrorOptions = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SwitchboardError';
    this.code = code;
    const entry = catalogEntry(code);
    this.rpcCode = entry.rpc;
    this.httpStatus = entry.http;
    if (opts.data !== undefined) this.data = opts.data;
  }

  /** What to do about it, from the catalog. */
  get fix(): string {
    return catalogEntry(this.code).fix;
  }
}

/** A new session refused because the process is closing: a client should reconnect later. */
export function shuttingDown(what: string): SwitchboardError {
  return new SwitchboardError('SB_SHUTTING_DOWN', `${what} is shutting down; reconnect in a moment`);
}

/** A backend's JSON-RPC error, passed on with its own code, message and data. */
export class UpstreamError extends Error {
  readonly code: number;
  readonly data?: unknown;

  constructor(code: number, message: string, data?: unknown) {
    // SDK-based peers prefix "MCP error <code>: "; kept off so prefixes never stack hop after hop.
    super(stripSdkPrefix(message));
    this.name = 'UpstreamError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }
}
