/**
 * 2026-07-28 requests on the Streamable HTTP endpoint: a POST without Mcp-Session-Id whose body is
 * one modern request. No session is created. The answer is one `application/json` body when the
 * result is the first thing the request produces, else an SSE stream (progress, then the result);
 * subscriptions/listen is always a stream, open until the client closes it or the router stops.
 *
 * Edge checks, in the spec's order: one JSON-RPC request (no batches in this era), the envelope
 * (-32602 / -32022, HTTP 400), the standard headers (-32020, HTTP 400); then the dispatcher answers
 * in-band (HTTP 200), errors included. The client closing the POST cancels the request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestId, Result } from '@modelcontextprotocol/server';
import type { CatalogView } from '../catalog/view.js';
import { SwitchboardError, sendHttpError, toWireError } from '../errors/index.js';
import type { ModernDispatcher } from '../front/modern/dispatcher.js';
import { PROTOCOL_VERSION_META_KEY, readEnvelope } from '../front/modern/envelope.js';
import { checkModernHeaders } from './modern-headers.js';
import { encodeMessage } from '../util/encode-message.js';
import { redactedError } from '../front/redact-error.js';
import type { Redactor } from '../log.js';
import type { Principal } from '../util/principal.js';

const KEEPALIVE_MS = 15_000;

export class ModernHttp {
  constructor(
    private readonly dispatcher: ModernDispatcher,
    /** Replaces the config's secrets in every error a client gets, as for 2025 sessions. */
    private readonly redact?: Redactor,
  ) {}

  async handle(req: IncomingMessage, res: ServerResponse, body: unknown, view: CatalogView, principal?: Principal): Promise<void> {
    if (Array.isArray(body)) return sendHttpError(res, new SwitchboardError('SB_INVALID_REQUEST', 'Invalid Request: a 2026-07-28 POST carries one JSON-RPC message, not a batch'));
    const m = body as { id?: RequestId; method: string; params?: unknown };
    if (m.id === undefined || m.id === null) {
      // Notifications of this era need no answer and change nothing here (cancelling is closing the POST).
      res.writeHead(202).end();
      return;
    }
    const id = m.id;
    // The body decides the era; a protocol-version header that says otherwise is a mismatch, checked
    // before the envelope itself (a 2025 header on a 2026 body is -32020, not "unsupported").
    const claimed = envelopeVersion(m.params);
    const sentVersion = req.headers['mcp-protocol-version'];
    if (claimed !== undefined && typeof sentVersion === 'string' && sentVersion !== claimed) {
      return sendHttpError(res, new SwitchboardError('SB_HEADER_MISMATCH', `Header mismatch: MCP-Protocol-Version is "${sentVersion}" but the body's _meta envelope says "${claimed}"`), { id });
    }
    let version: string;
    try {
      version = readEnvelope(m.method, m.params).protocolVersion;
    } catch (err) {
      return sendHttpError(res, err, { id });
    }
    const wrongHeader = checkModernHeaders(req.headers, m.method, m.params, version);
    if (wrongHeader) return sendHttpError(res, wrongHeader, { id });
    const unknown = this.dispatcher.refusal(m.method);
    if (unknown) return sendHttpError(res, unknown, { id });
    const accept = String(req.headers.accept ?? '');
    const acceptsSse = accept.includes('text/event-stream') || accept.includes('*/*');
    const controller = new AbortController();
    let sse = false;
    let finished = false;
    let keepalive: NodeJS.Timeout | undefined;
    res.on('close', () => {
      clearInterval(keepalive);
      if (!finished) controller.abort('the client closed the request');
    });
    const startSse = (): void => {
      sse = true;
      res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache, no-transform', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.flushHeaders();
    };
    const sink = {
      notify: (method: string, params: Record<string, unknown>) => {
        if (finished || res.writableEnded || !acceptsSse) return;
        if (!sse) startSse();
        writeEvent(res, { jsonrpc: '2.0', method, params });
      },
    };
    if (m.method === 'subscriptions/listen' && acceptsSse) {
      startSse();
      keepalive = setInterval(() => res.write(': keepalive\n\n'), KEEPALIVE_MS);
      keepalive.unref();
    }
    let message: object;
    try {
      const result: Result = await this.dispatcher.dispatch({ id, method: m.method, params: m.params }, { view, sink, signal: controller.signal, ...(principal && { principal }) });
      message = { jsonrpc: '2.0', id, result };
    } catch (err) {
      message = { jsonrpc: '2.0', id, error: toWireError(this.redact ? redactedError(err, this.redact) : err) };
    }
    finished = true;
    clearInterval(keepalive);
    if (res.writableEnded || res.destroyed) return;
    if (sse) {
      writeEvent(res, message);
      res.end();
      return;
    }
    const payload = encodeMessage(message);
    res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  }
}

function envelopeVersion(params: unknown): string | undefined {
  const version = (params as { _meta?: Record<string, unknown> } | undefined)?._meta?.[PROTOCOL_VERSION_META_KEY];
  return typeof version === 'string' ? version : undefined;
}

function writeEvent(res: ServerResponse, message: object): void {
  if (!res.writableEnded) res.write(`event: message\ndata: ${encodeMessage(message)}\n\n`);
}
