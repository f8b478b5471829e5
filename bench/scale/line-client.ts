/**
 * A bare JSON-RPC client over a child's stdio for bench/scale: newline-delimited JSON, no SDK, so
 * what is measured is the server (or the router and its backends), not a client library. Bounded:
 * every wait has a timeout.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export type Message = { id?: number; method?: string; result?: Record<string, unknown>; error?: { code: number; message: string }; params?: Record<string, unknown> };

export class LineClient {
  readonly child: ChildProcess;
  private partial = '';
  private seq = 0;
  private readonly waiting = new Map<number, (m: Message) => void>();
  /** Notifications received, in order, while `collect` is set. */
  notes: Message[] = [];
  collect = false;

  constructor(command: string, args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}) {
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, ...opts.env }, cwd: opts.cwd });
    this.child.stdout!.setEncoding('utf8');
    this.child.stdout!.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) if (line) this.receive(JSON.parse(line) as Message);
    });
  }

  get pid(): number {
    return this.child.pid!;
  }

  private receive(m: Message): void {
    if (m.method !== undefined) {
      if (m.id !== undefined) this.write({ jsonrpc: '2.0', id: m.id, result: m.method === 'roots/list' ? { roots: [] } : {} });
      else if (this.collect) this.notes.push(m);
      return;
    }
    const waiter = m.id === undefined ? undefined : this.waiting.get(m.id);
    if (waiter) {
      this.waiting.delete(m.id!);
      waiter(m);
    }
  }

  private write(message: object): void {
    this.child.stdin!.write(JSON.stringify(message) + '\n');
  }

  request(method: string, params: Record<string, unknown> = {}, timeoutMs = 120_000): Promise<Message> {
    const id = ++this.seq;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(id);
        reject(new Error(`${method} got no answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.waiting.set(id, (m) => {
        clearTimeout(timer);
        if (m.error) reject(new Error(`${method}: ${m.error.message}`));
        else resolve(m);
      });
      this.write({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params?: Record<string, unknown>): void {
    this.write({ jsonrpc: '2.0', method, ...(params && { params }) });
  }

  async initialize(): Promise<Message> {
    const answer = await this.request('initialize', { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'bench-scale', version: '1' } });
    this.notify('notifications/initialized');
    return answer;
  }

  /** Every tool, following nextCursor. */
  async listAll(): Promise<string[]> {
    const names: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10_000; page++) {
      const { result } = await this.request('tools/list', cursor ? { cursor } : {});
      names.push(...(result!.tools as Array<{ name: string }>).map((t) => t.name));
      cursor = result!.nextCursor as string | undefined;
      if (!cursor) break;
    }
    return names;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null || this.child.signalCode !== null) return resolve();
      this.child.once('exit', () => resolve());
      this.child.stdin!.end();
      setTimeout(() => this.child.kill('SIGKILL'), 5000).unref();
    });
  }
}

export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? NaN;
}
