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
 * Every SSE event carries an id and is kept in an EventStore (event-store.ts), so a client whose
 * stream broke resumes it with GET + Last-Event-ID and misses nothing: a broken POST stream keeps
 * its call, whose later messages and response go to the GET that resumes it.
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
import { GET_STREAM, MEMORY_EVENT_BOUNDS, MemoryEventStore, eventId, parseEventId, type EventPosition, type EventStore } from './event-store.js';
import { SseSink, sseFrame, type Frame } from './sse-sink.js';

/** The first protocol version whose clients expect a priming event (SEP-1699). */
const PRIMING_SINCE = '2025-11-25';

/** One SSE stream of the session (the GET stream, or a POST answered as a stream). */
interface SessionStream {
  id: string;
  /** Where its events are written now; undefined while no response carries it (kept for replay only). */
  sink?: SseSink;
}

/** The answer to one POST that carried requests. */
interface PostAnswer {
  res: ServerResponse;
  /** Request ids of this POST still waiting for their response. */
  pending: Set<RequestId>;
  /** Responses kept until every request of the POST has one (JSON mode answers once). */
  held: JSONRPCMessage[];
  batch: boolean;
  /** Set once the answer became an SSE stream. */
  stream?: SessionStream;
  acceptsSse: boolean;
  headers: Record<string, string>;
}

