/**
 * The 2026-07-28 revision's per-request envelope, as plain constants (the SDK's live in a module
 * whose value import builds every zod schema; test/unit/envelope.test.ts keeps these equal to it).
 *
 * There is no initialize on that revision: every request names its protocol version, the client's
 * capabilities and the client's identity under these `_meta` keys, and a result may come back as
 * `resultType: "input_required"` (multi round-trip requests) instead of complete.
 */
import type { ClientCapabilities, Implementation } from '@modelcontextprotocol/server';

export const MODERN_PROTOCOL_VERSION = '2026-07-28';
export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';
export const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';
export const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';

export type ProtocolEra = '2026-07-28' | '2025-11-25';

export interface Envelope {
  clientCapabilities: ClientCapabilities;
  clientInfo: Implementation;
  /** The least severe log level the client wants from this request (no logging/setLevel in 2026). */
  logLevel?: string;
}

/** `params` with the envelope added to its `_meta` (anything already in `_meta` is kept). */
export function withEnvelope(params: Record<string, unknown> | undefined, envelope: Envelope): Record<string, unknown> {
  const meta = params?._meta as Record<string, unknown> | undefined;
  return {
    ...params,
    _meta: {
      ...meta,
      [PROTOCOL_VERSION_META_KEY]: MODERN_PROTOCOL_VERSION,
      [CLIENT_CAPABILITIES_META_KEY]: envelope.clientCapabilities,
      [CLIENT_INFO_META_KEY]: envelope.clientInfo,
      ...(envelope.logLevel !== undefined && { [LOG_LEVEL_META_KEY]: envelope.logLevel }),
    },
  };
}

/** An embedded request of an input_required result: what the server needs the client to answer. */
export interface InputRequest {
  method: string;
  params?: Record<string, unknown>;
}

export interface InputRequiredResult {
  resultType: 'input_required';
  inputRequests?: Record<string, InputRequest>;
  requestState?: string;
  [key: string]: unknown;
}

export function isInputRequired(result: unknown): result is InputRequiredResult {
  return (result as { resultType?: unknown } | null)?.resultType === 'input_required';
}
