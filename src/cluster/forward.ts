/**
 * Relaying one HTTP request to the replica that owns what it names (a 2025 session, a held call, a
 * task), and its answer back, byte for byte: a JSON body, or an SSE stream for as long as it runs.
 * The owner checks the request again (auth, session, headers) exactly as if the client had reached
 * it directly; this replica only carries bytes. A request already forwarded once is never forwarded
 * again, so two replicas that disagree about an owner cannot bounce a request between them.
 */
import { Agent, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** Set on a forwarded request: the id of the replica that forwarded it. */
export const FORWARDED_BY = 'x-switchboard-forwarded-by';

/** Hop-by-hop headers (RFC 9110 7.6.1) and the ones node:http recomputes. */
const NOT_RELAYED = new Set(['host', 'connection', 'keep-alive', 'transfer-encoding', 'content-length', 'upgrade', 'proxy-connection', 'te', 'trailer']);

export type ForwardOutcome = 'relayed' | 'unreachable';

/**
 * How long a connection to the owner may take. A dead pod's address often does not refuse: it just
 * never answers, and the OS would wait minutes. Replicas sit on one network; 3 s is a dead owner.
 */
const CONNECT_TIMEOUT_MS = 3000;

export class ReplicaForwarder {
  // Keep-alive: a forwarded session sends every request through here, one connect per call would
  // double its latency.
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 256 });

  constructor(private readonly self: string) {}

  /** Whether this request was already forwarded by some replica. */
  static wasForwarded(req: IncomingMessage): boolean {
    return req.headers[FORWARDED_BY] !== undefined;
  }

  /**
   * Send `req` (whose body was already read as `body`) to the replica at `baseUrl`, keeping its
   * path and query, and stream the answer into `res`. 'unreachable': nothing was written to `res`,
   * the caller answers (the owner is gone).
   */
  forward(req: IncomingMessage, res: ServerResponse, body: unknown, baseUrl: string): Promise<ForwardOutcome> {
    const target = new URL(req.url ?? '/', baseUrl);
    const headers: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) if (value !== undefined && !NOT_RELAYED.has(name)) headers[name] = value;
    headers[FORWARDED_BY] = this.self;
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    if (payload) headers['content-length'] = String(payload.length);
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    return new Promise((resolve) => {
      let complete = false;
      const upstream = send(target, { method: req.method, headers, ...(target.protocol === 'http:' && { agent: this.#agent }) }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, relayedHeaders(answer));
        // SSE: every event must reach the client as it comes, not when a buffer fills. A JSON body
        // follows at once: its headers go out with it, in one write.
        if (String(answer.headers['content-type'] ?? '').startsWith('text/event-stream')) res.flushHeaders();
        answer.pipe(res);
        answer.on('end', () => (complete = true));
        answer.on('error', () => res.destroy());
        resolve('relayed');
      });
      upstream.on('socket', (socket) => {
        // A kept-alive socket is connected already; only a new one can hang on connect.
        if (!socket.connecting) return;
        const timer = setTimeout(() => upstream.destroy(new Error('connect timeout')), CONNECT_TIMEOUT_MS);
        socket.once('connect', () => clearTimeout(timer));
        socket.once('close', () => clearTimeout(timer));
      });
      upstream.on('error', () => {
        if (!res.headersSent) resolve('unreachable');
        else res.destroy();
      });
      // The client went away (closed its stream, cancelled): the owner must see that too.
      // (Only then: a finished exchange leaves its socket to the keep-alive pool.)
      res.on('close', () => complete || upstream.destroy());
      upstream.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

function relayedHeaders(answer: IncomingMessage): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(answer.headers)) if (value !== undefined && !NOT_RELAYED.has(name)) out[name] = value;
  if (answer.headers['content-length'] !== undefined) out['content-length'] = answer.headers['content-length'];
  return out;
}
