/**
 * The standard request headers of 2026-07-28 Streamable HTTP: MCP-Protocol-Version, Mcp-Method and,
 * for the methods that name something, Mcp-Name. They let a gateway route without parsing the body,
 * so the body must say the same thing: any disagreement (or a missing header) is HeaderMismatch,
 * -32020 with HTTP 400, naming the header and both values.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { SwitchboardError } from '../errors/index.js';

/** Which body field Mcp-Name mirrors, per method (the spec's "Required For" column). */
const MCP_NAME_SOURCE: Record<string, string> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

const BASE64_PREFIX = '=?base64?';
const BASE64_SUFFIX = '?=';

/** Header values that are not plain ASCII travel as =?base64?{utf-8 base64}?=. */
export function decodeHeaderValue(value: string): string {
  if (value.startsWith(BASE64_PREFIX) && value.endsWith(BASE64_SUFFIX)) {
    return Buffer.from(value.slice(BASE64_PREFIX.length, -BASE64_SUFFIX.length), 'base64').toString('utf8');
  }
  return value;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function mismatch(message: string): SwitchboardError {
  return new SwitchboardError('SB_HEADER_MISMATCH', `Header mismatch: ${message}`);
}

/** The first disagreement between the headers and a modern request's body, or undefined. */
export function checkModernHeaders(headers: IncomingHttpHeaders, method: string, params: unknown, envelopeVersion: string): SwitchboardError | undefined {
  const version = header(headers, 'mcp-protocol-version');
  if (version === undefined) return mismatch(`the MCP-Protocol-Version header is required on a ${envelopeVersion} request (the body's _meta says ${envelopeVersion})`);
  if (version !== envelopeVersion) return mismatch(`MCP-Protocol-Version is "${version}" but the body's _meta envelope says "${envelopeVersion}"`);
  const sentMethod = header(headers, 'mcp-method');
  if (sentMethod === undefined) return mismatch(`the Mcp-Method header is required (it must be "${method}", the body's method)`);
  if (sentMethod !== method) return mismatch(`Mcp-Method is "${sentMethod}" but the body's method is "${method}"`);
  const field = MCP_NAME_SOURCE[method];
  if (!field) return undefined;
  const value = (params as Record<string, unknown> | undefined)?.[field];
  if (typeof value !== 'string') return undefined; // the body is wrong; the method's own validation says how
  const sentName = header(headers, 'mcp-name');
  if (sentName === undefined) return mismatch(`the Mcp-Name header is required for ${method} (it must be "${value}", params.${field})`);
  const decoded = decodeHeaderValue(sentName);
  if (decoded !== value) return mismatch(`Mcp-Name is "${decoded}" but params.${field} is "${value}"`);
  return undefined;
}
