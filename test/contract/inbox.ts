/**
 * What one contract connection has received, as a queue: `next` takes the first unconsumed message
 * that matches, so two errors with id null sent one after the other are told apart by order, and a
 * test never mistakes an earlier answer for the one it is waiting for.
 */

export interface Message extends Record<string, unknown> {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export type Match = (m: Message) => boolean;

export class Inbox {
  /** Every message, in arrival order (consumed or not). */
  readonly all: Message[] = [];
  private readonly unread: Message[] = [];
  private readonly waiters = new Set<() => void>();
  private ended?: string;

  push(message: Message): void {
    this.all.push(message);
    this.unread.push(message);
    for (const w of [...this.waiters]) w();
  }

  /** No more messages will come (process exited, socket closed): waiters fail now, not at their timeout. */
  end(reason: string): void {
    this.ended ??= reason;
    for (const w of [...this.waiters]) w();
  }

  get endReason(): string | undefined {
    return this.ended;
  }

  /** Take the first unconsumed message that matches; fail after timeoutMs, or once the connection ended. */
  next(match: Match, what: string, timeoutMs = 10_000): Promise<Message> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const at = this.unread.findIndex(match);
        if (at >= 0) {
          done();
          resolve(this.unread.splice(at, 1)[0]!);
        } else if (this.ended !== undefined) {
          done();
          reject(new Error(`no ${what}: the connection ended (${this.ended}); received:\n${this.describe()}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`no ${what} within ${timeoutMs} ms (the request was left unanswered); received:\n${this.describe()}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      this.waiters.add(check);
      check();
    });
  }

  /** Unconsumed messages that match (for "nothing else arrived" checks). */
  pending(match: Match): Message[] {
    return this.unread.filter(match);
  }

  /** Remove and return every unconsumed message that matches. */
  take(match: Match): Message[] {
    const taken = this.unread.filter(match);
    for (const m of taken) this.unread.splice(this.unread.indexOf(m), 1);
    return taken;
  }

  private describe(): string {
    return this.all.slice(-10).map((m) => JSON.stringify(m).slice(0, 300)).join('\n') || '(nothing)';
  }
}

export const isResponseTo = (id: unknown): Match => (m) => m.id === id && m.method === undefined && (m.result !== undefined || m.error !== undefined);
export const isErrorWithCode = (code: number): Match => (m) => m.method === undefined && m.error?.code === code;