export class StreamableHttpServerTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  /** POSTs waiting for answers, by request id: made on first use and dropped when empty (idle sessions hold none). */
  private answers?: Map<RequestId, PostAnswer>;
  /** POST answers whose stream a GET may resume, by stream id, until their last response is out (made on first use). */
  private postStreams?: Map<string, PostAnswer>;
  /** Exists once the client opened a GET stream: from then on its events are kept even while it is away. */
  private getStream?: SessionStream;
  private postStreamCount = 0;
  private seq = 0;
  private lastMs = 0;
  private initialized = false;
  private closed = false;
  /** Logs and progress toward a client that stopped reading its stream are dropped (congestion.ts); made on first use. */
  private drops?: CongestionDrops;

  constructor(
    readonly sessionId: string,
    private readonly events: EventStore = new MemoryEventStore(MEMORY_EVENT_BOUNDS),
  ) {}

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
      const answer: PostAnswer = { res, pending: ids, held, batch, acceptsSse, headers };
      if (ids.size > 0) this.answers ??= new Map();
      for (const id of ids) this.answers!.set(id, answer);
      // Without JSON the client can only take a stream: open it now.
      if (!acceptsJson) this.startSse(answer);
      if (ids.size === 0) {
        if (answer.stream) this.endPostStream(answer);
        else this.writeHeld(answer);
      }
      res.on('close', () => {
        // A stream's call goes on: its messages are kept, for a GET with Last-Event-ID to resume.
        if (answer.stream) {
          if (answer.stream.sink?.res === res) answer.stream.sink = undefined;
          return;
        }
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

  private async get(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!String(req.headers.accept ?? '').includes('text/event-stream')) {
      return refuse(res, 'SB_NOT_ACCEPTABLE', 'Not Acceptable: a GET stream needs Accept: text/event-stream');
    }
    if (!this.versionOk(req, res)) return;
    const lastEventId = req.headers['last-event-id'];
    const resumed = typeof lastEventId === 'string' ? parseEventId(lastEventId) : undefined;
    if (resumed) return this.resume(res, resumed);
    if (this.getStream?.sink) return refuse(res, 'SB_STREAM_CONFLICT', 'Conflict: this session already has a GET stream open');
    this.openSse(res);
    const stream = (this.getStream ??= { id: GET_STREAM });
    const sink = this.attach(stream, res, false);
    // Priming event (an id, no message): a client whose stream breaks before any event can still
    // resume from here, and get what was sent while it was away. Only for clients of 2025-11-25 on,
    // which define it: an older client may try to parse the empty data as a message.
    if (String(req.headers['mcp-protocol-version'] ?? '') < PRIMING_SINCE) return;
    const priming = this.nextId(GET_STREAM);
    sink.write({ seq: priming.seq, text: `id: ${priming.id}\ndata: \n\n` });
  }

  /**
   * GET with Last-Event-ID: replay what the named stream carried after that id, then carry the
   * stream on (the GET stream, or a POST stream whose call is still running) on this response.
   */
  private async resume(res: ServerResponse, after: EventPosition): Promise<void> {
    this.openSse(res);
    const stream = after.streamId === GET_STREAM ? (this.getStream ??= { id: GET_STREAM }) : this.postStreams?.get(after.streamId)?.stream;
    // The client moved on from the stream it had: the new response replaces it.
    const replaced = stream?.sink;
    const sink = stream ? this.attach(stream, res, true) : new SseSink(res, true);
    replaced?.end();
    // A finished (or unknown) POST stream: the replay is all there is.
    if (!stream) sink.end();
    let events: Array<{ id: string; message: JSONRPCMessage }> = [];
    try {
      events = await this.events.replay(this.sessionId, after);
    } catch {
      // The store is unreachable (Redis down): the stream goes on live, without the replay.
    }
    sink.replayed(events.map((e) => ({ seq: parseEventId(e.id)?.seq ?? 0, text: sseFrame(e.id, e.message) })));
  }

  private openSse(res: ServerResponse): void {
    res.writeHead(200, { 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive', 'mcp-session-id': this.sessionId });
    res.flushHeaders();
  }

  private attach(stream: SessionStream, res: ServerResponse, replaying: boolean): SseSink {
    const sink = new SseSink(res, replaying);
    stream.sink = sink;
    res.on('close', () => {
      if (stream.sink === sink) stream.sink = undefined;
    });
    return sink;
  }

  private nextId(streamId: string): { id: string; seq: number } {
    this.lastMs = Math.max(this.lastMs, Date.now());
    const seq = ++this.seq;
    return { id: eventId(streamId, this.lastMs, seq), seq };
  }

  /** Give the message its event id, keep it for replay, and write it where the stream is carried now. */
  private emit(stream: SessionStream, message: JSONRPCMessage): void {
    const { id, seq } = this.nextId(stream.id);
    this.events.append(this.sessionId, { id, message });
    stream.sink?.write({ seq, text: sseFrame(id, message) } satisfies Frame);
  }

  /** Logs and progress toward a client that stopped reading are dropped (not kept either). */
  private congested(stream: SessionStream, message: JSONRPCMessage): boolean {
    if (stream.sink === undefined) return false;
    this.drops ??= new CongestionDrops('http', {});
    return this.drops.drop(message, stream.sink.buffered);
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const m = message as { id?: RequestId; method?: string };
    const isResponse = m.method === undefined && m.id !== undefined;
    const related = isResponse ? m.id : options?.relatedRequestId;
    const answer = related === undefined ? undefined : this.answers?.get(related);
    if (!answer) {
      // Unrelated messages (list_changed, requests of no call) go on the GET stream once the client
      // opened one (kept while it is away); a response whose POST is gone has nowhere to go.
      if (!isResponse && this.getStream && !this.congested(this.getStream, message)) this.emit(this.getStream, message);
      return;
    }
    if (!isResponse) {
      if (!answer.acceptsSse) return; // a JSON-only client cannot receive mid-call messages
      if (!answer.stream) this.startSse(answer);
      if (!this.congested(answer.stream!, message)) this.emit(answer.stream!, message);
      return;
    }
    answer.pending.delete(m.id!);
    this.forget(m.id!);
    if (answer.stream) {
      this.emit(answer.stream, message);
      if (answer.pending.size === 0) this.endPostStream(answer);
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

  /** Answer a POST in JSON mode with every response it holds. */
  private writeHeld(answer: PostAnswer): void {
    if (answer.res.writableEnded || answer.res.destroyed) return;
    const payload = answer.batch ? `[${answer.held.map(encodeMessage).join(',')}]` : encodeMessage(answer.held[0]);
    answer.res.writeHead(200, { ...answer.headers, 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) });
    answer.res.end(payload);
  }

  /** Switch a POST's answer to an SSE stream, flushing responses already held. */
  private startSse(answer: PostAnswer): void {
    const stream: SessionStream = { id: `p${++this.postStreamCount}` };
    answer.stream = stream;
    (this.postStreams ??= new Map()).set(stream.id, answer);
    // Not flushed: the first event follows at once, in the same packet.
    answer.res.writeHead(200, { ...answer.headers, 'Content-Type': 'text/event-stream', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
    if (!answer.res.destroyed) stream.sink = new SseSink(answer.res, false);
    for (const held of answer.held) this.emit(stream, held);
    answer.held = [];
  }

  private endPostStream(answer: PostAnswer): void {
    this.postStreams?.delete(answer.stream!.id);
    if (this.postStreams?.size === 0) this.postStreams = undefined;
    answer.stream!.sink?.end();
    if (!answer.res.writableEnded) answer.res.end();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const answer of new Set(this.answers?.values())) {
      answer.stream?.sink?.end();
      if (!answer.res.writableEnded) answer.res.end();
    }
    this.answers = undefined;
    this.postStreams = undefined;
    this.getStream?.sink?.end();
    this.getStream = undefined;
    this.events.forget(this.sessionId);
    this.onclose?.();
  }
}

function refuse(res: ServerResponse, code: SwitchboardErrorCode, message: string, data?: Record<string, unknown>): void {
  sendHttpError(res, new SwitchboardError(code, message, data && { data }));
}


function duplicateIdError(id: RequestId): JSONRPCMessage {
  const err = new SwitchboardError('SB_DUPLICATE_REQUEST_ID', `request id ${JSON.stringify(id)} is already in use by a request still being answered; use a new id for each request`);
  return { jsonrpc: '2.0', id, error: toWireError(err) } as unknown as JSONRPCMessage;
}
