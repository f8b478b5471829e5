/**
 * An SSE response read event by event over node:http, ids included, so a test can cut a stream where
 * it wants (destroy) and resume it with Last-Event-ID, or read a POST's stream and the JSON body of a
 * refusal alike. Every wait is bounded.
 */
import { request, type IncomingHttpHeaders } from 'node:http';
import { eventually } from './eventually.js';

export interface SseEvent {
  id?: string;
  data: string;
  /** The JSON-RPC message of a non-empty event. */
  message?: Record<string, unknown>;
}

export interface SseRead {
  status: number;
  headers: IncomingHttpHeaders;
  events: SseEvent[];
  /** The body when the answer is not an event stream. */
  text(): string;
  ended(): boolean;
  waitFor(what: string, test: (events: SseEvent[]) => boolean, timeoutMs?: number): Promise<SseEvent[]>;
  waitEnd(timeoutMs?: number): Promise<void>;
  /** Cut the stream as a lost connection would. */
  close(): void;
}

export function openSse(url: string, opts: { method?: string; headers?: Record<string, string>; body?: string }): Promise<SseRead> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: opts.method ?? 'GET', headers: opts.headers });
    req.setTimeout(30_000, () => req.destroy(new Error(`no answer from ${url} in 30 s`)));
    req.on('error', reject);
    req.on('response', (res) => {
      req.setTimeout(0);
      const events: SseEvent[] = [];
      let buffered = '';
      let raw = '';
      let done = false;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        raw += chunk;
        buffered += chunk;
        let end: number;
        while ((end = buffered.indexOf('\n\n')) >= 0) {
          const block = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          const event: SseEvent = { data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith('id:')) event.id = line.slice(3).trim();
            else if (line.startsWith('data:')) event.data += line.slice(5).replace(/^ /, '');
          }
          if (event.data) event.message = JSON.parse(event.data) as Record<string, unknown>;
          events.push(event);
        }
      });
      const finish = () => (done = true);
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
      resolve({
        status: res.statusCode ?? 0,
        headers: res.headers,
        events,
        text: () => raw,
        ended: () => done,
        waitFor: (what, test, timeoutMs = 10_000) => eventually(() => test(events) && events, { what, timeoutMs, intervalMs: 20 }),
        waitEnd: (timeoutMs = 10_000) => eventually(() => done, { what: 'the stream to end', timeoutMs, intervalMs: 20 }).then(() => undefined),
        close: () => {
          res.destroy();
          req.destroy();
        },
      });
    });
    req.end(opts.body);
  });
}

/** The messages of the events read so far (priming events, which carry none, left out). */
export function messagesOf(events: SseEvent[]): Array<Record<string, unknown>> {
  return events.flatMap((e) => (e.message ? [e.message] : []));
}
