/**
 * The MCP protocol versions the router speaks, as plain constants.
 *
 * Why not import them from the SDK: a value import of '@modelcontextprotocol/server' or '/client'
 * loads the whole SDK and builds its zod schemas, which was a third of the router's CPU before it
 * could spawn its first backend. test/unit/protocol-version.test.ts keeps these equal to the SDK's.
 */
export const LATEST_PROTOCOL_VERSION = '2025-11-25';

export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

/** The stateless revision: no initialize, a _meta envelope on every request, server/discover, MRTR. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

export const SUPPORTED_MODERN_PROTOCOL_VERSIONS: readonly string[] = [MODERN_PROTOCOL_VERSION];

/** Revision ids are ISO dates: every revision from 2026-07-28 on is of the stateless era. */
export function isModernProtocolVersion(version: string): boolean {
  return version >= MODERN_PROTOCOL_VERSION;
}
