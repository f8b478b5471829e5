/**
 * The one shape check every front applies to what a client sends, before the SDK sees it: a single
 * JSON-RPC 2.0 request, notification or response. By shape only (no zod on the per-message path);
 * the SDK validates the params of the methods it handles.
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';

export function isJsonRpcMessage(value: unknown): value is JSONRPCMessage {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const msg = value as Record<string, unknown>;
  if (msg.jsonrpc !== '2.0') return false;
  const hasId = typeof msg.id === 'string' || typeof msg.id === 'number';
  if (typeof msg.method === 'string') return msg.id === undefined || hasId;
  return hasId && ('result' in msg || 'error' in msg);
}
