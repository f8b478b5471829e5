/**
 * One legacy call held open for a 2026-07-28 client (MRTR). The backend is a 2025 server: during the
 * call it asks for sampling, elicitation or roots with a server->client request. A modern client
 * cannot be asked that way, so the router keeps the backend's request pending here, answers the
 * client `input_required`, and resolves the pending request when the client retries with its answers.
 * The call then goes on: the backend may ask again (another round) or finish.
 */
import { randomUUID } from 'node:crypto';
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../../errors/index.js';
import { RequestCancellation } from '../../rpc/cancellation.js';

/** An embedded input request as a 2026-07-28 client receives it (a request without JSON-RPC framing). */
export interface InputRequest {
  method: string;
  params?: unknown;
}

interface PendingInput {
  request: InputRequest;
  resolve(result: Result): void;
  reject(error: unknown): void;
}

/** Where a round's messages go (progress of the held call): the stream of the current retry, if any. */
export interface RoundSink {
  notify(method: string, params: Record<string, unknown>): void;
}

export type Outcome = { kind: 'done'; result: Result } | { kind: 'failed'; error: unknown } | { kind: 'input'; requests: Record<string, InputRequest> };

/** How long a round waits after the first input request for more (a backend may ask several at once). */
const GATHER_MS = 10;

export class HeldCall {
  private heldId?: string;
  /**
   * Cancelling it cancels the backend call (and with it every pending input request). Callbacks,
   * not an AbortController: almost every call finishes without a round, and a signal per request
   * was a measurable part of a 2026 client's plain call (made only if something asks for one).
   */
  readonly cancellation = new RequestCancellation();
  /** The nonce the next retry must carry; undefined while no round is open (used, or none issued). */
  nonce?: string;
  sink?: RoundSink;
  /** Made when the backend first asks: most calls never do, and finish as plain calls. */
  private pendingInputs?: Map<string, PendingInput>;
  private seq = 0;
  private settled?: Outcome;
  private wake?: () => void;

  /** Its name in requestState and in HeldCalls: made on first use (only a call that is held needs one). */
  get id(): string {
    return (this.heldId ??= randomUUID());
  }

  /** Whether the call was ever held (named): only then can HeldCalls know it. */
  get named(): boolean {
    return this.heldId !== undefined;
  }

  private get pending(): Map<string, PendingInput> {
    return (this.pendingInputs ??= new Map());
  }

  /** The held call's messages (progress) go to the stream of the round in progress, if any. */
  notify(method: string, params: Record<string, unknown>): void {
    this.sink?.notify(method, params);
  }

  /** The backend call runs from here on; its outcome ends the held call (then `ended` runs). */
  run(call: Promise<Result>, ended: () => void): void {
    call.then(
      (result) => this.finish({ kind: 'done', result }, ended),
      (error) => this.finish({ kind: 'failed', error }, ended),
    );
  }

  private finish(outcome: Outcome, ended: () => void): void {
    this.settled = outcome;
    ended();
    for (const p of this.pendingInputs?.values() ?? []) p.reject(new SwitchboardError('SB_CANCELLED', 'the call ended before the client answered'));
    this.pendingInputs?.clear();
    this.wake?.();
  }

  /** A backend's server->client request during the call: held until the client retries with an answer. */
  ask(server: string | undefined, request: InputRequest, signal: AbortSignal): Promise<Result> {
    if (this.settled) return Promise.reject(new SwitchboardError('SB_CANCELLED', `${request.method} arrived after the call ended`));
    const key = `${server ?? 'router'}/${++this.seq}`;
    return new Promise<Result>((resolve, reject) => {
      const onAbort = (): void => {
        if (this.pending.delete(key)) reject(new SwitchboardError('SB_CANCELLED', `${request.method} was cancelled before the client answered`));
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(key, {
        request,
        resolve: (r) => {
          signal.removeEventListener('abort', onAbort);
          resolve(r);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      });
      this.wake?.();
    });
  }

  /** The client's inputResponses: each answers the pending request of its key; unknown keys are ignored. */
  answer(responses: Record<string, unknown> | undefined): void {
    for (const [key, value] of Object.entries(responses ?? {})) {
      const p = this.pending.get(key);
      if (!p) continue;
      this.pending.delete(key);
      if (value && typeof value === 'object') p.resolve(value as Result);
      else p.reject(new SwitchboardError('SB_INVALID_PARAMS', `inputResponses["${key}"] must be the result object of ${p.request.method}`));
    }
  }

  /**
   * Wait for what the client must hear next: the final result, or the input the backend asks for
   * (every request asked within a short gathering window, plus any still unanswered).
   */
  async next(): Promise<Outcome> {
    for (;;) {
      if (this.settled) return this.settled;
      if (this.pendingInputs && this.pendingInputs.size > 0) {
        await new Promise((r) => setTimeout(r, GATHER_MS));
        if (this.settled) return this.settled;
        if (this.pending.size > 0) return { kind: 'input', requests: Object.fromEntries([...this.pending].map(([k, p]) => [k, p.request])) };
      }
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** Give up on the call: the backend's call is cancelled (its pending requests fail with it). */
  abort(reason: string): void {
    this.cancellation.cancel(reason);
  }
}
