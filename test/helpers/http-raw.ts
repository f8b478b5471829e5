/**
 * Plain node:http requests for end-to-end HTTP tests: unlike fetch, they can set any header (Host
 * included) and read a response whose body never ends (an SSE stream) by its headers alone.
 */
import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface RawRequest {
  method?: string;
  headers?: Record<string, string>;
  body?: string;
  /** Send the body in two writes without Content-Length (chunked transfer encoding). */
  chunked?: boolean;
}

function send(url: string, opts: RawRequest): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers }, resolve);
    req.on('error', reject);
    if (opts.chunked && opts.body) {
      const half = Math.floor(opts.body.length / 2);
      req.write(opts.body.slice(0, half));
      req.end(opts.body.slice(half));
    } else {
      req.end(opts.body);
    }
  });
}

/** Send a request and read the whole response. */
export async function httpRequest(url: string, opts: RawRequest = {}): Promise<RawResponse> {
  const res = await send(url, opts);
  res.setEncoding('utf8');
  let body = '';
  for await (const chunk of res) body += chunk as string;
  return { status: res.statusCode ?? 0, headers: res.headers, body };
}

/** Send a request, keep the response open, and hand back its status and headers with a way to close it. */
export async function httpOpen(url: string, opts: RawRequest = {}): Promise<{ status: number; headers: IncomingHttpHeaders; close(): void }> {
  const res = await send(url, opts);
  return { status: res.statusCode ?? 0, headers: res.headers, close: () => res.destroy() };
}

export const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

/** The JSON-RPC messages of a Streamable HTTP response body, whether JSON or an SSE stream. */
export function jsonRpcMessages(res: RawResponse): Array<Record<string, unknown>> {
  const type = String(res.headers['content-type'] ?? '');
  if (type.startsWith('text/event-stream')) {
    return res.body
      .split('\n')
      .filter((l) => l.startsWith('data:'))
      .map((l) => JSON.parse(l.slice(5).trim()) as Record<string, unknown>);
  }
  return res.body.trim() ? [JSON.parse(res.body) as Record<string, unknown>] : [];
}
