/**
 * The one mapping from anything thrown to the JSON-RPC error a peer sees, and to the HTTP answer
 * that refuses a request. Nothing else in src/ builds an `error: { code, message }` object.
 */
import { JsonRpcCode } from './json-rpc-codes.js';
import { stripSdkPrefix } from './sdk-prefix.js';
import { SwitchboardError } from './switchboard-error.js';

export interface WireError {
  code: number;
  message: string;
  data?: unknown;
}

/**
 * - SwitchboardError: its catalog code and message, `data.reason` = the SB_* code (plus its data).
 * - An Error with an integer `code` (UpstreamError, the SDK's ProtocolError): that code, message and
 *   data as they are, minus SDK prefixes.
 * - Another Error: -32603 with its message, which was written for people.
 * - Anything else (a string, an object): -32603 "Internal error"; its text could be anything.
 */
export function toWireError(err: unknown): WireError {
  if (err instanceof SwitchboardError) return { code: err.rpcCode, message: err.message, data: { reason: err.code, ...err.data } };
  if (err instanceof Error) {
    const { code, data } = err as { code?: unknown; data?: unknown };
    const message = stripSdkPrefix(err.message);
    if (typeof code === 'number' && Number.isInteger(code)) return data === undefined ? { code, message } : { code, message, data };
    return { code: JsonRpcCode.InternalError, message: message || 'Internal error' };
  }
  return { code: JsonRpcCode.InternalError, message: 'Internal error' };
}

export interface HttpErrorBody {
  status: number;
  /** A JSON-RPC error response (id null unless given), serialized. */
  body: string;
}

/**
 * The HTTP refusal for `err`: the catalog's status and the JSON-RPC error body. Only router errors
 * refuse HTTP requests; anything else is a 500 whose details stay in the log, not in the response.
 */
export function httpErrorBody(err: unknown, id: string | number | null = null): HttpErrorBody {
  const refusal = err instanceof SwitchboardError ? err : new SwitchboardError('SB_INTERNAL', 'Internal error: the request failed; the server log has the details');
  return { status: refusal.httpStatus, body: JSON.stringify({ jsonrpc: '2.0', id, error: toWireError(refusal) }) };
}
