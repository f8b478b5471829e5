/**
 * What a protected MCP server says to a client without a token: its 401's WWW-Authenticate names
 * the protected-resource metadata (RFC 9728) and may name the scope it wants. Login starts from
 * that, as the spec asks; without a challenge the SDK falls back to the well-known URLs.
 */
export interface Challenge {
  resourceMetadataUrl?: URL;
  scope?: string;
}

export async function probeChallenge(url: string): Promise<Challenge> {
  const { LATEST_PROTOCOL_VERSION, extractWWWAuthenticateParams } = await import('@modelcontextprotocol/client');
  const body = {
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'mcp-switchboard-login', version: '0' } },
  };
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
  } catch {
    // Unreachable now: let discovery report it with its own words.
    return {};
  }
  await response.body?.cancel().catch(() => undefined);
  if (response.status !== 401 && response.status !== 403) return {};
  const { resourceMetadataUrl, scope } = extractWWWAuthenticateParams(response);
  return { ...(resourceMetadataUrl ? { resourceMetadataUrl } : {}), ...(scope ? { scope } : {}) };
}
