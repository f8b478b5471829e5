/**
 * One word for how a forwarded request ended, shared by the metrics' `outcome` label and the status
 * page's recent calls, so a dashboard and the page never disagree about what failed.
 */
import type { Result } from '@modelcontextprotocol/server';

/**
 * ok: a result; tool_error: a tool result with isError (the tool ran and reported failure);
 * timeout, cancelled, unavailable: the router's own reasons; error: any other JSON-RPC error,
 * the backend's included.
 */
export const OUTCOMES = ['ok', 'tool_error', 'error', 'timeout', 'cancelled', 'unavailable'] as const;
export type Outcome = (typeof OUTCOMES)[number];

const BY_CODE: Record<string, Outcome> = {
  SB_BACKEND_TIMEOUT: 'timeout',
  SB_CANCELLED: 'cancelled',
  SB_BACKEND_UNAVAILABLE: 'unavailable',
};

export function outcomeOf(error: unknown, result?: Result): Outcome {
  if (error === undefined) return (result as { isError?: unknown } | undefined)?.isError === true ? 'tool_error' : 'ok';
  const code = (error as { code?: unknown } | null)?.code;
  return (typeof code === 'string' && BY_CODE[code]) || 'error';
}
