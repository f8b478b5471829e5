/**
 * Server side of one Streamable HTTP session, on plain node:http.
 *
 * Why not the SDK's NodeStreamableHTTPServerTransport: it converts every request and response to Web
 * streams through a framework adapter, and measured here that stack alone caps a session near 300
 * calls/s. This one writes straight to the socket, and picks the cheapest answer the spec allows per
 * POST: when a request's response is the first thing it produces, it goes back as one
 * `application/json` body; the moment the call emits anything else first (progress, a log, a
 * sampling request), the POST's answer becomes an SSE stream carrying those and then the response.
 *
 * HTTP-level checks (Host, Origin, auth, body size, session lookup, 404 for unknown sessions) happen
 * in HttpFront before a request reaches here.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { JSONRPCMessage, RequestId, Transport, TransportSendOptions } from '@modelcontextprotocol/server';
import { SUPPORTED_PROTOCOL_VERSIONS } from '../rpc/protocol-version.js';
import { SwitchboardError, sendHttpError, toWireError, type SwitchboardErrorCode } from '../errors/index.js';
import { isJsonRpcMessage } from '../rpc/message-shape.js';
import { encodeMessage } from '../util/encode-message.js';
import { CongestionDrops } from './congestion.js';

/** The answer to one POST that carried requests. */
interface PostAnswer {
  res: ServerResponse;
  /** Request ids of this POST still waiting for their response. */
  pending: Set<RequestId>;
  /** Responses kept until every request of the POST has one (JSON mode answers once). */
  held: JSONRPCMessage[];
  batch: boolean;
  sse: boolean;
  acceptsSse: boolean;
  headers: Record<string, string>;
}

