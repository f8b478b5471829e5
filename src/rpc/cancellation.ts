/**
 * Cancellation of one inbound request, without an AbortController per request. Profiling the hot
 * path showed AbortSignal creation, its EventTarget listeners and the garbage they leave at about a
 * fifth of the router's own CPU per call; almost no request is ever cancelled. Listeners are plain
 * callbacks; a real AbortSignal is made only for code that asks for one (`signal`).
 */
export interface Cancellation {
  readonly aborted: boolean;
  readonly reason: unknown;
  /** Runs `listener` once if the request is cancelled; returns its removal. */
  onCancel(listener: (reason: unknown) => void): () => void;
}

export class RequestCancellation implements Cancellation {
  aborted = false;
  reason: unknown;
  private listeners?: Array<(reason: unknown) => void>;
  private controller?: AbortController;

  onCancel(listener: (reason: unknown) => void): () => void {
    if (this.aborted) {
      listener(this.reason);
      return noop;
    }
    (this.listeners ??= []).push(listener);
    return () => {
      const at = this.listeners?.indexOf(listener) ?? -1;
      if (at >= 0) this.listeners!.splice(at, 1);
    };
  }

  /** An AbortSignal that follows this cancellation, made on first use. */
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }

  cancel(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.listeners;
    this.listeners = undefined;
    for (const listener of listeners ?? []) listener(reason);
    this.controller?.abort(reason);
  }
}

function noop(): void {}

/** An AbortSignal for a cancellation, for the rare path that needs one (starting a lazy backend). */
export function signalOf(cancellation: Cancellation): AbortSignal {
  if (cancellation instanceof RequestCancellation) return cancellation.signal;
  const controller = new AbortController();
  cancellation.onCancel((reason) => controller.abort(reason));
  return controller.signal;
}
