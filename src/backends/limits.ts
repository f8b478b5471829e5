/**
 * `maxConcurrency` and `maxQueue` for one server: at most maxConcurrency calls in flight, at most
 * maxQueue more waiting (first come, first served), and past that a refusal at once, so a slow or
 * stuck server costs bounded memory and its callers learn at once instead of piling up.
 *
 * p-queue does the waiting and the slot accounting. It runs a task to completion, while the router
 * needs a slot held across the whole forward (acquire ... release): a slot is a task that resolves
 * the waiter and then stays pending until release() is called.
 */
import PQueue from 'p-queue';
import { SwitchboardError } from '../errors/index.js';

export type Release = () => void;

export interface LimitSettings {
  maxConcurrency: number;
  /** Infinity: no bound on waiters. */
  maxQueue: number;
}

export class ConcurrencyLimit {
  private readonly queue: PQueue;
  private maxQueue: number;

  constructor(
    private readonly server: string,
    settings: LimitSettings,
  ) {
    this.queue = new PQueue({ concurrency: settings.maxConcurrency });
    this.maxQueue = settings.maxQueue;
  }

  /** Calls holding a slot. */
  get inFlight(): number {
    return this.queue.pending;
  }

  /** Calls waiting for a slot. */
  get waiting(): number {
    return this.queue.size;
  }

  /** New limits apply to the next call; calls already admitted keep their slot. */
  update(settings: LimitSettings): void {
    this.queue.concurrency = settings.maxConcurrency;
    this.maxQueue = settings.maxQueue;
  }

  /**
   * Wait for a slot (refused at once when the queue is full). An abort while waiting takes the call
   * out of the queue: it is never sent. Once admitted, an abort is the forward's business (it cancels
   * the call at the server), and the slot is held until release().
   */
  acquire(signal: AbortSignal, method: string): Promise<Release> {
    if (this.inFlight >= this.queue.concurrency && this.waiting >= this.maxQueue) return Promise.reject(this.busy());
    if (signal.aborted) return Promise.reject(this.cancelled(method, signal.reason));
    return new Promise<Release>((resolve, reject) => {
      // p-queue also races a running task against its signal; only a wait may be cut short here.
      const whileQueued = new AbortController();
      const onAbort = () => whileQueued.abort(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      this.queue
        .add(
          () =>
            new Promise<void>((done) => {
              signal.removeEventListener('abort', onAbort);
              resolve(once(done));
            }),
          { signal: whileQueued.signal },
        )
        .catch((reason: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(this.cancelled(method, reason));
        });
    });
  }

  private busy(): SwitchboardError {
    const s = this.server;
    return new SwitchboardError(
      'SB_BACKEND_BUSY',
      `server "${s}" is busy: ${this.inFlight} calls in flight and ${this.waiting} waiting (servers.${s}.maxConcurrency / maxQueue); try again shortly`,
    );
  }

  private cancelled(method: string, reason: unknown): SwitchboardError {
    const why = typeof reason === 'string' ? `: ${reason}` : '';
    return new SwitchboardError('SB_CANCELLED', `${method} to server "${this.server}" was cancelled while waiting for a free slot${why}; it was never sent`);
  }
}

function once(fn: () => void): Release {
  let done = false;
  return () => {
    if (done) return;
    done = true;
    fn();
  };
}
