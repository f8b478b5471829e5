/**
 * Reads newline-delimited JSON-RPC from a stream (a stdio MCP server's stdout), keeping every raw
 * line so a test can check that nothing but JSON-RPC was written, and waiting for messages by shape.
 */
import type { Readable } from 'node:stream';

export type Message = { jsonrpc?: unknown; id?: unknown; method?: unknown; result?: unknown; error?: { code: number; message: string } } & Record<string, unknown>;

export class JsonRpcLines {
  readonly lines: string[] = [];
  readonly messages: Message[] = [];
  private partial = '';
  private readonly waiters = new Set<() => void>();

  constructor(stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) {
        this.lines.push(line);
        try {
          this.messages.push(JSON.parse(line) as Message);
        } catch {
          // kept in `lines`; the test decides whether a non-JSON line is a failure
        }
      }
      for (const w of this.waiters) w();
    });
  }

  /** Text after the last newline: anything here at the end of the stream is an unterminated line. */
  get trailing(): string {
    return this.partial;
  }

  /** The first message (already received or still to come) that matches. */
  waitFor(match: (m: Message) => boolean, what: string, timeoutMs = 20_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const found = this.messages.find(match);
        if (!found) return;
        done();
        resolve(found);
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms; lines so far:\n${this.lines.join('\n')}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  response(id: number | string | null, timeoutMs?: number): Promise<Message> {
    return this.waitFor((m) => m.id === id && (m.result !== undefined || m.error !== undefined), `response to id ${JSON.stringify(id)}`, timeoutMs);
  }
}
