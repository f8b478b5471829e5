/**
 * Raw HTTP for the contract adapters: POSTs whose answers (a JSON body or an SSE stream, read as it
 * arrives) feed an Inbox, and an event-stream reader for the legacy SSE GET. node:http rather than
 * fetch so a response that never ends can still be read event by event and cut on close.
 */
import { request, type ClientRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { Inbox, Message } from './inbox.js';

/** Splits an event stream into (event, data) pairs as chunks arrive. */
export function eventStreamParser(onEvent: (event: string, data: string) => void): (chunk: string) => void {
  let buffered = '';
  return (chunk) => {
    buffered += chunk;
    let end: number;
    while ((end = buffered.search(/\r?\n\r?\n/)) >= 0) {
      const block = buffered.slice(0, end);
      buffered = buffered.slice(end).replace(/^\r?\n\r?\n/, '');
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split(/\r?\n/)) {
        if (line.startsWith('event:')) event = line.slice(6).trim();
        else if (line.startsWith('data:')) data.push(line.slice(5).replace(/^ /, ''));
      }
      if (data.length) onEvent(event, data.join('\n'));
    }
  };
}

function pushParsed(inbox: Inbox, text: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return; // not JSON-RPC (a plain-text refusal): the status tells the test what happened
  }
  for (const m of Array.isArray(parsed) ? parsed : [parsed]) if (m && typeof m === 'object') inbox.push(m as Message);
}

export interface Exchange {
  status: Promise<number>;
  headers: Promise<IncomingHttpHeaders>;
}

/** Every request still open, so close() can cut the ones a test left hanging. */
export class HttpClientRequests {
  private readonly open = new Set<ClientRequest>();

  /**
   * Send one request; JSON-RPC messages in its answer (JSON body or SSE events) go to `inbox`. The
   * status resolves once a plain body has been read (its messages are in the inbox by then), or at
   * the headers of an event stream, which may stay open.
   */
  send(url: string, method: string, headers: Record<string, string>, body: string | undefined, inbox: Inbox): Exchange {
    const req = request(url, { method, headers });
    this.open.add(req);
    const forget = (): void => void this.open.delete(req);
    let gotHeaders!: (h: IncomingHttpHeaders) => void;
    const headersP = new Promise<IncomingHttpHeaders>((resolve) => (gotHeaders = resolve));
    const status = new Promise<number>((resolve, reject) => {
      req.on('error', (err) => {
        forget();
        reject(err);
      });
      req.on('response', (res: IncomingMessage) => {
        gotHeaders(res.headers);
        res.setEncoding('utf8');
        const isStream = String(res.headers['content-type'] ?? '').startsWith('text/event-stream');
        if (isStream) {
          res.on('data', eventStreamParser((_e, data) => pushParsed(inbox, data)));
          resolve(res.statusCode ?? 0);
        }
        let text = '';
        if (!isStream) res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          forget();
          if (!isStream && text.trim()) pushParsed(inbox, text);
          resolve(res.statusCode ?? 0);
        });
        res.on('error', (err) => {
          forget();
          reject(err);
        });
      });
    });
    req.end(body);
    // A request cut by close() rejects these; only a test that awaits one cares.
    status.catch(() => undefined);
    return { status, headers: headersP };
  }

  /** A GET whose answer is an event stream: every event goes to onEvent until it is closed. */
  stream(url: string, headers: Record<string, string>, onEvent: (event: string, data: string) => void, onEnd: (why: string) => void): { status: Promise<number>; close(): void } {
    const req = request(url, { method: 'GET', headers });
    const status = new Promise<number>((resolve, reject) => {
      req.on('response', (res) => {
        res.setEncoding('utf8');
        res.on('data', eventStreamParser(onEvent));
        res.on('end', () => onEnd('the event stream ended'));
        res.on('error', () => onEnd('the event stream failed'));
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (err) => {
        onEnd(`the event stream failed: ${err.message}`);
        reject(err);
      });
    });
    status.catch(() => undefined);
    req.end();
    this.open.add(req);
    return {
      status,
      close: () => {
        this.open.delete(req);
        req.destroy();
      },
    };
  }

  closeAll(): void {
    for (const req of this.open) req.destroy();
    this.open.clear();
  }
}
