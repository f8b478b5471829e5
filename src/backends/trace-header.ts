/**
 * W3C trace context as an HTTP header too: a traced request carries `traceparent` in its
 * `params._meta` (MCP's convention, set by the engine); HTTP servers and proxies that know nothing of
 * MCP read the `traceparent` header instead. The transports build the body before fetch sees it, so
 * the header is copied from the body: a search in a string only while tracing is on (the transport
 * factory adds this fetch only then).
 */

type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const TRACEPARENT = /"traceparent":"(\d\d-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})"/g;

/** The traceparent the engine put in a JSON-RPC body: the last one (the engine appends its `_meta`). */
export function traceparentOf(body: string): string | undefined {
  let last: string | undefined;
  for (const match of body.matchAll(TRACEPARENT)) last = match[1];
  return last;
}

export function withTraceparentHeader(base: Fetch = fetch): Fetch {
  return (input, init) => {
    const body = init?.body;
    const traceparent = typeof body === 'string' && body.includes('"traceparent"') ? traceparentOf(body) : undefined;
    if (traceparent === undefined) return base(input, init);
    const headers = new Headers(init?.headers);
    headers.set('traceparent', traceparent);
    return base(input, { ...init, headers });
  };
}
