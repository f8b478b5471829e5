/**
 * The per-request `_meta` envelope of protocol 2026-07-28: what a 2025 client said once in
 * initialize (protocol version, capabilities, client info) and in logging/setLevel, every request
 * now carries for itself. A request with the envelope (or a server/discover) is of the modern era.
 */
import type { ClientCapabilities, Implementation, LoggingLevel } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../../errors/index.js';
import { invalidParams } from '../../engine/params.js';
import { LOGGING_LEVELS } from '../../engine/log-levels.js';
import { SUPPORTED_MODERN_PROTOCOL_VERSIONS, SUPPORTED_PROTOCOL_VERSIONS, isModernProtocolVersion } from '../../rpc/protocol-version.js';

export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';
export const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';
export const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';
export const SUBSCRIPTION_ID_META_KEY = 'io.modelcontextprotocol/subscriptionId';

export interface Envelope {
  protocolVersion: string;
  clientCapabilities: ClientCapabilities;
  clientInfo?: Implementation;
  logLevel?: LoggingLevel;
}

function metaOf(params: unknown): Record<string, unknown> | undefined {
  const meta = (params as { _meta?: unknown } | undefined)?._meta;
  return meta && typeof meta === 'object' && !Array.isArray(meta) ? (meta as Record<string, unknown>) : undefined;
}

/**
 * Whether a message belongs to the stateless era: it claims a protocol version in its envelope, or
 * it is server/discover (the probe a 2026 client sends first; it carries the envelope too).
 */
export function isModernMessage(message: unknown): boolean {
  if (!message || typeof message !== 'object' || Array.isArray(message)) return false;
  const m = message as { method?: unknown; params?: unknown };
  if (typeof m.method !== 'string') return false;
  if (m.method === 'server/discover') return true;
  return metaOf(m.params)?.[PROTOCOL_VERSION_META_KEY] !== undefined;
}

/** The envelope of a modern request; a missing or malformed one is -32602 naming the key. */
export function readEnvelope(method: string, params: unknown): Envelope {
  const meta = metaOf(params);
  const version = meta?.[PROTOCOL_VERSION_META_KEY];
  if (typeof version !== 'string') throw invalidParams(`${method}: params._meta["${PROTOCOL_VERSION_META_KEY}"] must name the protocol revision (2026-07-28); without it, initialize a session first`);
  if (!isModernProtocolVersion(version) || !SUPPORTED_MODERN_PROTOCOL_VERSIONS.includes(version)) {
    const supported = [...SUPPORTED_MODERN_PROTOCOL_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS];
    throw new SwitchboardError('SB_UNSUPPORTED_PROTOCOL_VERSION', `Unsupported protocol version "${version}"; supported: ${supported.join(', ')}`, { data: { supported, requested: version } });
  }
  const caps = meta![CLIENT_CAPABILITIES_META_KEY];
  if (!caps || typeof caps !== 'object' || Array.isArray(caps)) throw invalidParams(`${method}: params._meta["${CLIENT_CAPABILITIES_META_KEY}"] must be an object (the client's capabilities for this request)`);
  const info = meta![CLIENT_INFO_META_KEY];
  const level = meta![LOG_LEVEL_META_KEY];
  if (level !== undefined && !(LOGGING_LEVELS as readonly unknown[]).includes(level)) throw invalidParams(`${method}: params._meta["${LOG_LEVEL_META_KEY}"] must be one of ${LOGGING_LEVELS.join(', ')}`);
  return {
    protocolVersion: version,
    clientCapabilities: caps as ClientCapabilities,
    ...(typeof info === 'object' && info !== null ? { clientInfo: info as Implementation } : {}),
    ...(typeof level === 'string' && { logLevel: level as LoggingLevel }),
  };
}

/**
 * Params without the client's envelope keys: those are for this hop (the router sends a backend its
 * own envelope). inputResponses and requestState stay: the engine decides what the backend gets.
 */
export function withoutEnvelope(params: unknown): Record<string, unknown> | undefined {
  if (!params || typeof params !== 'object') return params as undefined;
  const p = params as Record<string, unknown>;
  const meta = metaOf(p);
  if (!meta) return p;
  // Loops, not entries/filter/fromEntries: this runs on every 2026 request.
  const rest: Record<string, unknown> = {};
  for (const key in p) if (key !== '_meta') rest[key] = p[key];
  let kept: Record<string, unknown> | undefined;
  for (const key in meta) if (!key.startsWith('io.modelcontextprotocol/')) (kept ??= {})[key] = meta[key];
  if (kept) rest._meta = kept;
  return rest;
}