export class StreamableHttpServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  /** POSTs waiting for answers, by request id: made on first use and dropped when empty (idle sessions hold none). */
  private answers?: Map<RequestId, PostAnswer>;
  private standalone?: ServerResponse;
  private initialized = false;
  private closed = false;
  /** Logs and progress toward a client that stopped reading its stream are dropped (congestion.ts); made on first use. */
  private drops?: CongestionDrops;

  constructor(readonly sessionId: string) {}

  async start(): Promise<void> {}

  async handleRequest(req: IncomingMessage, res: ServerResponse, body?: unknown): Promise<void> {
    if (this.closed) return refuse(res, 'SB_UNKNOWN_SESSION', 'Session not found: it ended; initialize a new session');
    if (req.method === 'POST') return this.post(req, res, body);
    if (req.method === 'GET') return this.get(req, res);
    if (req.method === 'DELETE') {
      await this.close();
      res.writeHead(200).end();
      return;
    }
    sendHttpError(res, new SwitchboardError('SB_METHOD_NOT_ALLOWED', `Method not allowed: ${String(req.method)}; use GET, POST or DELETE`), { headers: { Allow: 'GET, POST, DELETE' } });
  }

  private post(req: IncomingMessage, res: ServerResponse, body: unknown): void {
    const accept = String(req.headers.accept ?? '');
    const acceptsJson = accept.includes('application/json') || accept.includes('*/*');
    const acceptsSse = accept.includes('text/event-stream') || accept.includes('*/*');
    if (!acceptsJson && !acceptsSse) return refuse(res, 'SB_NOT_ACCEPTABLE', 'Not Acceptable: accept application/json and text/event-stream');
    const type = String(req.headers['content-type'] ?? '');
    if (!type.includes('application/json')) return refuse(res, 'SB_UNSUPPORTED_MEDIA_TYPE', 'Unsupported Media Type: send Content-Type: application/json');
    const batch = Array.isArray(body);
    const messages = (batch ? body : [body]) as unknown[];
    if (messages.length === 0 || !messages.every(isJsonRpcMessage)) return refuse(res, 'SB_INVALID_REQUEST', 'Invalid Request: expected JSON-RPC 2.0 message(s)');
    const init = messages.some((m) => (m as { method?: unknown }).method === 'initialize');
    if (init) {
      if (this.initialized) return refuse(res, 'SB_ALREADY_INITIALIZED', 'Invalid Request: this session is already initialized');
      if (messages.length > 1) return refuse(res, 'SB_INVALID_REQUEST', 'Invalid Request: initialize must be sent alone');
      this.initialized = true;
    } else if (!this.versionOk(req, res)) {
      return;
    }
    const requests = messages.filter((m) => (m as { method?: unknown }).method !== undefined && (m as { id?: unknown }).id !== undefined) as Array<{ id: RequestId }>;
    // A request whose id is still being answered (on any POST of this session, or earlier in this
    // batch) is refused here: each id maps to the one POST that must carry its answer, so letting a
    // second one through would steal the first one's answer slot.
    const refused = new Set<object>();
    const ids = new Set<RequestId>();
    for (const r of requests) {
      if (this.answers?.has(r.id) || ids.has(r.id)) refused.add(r);
      else ids.add(r.id);
    }
    const headers: Record<string, string> = { 'mcp-session-id': this.sessionId };
    if (requests.length === 0) {
      res.writeHead(202, headers).end();
    } else {
      const held = [...refused].map((r) => duplicateIdError((r as { id: RequestId }).id));
      const answer: PostAnswer = { res, pending: ids, held, batch, sse: false, acceptsSse, headers };
      if (ids.size > 0) this.answers ??= new Map();
      for (const id of ids) this.answers!.set(id, answer);
      // Without JSON the client can only take a stream: open it now.
      if (!acceptsJson) this.startSse(answer);
      if (ids.size === 0) {
        if (answer.sse) answer.res.end();
        else this.writeHeld(answer);
      }
      res.on('close', () => {
        for (const id of answer.pending) this.forget(id);
      });
    }
    for (const m of messages) if (!refused.has(m as object)) this.onmessage?.(m as JSONRPCMessage);
  }

  private versionOk(req: IncomingMessage, res: ServerResponse): boolean {
    const version = req.headers['mcp-protocol-version'];
    if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(String(version))) return true;
    refuse(res, 'SB_UNSUPPORTED_PROTOCOL_VERSION', `Bad Request: unsupported MCP-Protocol-Version "${String(version)}"; supported: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')}`, {
      supported: [...SUPPORTED_PROTOCOL_VERSIONS],
    });
    return false;
  }

  private get(req: IncomingMessage, res: ServerResponse): void {
    if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
      return refuse(res, 'SB_NOT_ACCEPTABLE', 'Not Acceptable: a GET stream needs Accept: text/event-stream');
    }
    if (!this.versionOk(req, res)) return;
    if (this.standalone && !this.standalone.writableEnded) return refuse(res, 'SB_STREAM_CONFLICT', 'Conflict: this session already has a GET stream open');
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'mcp-session-id': this.sessionId });
    res.flushHeaders();
    this.standalone = res;
    res.on('close', () => {
      if (this.standalone === res) this.standalone = undefined;
    });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const m = message as { id?: RequestId; method?: string };
    const isResponse = m.method === undefined && m.id !== undefined;
    const related = isResponse ? m.id : options?.relatedRequestId;
    const answer = related === undefined ? undefined : this.answers?.get(related);
    if (!answer) {
      // Unrelated messages (list_changed, requests of no call) go on the GET stream when there is
      // one; a response whose POST is gone (client hung up) has nowhere to go.
      if (!isResponse && this.standalone && !this.dropped(message, this.standalone.writableLength)) writeEvent(this.standalone, message);
      return;
    }
    if (!isResponse) {
      if (!answer.acceptsSse) return; // a JSON-only client cannot receive mid-call messages
      if (!answer.sse) this.startSse(answer);
      if (!this.dropped(message, answer.res.writableLength)) writeEvent(answer.res, message);
      return;
    }
    answer.pending.delete(m.id!);
    this.forget(m.id!);
    if (answer.sse) {
      writeEvent(answer.res, message);
      if (answer.pending.size === 0) answer.res.end();
      return;
    }
    answer.held.push(message);
    if (answer.pending.size > 0) return;
    this.writeHeld(answer);
  }

  private forget(id: RequestId): void {
    this.answers?.delete(id);
    if (this.answers?.size === 0) this.answers = undefined;
  }

  private dropped(message: JSONRPCMessage, buffered: number): boolean {
    this.drops ??= new CongestionDrops('http', {});
    return this.drops.drop(message, buffered);
  }

  /** Answer a POST in JSON mode with every response it holds. */
  private writeHeld(answer: PostAnswer): void {
    if (answer.res.writableEnded || answer.res.destroyed) return;
    const payload = answer.batch ? `[${answer.held.map(encodeMessage).join(',')}]` : encodeMessage(answer.held[0]);
    answer.res.writeHead(200, { ...answer.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
    answer.res.end(payload);
  }

  /** Switch a POST's answer to an SSE stream, flushing responses already held. */
  private startSse(answer: PostAnswer): void {
    answer.sse = true;
    answer.res.writeHead(200, { ...answer.headers, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    for (const held of answer.held) writeEvent(answer.res, held);
    answer.held = [];
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const answer of new Set(this.answers?.values())) if (!answer.res.writableEnded) answer.res.end();
    this.answers = undefined;
    this.standalone?.end();
    this.standalone = undefined;
    this.onclose?.();
  }
}

function refuse(res: ServerResponse, code: SwitchboardErrorCode, message: string, data?: Record<string, unknown>): void {
  sendHttpError(res, new SwitchboardError(code, message, data && { data }));
}

function writeEvent(res: ServerResponse, message: JSONRPCMessage): void {
  if (!res.writableEnded) res.write(`event: message\ndata: ${encodeMessage(message)}\n\n`);
}


function duplicateIdError(id: RequestId): JSONRPCMessage {
  const err = new SwitchboardError('SB_DUPLICATE_REQUEST_ID', `request id ${JSON.stringify(id)} is already in use by a request still being answered; use a new id for each request`);
  return { jsonrpc: '2.0', id, error: toWireError(err) } as unknown as JSONRPCMessage;
}
