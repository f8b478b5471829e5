/**
 * Writes an HTTP refusal: every HTTP front (Streamable HTTP, legacy SSE, WebSocket upgrades) answers
 * errors this way, so a refused client always gets the catalog's status and a JSON-RPC error body
 * as application/json, never text.
 */
import type { ServerResponse } from 'node:http';
import { httpErrorBody } from './wire.js';

export interface HttpRefusalOptions {
  /** Extra headers (Allow, WWW-Authenticate, Connection: close). */
  headers?: Record<string, string>;
  id?: string | number | null;
}

export function sendHttpError(res: ServerResponse, err: unknown, opts: HttpRefusalOptions = {}): void {
  if (res.headersSent) {
    // A stream already started (200, SSE): the status can no longer change; end it.
    res.end();
    return;
  }
  const { status, body } = httpErrorBody(err, opts.id ?? null);
  // An explicit length keeps Node from chunk-framing a body this small.
  res.writeHead(status, { ...opts.headers, 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
  res.end(body);
}
