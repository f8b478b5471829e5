/**
 * server/discover (2026-07-28): what initialize used to answer, asked per request and cacheable. The
 * capabilities are the front's (every backend merged, declared up front), without what this era no
 * longer has: tasks are an extension now, and subscribing is done with subscriptions/listen.
 */
import type { Result, ServerCapabilities } from '@modelcontextprotocol/server';
import { SUPPORTED_MODERN_PROTOCOL_VERSIONS, SUPPORTED_PROTOCOL_VERSIONS } from '../../rpc/protocol-version.js';
import { FRONT_CAPABILITIES, SERVER_INFO } from '../capabilities.js';
import { DEFAULT_CACHE_HINT } from './cache-fields.js';
import { SERVER_INFO_META_KEY } from './envelope.js';

export const MODERN_CAPABILITIES: ServerCapabilities = (() => {
  const { tasks: _tasks, ...rest } = FRONT_CAPABILITIES;
  return rest;
})();

export function discoverResult(instructions: string | undefined): Result {
  return {
    supportedVersions: [...SUPPORTED_MODERN_PROTOCOL_VERSIONS, ...SUPPORTED_PROTOCOL_VERSIONS],
    capabilities: MODERN_CAPABILITIES,
    ...(instructions && { instructions }),
    ttlMs: DEFAULT_CACHE_HINT.ttlMs,
    cacheScope: DEFAULT_CACHE_HINT.cacheScope,
    _meta: { [SERVER_INFO_META_KEY]: SERVER_INFO },
  };
}
