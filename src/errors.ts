/**
 * Typed errors with stable string codes. Tests assert `code`; users grep for it.
 * `toJsonRpcError` is the one place that turns any thrown value into the JSON-RPC error a client sees.
 */

/** JSON-RPC error codes used on the wire. */
export const JsonRpcCode = {
  /** A server error with no more specific code (the range -32000..-32099 is the server's). */
  ServerError: -32000,
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** MCP: request timed out (used by the SDK for its own timeouts). */
  RequestTimeout: -32001,
  /** Router-specific: the owning backend is not connected. */
  BackendUnavailable: -32010,
  /** Router-specific: the backend has maxConcurrency calls in flight and maxQueue waiting. */
  BackendBusy: -32011,
} as const;

export type SwitchboardErrorCode =
  | 'SB_CONFIG_INVALID'
  | 'SB_CONFIG_NOT_FOUND'
  | 'SB_CONFIG_UNSET_VAR'
  | 'SB_USAGE'
  | 'SB_UNKNOWN_TOOL'
  | 'SB_UNKNOWN_PROMPT'
  | 'SB_UNKNOWN_RESOURCE'
  | 'SB_BAD_CURSOR'
  | 'SB_BACKEND_UNAVAILABLE'
  | 'SB_BACKEND_TIMEOUT'
  | 'SB_BACKEND_START_FAILED'
  | 'SB_BACKEND_BUSY'
  | 'SB_AMBIGUOUS_OWNER'
  | 'SB_CAPABILITY_MISSING'
  | 'SB_OUTSIDE_WORKSPACE'
  | 'SB_UNKNOWN_WORKSPACE'
  | 'SB_TOO_MANY_SESSIONS'
  | 'SB_SHUTTING_DOWN'
  | 'SB_CANCELLED'
  | 'SB_INVALID_PARAMS'
  | 'SB_METHOD_NOT_FOUND'
  | 'SB_NOT_INITIALIZED';

export class SwitchboardError extends Error {
  readonly code: SwitchboardErrorCode;
  /** The JSON-RPC code this error maps to when it reaches a client. */
  readonly rpcCode: number;
  readonly data?: unknown;
  /** The HTTP status when this error refuses an HTTP request (503: try again later); absent: 500. */
  readonly httpStatus?: number;

  constructor(code: SwitchboardErrorCode, message: string, opts: { rpcCode?: number; data?: unknown; cause?: unknown; httpStatus?: number } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'SwitchboardError';
    this.code = code;
    this.rpcCode = opts.rpcCode ?? JsonRpcCode.InternalError;
    this.data = opts.data;
    if (opts.httpStatus !== undefined) this.httpStatus = opts.httpStatus;
  }
}

/** An error that carries a JSON-RPC code and message exactly as the SDK should put them on the wire. */
/** A new session refused because the process is closing: a client should reconnect later. */
export function shuttingDown(what: string): SwitchboardError {
  return new SwitchboardError('SB_SHUTTING_DOWN', `${what} is shutting down; reconnect in a moment`, { rpcCode: JsonRpcCode.ServerError, httpStatus: 503 });
}

export class RpcError extends Error {
  readonly code: number;
  readonly data?: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }
}

const SDK_PREFIX = /^(?:MCP error -?\d+: )+/;

/** The SDK prefixes "MCP error <code>: " to messages at every hop; strip it so prefixes never stack. */
export function stripSdkPrefix(message: string): string {
  return message.replace(SDK_PREFIX, '');
}

/**
 * Map anything thrown while serving a request to an error the SDK sends verbatim: a handler that throws
 * an Error with a numeric `code` goes out with exactly that code and message.
 */
export function toJsonRpcError(err: unknown): RpcError {
  if (err instanceof RpcError) return err;
  if (err instanceof SwitchboardError) return new RpcError(err.rpcCode, err.message, err.data ?? { reason: err.code });
  if (err instanceof Error) {
    const code = (err as { code?: unknown }).code;
    const data = (err as { data?: unknown }).data;
    if (typeof code === 'number' && Number.isInteger(code)) return new RpcError(code, stripSdkPrefix(err.message), data);
    return new RpcError(JsonRpcCode.InternalError, stripSdkPrefix(err.message));
  }
  return new RpcError(JsonRpcCode.InternalError, String(err));
}

/** A peer's own JSON-RPC error (a backend's, a client's answer): its code, message and data pass through. */
export class UpstreamError extends Error {
  readonly code: number;
  readonly data?: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(stripSdkPrefix(message));
    this.name = 'UpstreamError';
    this.code = code;
    if (data !== undefined) this.data = data;
  }
}

/** The wire shape of any thrown value. */
export function toWireError(err: unknown): { code: number; message: string; data?: unknown } {
  const rpc = toJsonRpcError(err);
  return rpc.data === undefined ? { code: rpc.code, message: rpc.message } : { code: rpc.code, message: rpc.message, data: rpc.data };
}
