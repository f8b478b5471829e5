/**
 * What a protected MCP server says to a client without a token: its 401's WWW-Authenticate names
 * the protected-resource metadata (RFC 9728) and may name the scope it wants. Login starts from
 * that, as the spec asks; without a challenge the SDK falls back to the well-known URLs. Some
 * servers let initialize through and challenge only the first real request, so when initialize
 * succeeds the probe goes on to tools/list in that session (and ends the session after). A server
 * of the stateless 2026-07-28 revision knows no initialize (it answers 400): it is asked for a
 * tools/list with that revision's envelope instead, which is what it challenges.
 */
import { MODERN_PROTOCOL_VERSION, withEnvelope } from '../rpc/envelope.js';

export interface Challenge {
  resourceMetadataUrl?: URL;
  scope?: string;
}

const PROBE_TIMEOUT_MS = 15_000;

export async function probeChallenge(url: string): Promise<Challenge> {
  const { LATEST_PROTOCOL_VERSION, extractWWWAuthenticateParams } = await import('@modelcontextprotocol/client');
  const post = async (message: object, sessionId?: string, version?: string): Promise<Response> => {
    const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    if (sessionId) Object.assign(headers, { 'mcp-session-id': sessionId, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION });
    if (version) Object.assign(headers, { 'mcp-protocol-version': version, 'mcp-method': (message as { method: string }).method });
    const response = await fetch(url, { method: 'POST', headers, body: JSON.stringify(message), signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) });
    await response.body?.cancel().catch(() => undefined);
    return response;
  };
  const challengeOf = (response: Response): Challenge | undefined => {
    if (response.status !== 401 && response.status !== 403) return undefined;
    const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(response);
    return { ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}), ...(scope ? { scope } : {}) };
  };
  const clientInfo = { name: 'mcp-switchboard-login', version: '0' };
  try {
    const init = await post({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo } });
    const first = challengeOf(init);
    if (first) return first;
    if (!init.ok) {
      const params = withEnvelope(undefined, { clientCapabilities: {}, clientInfo });
      return challengeOf(await post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params }, undefined, MODERN_PROTOCOL_VERSION)) ?? {};
    }
    const sessionId = init.headers.get('mcp-session-id') ?? undefined;
    try {
      await post({ jsonrpc: '2.0', method: 'notifications/initialized' }, sessionId);
      return challengeOf(await post({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }, sessionId)) ?? {};
    } finally {
      if (sessionId) await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': sessionId }, signal: AbortSignal.timeout(PROBE_TIMEOUT_MS) }).then((r) => r.body?.cancel(), () => undefined);
    }
  } catch {
    // Unreachable or odd: let discovery report it with its own words.
    return {};
  }
}
