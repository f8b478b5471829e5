/**
 * The router's side of the watchdog: one small Node process per router process that SIGTERMs, then
 * SIGKILLs, the process groups of our stdio backends once the router is gone, however it went.
 *
 * Why a second process: a backend that ignores stdin EOF (many real servers do) outlives a router
 * that was SIGKILLed or crashed, and no handler inside the router runs then. The kernel does close
 * the router's end of a pipe in every case, so a process on the other end of that pipe is the one
 * observer that cannot miss the death. See watchdog-main.ts for that side, docs/operations.md for
 * the limits.
 *
 * The watchdog runs in its own session (detached), so a Ctrl-C or a kill aimed at the router's
 * process group does not take the guard down with the router. Its pipe and handle are unref'd: it
 * never keeps the router's event loop alive.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Logger } from '../log.js';

/** What a stdio transport needs: tell the guard about a backend's process group, and forget it. */
export interface ProcessGroupGuard {
  register(pgid: number): void;
  unregister(pgid: number): void;
}

export interface WatchdogOptions {
  /** Time the watchdog gives SIGTERMed groups before SIGKILL. */
  graceMs?: number;
  log?: Pick<Logger, 'warn' | 'debug'>;
  /** How often a watchdog that died under a live router is replaced. */
  maxRestarts?: number;
}

const DEFAULT_GRACE_MS = 1500;
const DEFAULT_MAX_RESTARTS = 3;

/** The compiled script beside this module; from source (tests), the .ts through tsx, a devDependency there. */
function watchdogArgs(): string[] {
  const compiled = fileURLToPath(new URL('./watchdog-main.js', import.meta.url));
  if (existsSync(compiled)) return [compiled];
  const source = fileURLToPath(new URL('./watchdog-main.ts', import.meta.url));
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return ['--import', tsx, source];
}

export class Watchdog implements ProcessGroupGuard {
  private readonly groups = new Set<number>();
  private readonly graceMs: number;
  private readonly maxRestarts: number;
  private child?: ChildProcess;
  private exited?: Promise<void>;
  private restarts = 0;
  private closed = false;

  constructor(private readonly options: WatchdogOptions = {}) {
    this.graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
    this.maxRestarts = options.maxRestarts ?? DEFAULT_MAX_RESTARTS;
    // Process groups and negative-pid kill() do not exist on Windows: nothing to guard with.
    if (process.platform !== 'win32') this.launch();
  }

  /** The watchdog's pid while it runs (tests look for it in the process tree). */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  register(pgid: number): void {
    if (this.closed) return;
    this.groups.add(pgid);
    this.send({ op: 'add', pgid });
  }

  unregister(pgid: number): void {
    if (!this.groups.delete(pgid)) return;
    this.send({ op: 'remove', pgid });
  }

  /**
   * Ends the pipe, exactly what the router's death would do: the watchdog reaps whatever is still
   * registered (after a clean shutdown, nothing) and exits. Resolves once it has, or after its grace.
   */
  close(): Promise<void> {
    if (this.closed) return this.exited ?? Promise.resolve();
    this.closed = true;
    const child = this.child;
    if (!child || !this.exited) return Promise.resolve();
    child.stdin?.end();
    const bound = new Promise<void>((resolve) => setTimeout(resolve, this.graceMs + 1000).unref());
    return Promise.race([this.exited, bound]);
  }

  private launch(): void {
    const child = spawn(process.execPath, [...watchdogArgs(), '--grace-ms', String(this.graceMs)], {
      stdio: ['pipe', 'ignore', 'ignore'],
      // Nothing of the router's: NODE_OPTIONS meant for it (--inspect, --require hooks) must not
      // reach the guard, which needs no variable at all.
      env: {},
      // Own session: signals aimed at the router's group or terminal do not reach the guard.
      detached: true,
    });
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.once('error', () => resolve());
    });
    child.once('error', (err) => this.options.log?.warn({ err: err.message }, 'could not start the backend watchdog; backends may outlive a killed router'));
    child.once('exit', (code, signal) => this.onExit(code, signal));
    // EPIPE when the watchdog died: the exit handler replaces it and replays the groups.
    child.stdin!.on('error', () => undefined);
    child.unref();
    (child.stdin as unknown as { unref?: () => void }).unref?.();
    for (const pgid of this.groups) this.send({ op: 'add', pgid });
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.closed) return;
    if (this.restarts >= this.maxRestarts) {
      this.options.log?.warn({ code, signal }, 'the backend watchdog keeps dying; backends may outlive a killed router');
      return;
    }
    this.restarts++;
    this.options.log?.warn({ code, signal }, 'the backend watchdog exited; starting a new one');
    this.launch();
  }

  private send(command: { op: 'add' | 'remove'; pgid: number }): void {
    const stdin = this.child?.stdin;
    if (!stdin || stdin.destroyed || stdin.writableEnded) return;
    stdin.write(`${JSON.stringify(command)}\n`);
  }
}
