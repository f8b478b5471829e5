/**
 * Client transport for a stdio backend: newline-delimited JSON-RPC over a child's stdin/stdout.
 *
 * Why not the SDK's StdioClientTransport:
 * - it signals only the direct child, so `npx -y server` leaves the real server (a grandchild) running;
 *   we start the child in its own process group and signal the whole group;
 * - it validates every message with zod on the hot path; we check the JSON-RPC shape only;
 * - we keep the tail of the child's stderr so a failed start can say why;
 * - a watchdog (when given) learns the child's process group, so the group dies with the router even
 *   when the router is SIGKILLed and the server ignores stdin EOF.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/client';
import type { StdioTarget } from '../config/types.js';
import { LineWriter } from '../util/line-writer.js';
import { LineReader } from '../util/line-reader.js';
import { backendEnvironment } from './backend-env.js';
import type { ProcessGroupGuard } from './watchdog.js';

export interface StdioTransportOptions {
  /** Grace period between each shutdown step: stdin closed, then SIGTERM, then SIGKILL. */
  graceMs?: number;
  /** Called with each line the child writes to stderr. */
  onStderrLine?: (line: string) => void;
  /** Largest single message accepted from the child, in bytes. */
  maxMessageBytes?: number;
  /** Kills the child's process group if the router dies without closing this transport. */
  watchdog?: ProcessGroupGuard;
}

/** A spawn error, with the PATH the command was looked up on (for the start-failure message). */
export type SpawnError = NodeJS.ErrnoException & { searchPath?: string };

const STDERR_TAIL_LINES = 20;
/** Process groups (and negative-pid kill) exist everywhere but Windows. */
const HAS_GROUPS = process.platform !== 'win32';

export class StdioBackendTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private child?: ChildProcess;
  private writer?: LineWriter;
  private readonly stderrTail: string[] = [];
  private closed = false;
  /** The child's process group while the watchdog guards it. */
  private guardedGroup?: number;
  private exitPromise?: Promise<void>;
  /** Resolves once the child exited AND its stdio streams drained, so the stderr tail is complete. */
  private drained?: Promise<void>;
  private readonly graceMs: number;
  private readonly maxMessageBytes: number;

  constructor(
    private readonly target: StdioTarget,
    private readonly options: StdioTransportOptions = {},
  ) {
    this.graceMs = options.graceMs ?? 2000;
    this.maxMessageBytes = options.maxMessageBytes ?? 64 * 1024 * 1024;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the child wrote to stderr: the best clue when it dies during start-up. */
  get recentStderr(): string[] {
    return [...this.stderrTail];
  }

  start(): Promise<void> {
    if (this.child) throw new Error('StdioBackendTransport already started');
    return new Promise((resolve, reject) => {
      const env = backendEnvironment(this.target);
      const child = spawn(this.target.command, this.target.args, {
        env,
        cwd: this.target.cwd,
        stdio: ['pipe', 'pipe', 'pipe'],
        // Own process group, so close() can reach grandchildren (npx -> sh -> node).
        detached: HAS_GROUPS,
        windowsHide: true,
      });
      this.child = child;
      // At once, before any await: the window in which a router death would orphan the group is
      // the time between fork and this line.
      if (HAS_GROUPS && child.pid !== undefined && this.options.watchdog) {
        this.guardedGroup = child.pid;
        this.options.watchdog.register(child.pid);
      }
      this.writer = new LineWriter(child.stdin!);
      this.exitPromise = new Promise((done) => child.once('exit', () => done()));
      this.drained = new Promise((done) => child.once('close', () => done()));
      child.once('error', (err: SpawnError) => {
        if (err.code === 'ENOENT') err.searchPath = env.PATH ?? '';
        reject(err);
        this.onerror?.(err);
      });
      child.once('spawn', () => resolve());
      child.once('close', () => {
        // The server is gone and its pipes are closed: whatever stayed in its group (a wrapper's
        // leftover, a forgotten helper) serves no one and would outlive us. Then stop guarding.
        this.signal(child, 'SIGKILL');
        this.finish();
      });
      child.stdout!.setEncoding('utf8');
      const reader = new LineReader(
        (line) => this.deliver(line),
        this.maxMessageBytes,
        () => this.onerror?.(new Error(`backend sent a message larger than ${this.maxMessageBytes} bytes; dropped it`)),
      );
      child.stdout!.on('data', (chunk: string) => reader.push(chunk));
      child.stdin!.on('error', (err) => this.onerror?.(err));
      child.stderr!.setEncoding('utf8');
      let partial = '';
      child.stderr!.on('data', (chunk: string) => {
        const lines = (partial + chunk).split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) this.recordStderr(line);
      });
      child.stderr!.on('end', () => partial && this.recordStderr(partial));
    });
  }

  private recordStderr(line: string): void {
    const trimmed = line.replace(/\r$/, '');
    if (!trimmed) return;
    this.stderrTail.push(trimmed);
    if (this.stderrTail.length > STDERR_TAIL_LINES) this.stderrTail.shift();
    this.options.onStderrLine?.(trimmed);
  }

  private deliver(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      // Servers that print banners to stdout break the protocol; say so instead of dying.
      this.onerror?.(new Error(`backend wrote a non-JSON line to stdout: ${line.slice(0, 200)}`));
      return;
    }
    if (typeof message !== 'object' || message === null || (message as { jsonrpc?: unknown }).jsonrpc !== '2.0') {
      this.onerror?.(new Error(`backend wrote a line that is not JSON-RPC 2.0: ${line.slice(0, 200)}`));
      return;
    }
    this.onmessage?.(message as JSONRPCMessage);
  }

  send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin;
    if (!stdin || this.closed || stdin.destroyed) return Promise.reject(new Error('backend process is not running'));
    this.writer!.write(message);
    return Promise.resolve();
  }

  /** stdin closed, then SIGTERM to the process group, then SIGKILL: each step after a grace period. */
  async close(): Promise<void> {
    const child = this.child;
    if (!child || this.closed) return;
    this.closed = true;
    const exited = this.exitPromise!;
    const running = () => child.exitCode === null && child.signalCode === null;
    const waitGrace = () => Promise.race([exited, delay(this.graceMs)]);
    this.writer?.flush();
    try {
      child.stdin?.end();
    } catch {
      /* already gone */
    }
    if (running()) await waitGrace();
    if (running()) {
      this.signal(child, 'SIGTERM');
      await waitGrace();
    }
    if (running()) {
      this.signal(child, 'SIGKILL');
      await exited;
    }
    // Grandchildren may linger after the leader exits; the group signal reaches them.
    this.signal(child, 'SIGKILL');
    await Promise.race([this.drained, delay(this.graceMs)]);
    this.finish();
  }

  /**
   * SIGKILL the whole process group now, for a server that stopped answering: no grace, since a
   * wedged process would not use it. onclose follows once its pipes close, as after any exit.
   */
  kill(): void {
    const child = this.child;
    if (child && !this.closed) this.signal(child, 'SIGKILL');
  }

  private signal(child: ChildProcess, sig: NodeJS.Signals): void {
    try {
      if (child.pid && HAS_GROUPS) process.kill(-child.pid, sig);
      else child.kill(sig);
    } catch {
      /* the group is already gone */
    }
  }

  private finish(): void {
    this.closed = true;
    if (this.guardedGroup !== undefined) {
      this.options.watchdog?.unregister(this.guardedGroup);
      this.guardedGroup = undefined;
    }
    const cb = this.onclose;
    this.onclose = undefined;
    cb?.();
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
