/**
 * 2026-07-28 requests on the Streamable HTTP endpoint: a POST without Mcp-Session-Id whose body is
 * one modern request. No session is created. The answer is one `application/json` body when the
 * result is the first thing the request produces, else an SSE stream (progress, then the result);
 * subscriptions/listen is always a stream, open until the client closes it or the router stops.
 *
 * Edge checks, in the spec's order: one JSON-RPC request (no batches in this era), the envelope
 * (-32602 / -32022, HTTP 400), the standard headers (-32020, HTTP 400); then the dispatcher answers
 * in-band (HTTP 200), errors included, except those the spec gives a status (-32021, missing client
 * capability: 400). The client closing the POST cancels the request.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RequestId, Result } from '@modelcontextprotocol/server';
import type { CatalogView } from '../catalog/view.js';
import { JsonRpcCode, SwitchboardError, sendHttpError, toWireError } from '../errors/index.js';
import type { ModernDispatcher } from '../front/modern/dispatcher.js';
import { PROTOCOL_VERSION_META_KEY, readEnvelope } from '../front/modern/envelope.js';
import { checkModernHeaders } from './modern-headers.js';
import { encodeMessage } from '../util/encode-message.js';
import { redactedError } from '../front/redact-error.js';
import type { Redactor } from '../log.js';
import type { Principal } from '../util/principal.js';
import type { Cluster } from '../cluster/cluster.js';
import { HeldCallForwarding } from './held-call-forwarding.js';
import { RequestCancellation } from '../rpc/cancellation.js';

const KEEPALIVE_MS = 15_000;

export class ModernHttp {
  /** A replica of a cluster: retries of held calls are taken to the replica that holds them. */
  private readonly forwarding?: HeldCallForwarding;

  constructor(
    private readonly dispatcher: ModernDispatcher,
    /** Replaces the config's secrets in every error a client gets, as for 2025 sessions. */
    private readonly redact?: Redactor,
    cluster?: Cluster,
  ) {
    if (cluster) this.forwarding = new HeldCallForwarding(cluster, (state) => dispatcher.heldCalls.ownerOf(state));
  }

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
    if (this.forwarding && (await this.forwarding.divert(req, res, body, id, m.params))) return;
    const accept = String(req.headers.accept ?? '');
    const acceptsSse = accept.includes('text/event-stream') || accept.includes('*/*');
    const cancellation = new RequestCancellation();
    let sse = false;
    let finished = false;
    let keepalive: NodeJS.Timeout | undefined;
    res.on('close', () => {
      clearInterval(keepalive);
      if (!finished) cancellation.cancel('the client closed the request');
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
    let status = 200;
    try {
      const result: Result = await this.dispatcher.dispatch({ id, method: m.method, params: m.params }, { view, sink, cancellation, ...(principal && { principal }) });
      message = { jsonrpc: '2.0', id, result };
    } catch (err) {
      const error = toWireError(this.redact ? redactedError(err, this.redact) : err);
      status = httpStatusOf(error.code);
      message = { jsonrpc: '2.0', id, error };
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
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
    res.end(payload);
  }
}

/**
 * Errors whose HTTP status 2026-07-28 fixes, wherever they come from (a backend's -32021 passes
 * through as it sent it): header mismatch, missing client capability, unsupported protocol version
 * are all 400. Every other error is answered in-band, 200.
 */
const HTTP_400_RPC_CODES = new Set<number>([JsonRpcCode.HeaderMismatch, JsonRpcCode.MissingClientCapability, JsonRpcCode.UnsupportedProtocolVersion]);

function httpStatusOf(rpcCode: number): number {
  return HTTP_400_RPC_CODES.has(rpcCode) ? 400 : 200;
}

function envelopeVersion(params: unknown): string | undefined {
  const version = (params as { _meta?: Record<string, unknown> } | undefined)?._meta?.[PROTOCOL_VERSION_META_KEY];
  return typeof version === 'string' ? version : undefined;
}

function writeEvent(res: ServerResponse, message: object): void {
  if (!res.writableEnded) res.write(`event: message\ndata: ${encodeMessage(message)}\n\n`);
}
