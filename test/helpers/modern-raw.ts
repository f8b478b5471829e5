/**
 * One 2026-07-28 request by hand (fetch), with the standard headers and the _meta envelope: for tests
 * that must choose which replica each request reaches, which no client library lets them do.
 */
export const MODERN = '2026-07-28';
export const MODERN_ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
  'io.modelcontextprotocol/clientInfo': { name: 'by-hand', version: '1.0.0' },
};

export interface RawAnswer {
  status: number;
  body: { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string; data?: { reason?: string } } };
}

export async function modernRequest(url: string, id: number, method: string, params: Record<string, unknown>): Promise<RawAnswer> {
  const name: Record<string, string> = typeof params.name === 'string' ? { 'mcp-name': params.name } : {};
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': MODERN, 'mcp-method': method, ...name },
    body: JSON.stringify({ jsonrpc: '2.0', id, method, params: { ...params, _meta: MODERN_ENVELOPE } }),
  });
  const text = await res.text();
  const json = (res.headers.get('content-type') ?? '').includes('text/event-stream')
    ? text.split('\n').filter((l) => l.startsWith('data:')).map((l) => JSON.parse(l.slice(5))).find((m) => 'id' in m)
    : JSON.parse(text);
  return { status: res.status, body: json };
}
