/**
 * The legacy calls held open for 2026-07-28 clients between MRTR rounds, and the round logic: run a
 * call until it finishes or needs input; on input, answer `input_required` with a signed
 * requestState and hold the call; on the client's retry, check the state, hand the answers to the
 * backend and wait again. A held call nobody retries is cancelled at the backend after `holdMs`.
 */
import { randomBytes } from 'node:crypto';
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../../errors/index.js';
import type { Cancellation } from '../../rpc/cancellation.js';
import { HeldCall, type Outcome, type RoundSink } from './held-call.js';
import { bad, RequestStateCodec, requestDigest } from './request-state.js';

export const DEFAULT_HOLD_MS = 60_000;

export interface HeldCallsOptions {
  /** How long a held call waits for the client's retry (default 60 s). */
  holdMs?: number;
  /** HMAC key of requestState (default: random per process; a cluster: the same on every replica). */
  key?: Buffer;
  /** The replica this router is (a cluster): named in every requestState, so retries find their way back. */
  owner?: string;
}

/** One request as the client sent it: what a retry is compared with. */
export interface RoundRequest {
  method: string;
  params: Record<string, unknown> | undefined;
  /** Cancelled when the client gives up on this round (its stream closed, or it cancelled). */
  cancellation: Cancellation;
  sink: RoundSink;
}

export class HeldCalls {
  private readonly calls = new Map<string, { call: HeldCall; timer?: NodeJS.Timeout }>();
  private readonly codec: RequestStateCodec;
  readonly holdMs: number;
  private readonly owner?: string;

  constructor(options: HeldCallsOptions = {}) {
    this.codec = new RequestStateCodec(options.key);
    this.holdMs = options.holdMs ?? DEFAULT_HOLD_MS;
    if (options.owner !== undefined) this.owner = options.owner;
  }

  /** The replica holding the call a requestState names (undefined: not a genuine state, or no cluster). */
  ownerOf(state: unknown): string | undefined {
    return this.codec.ownerOf(state);
  }

  /** Calls held right now (tests, status). */
  get size(): number {
    return this.calls.size;
  }

  /** A new request: `start` runs it with the held call (whose cancellation is the call's). */
  begin(request: RoundRequest, start: (call: HeldCall) => Promise<Result>): Promise<Result> {
    const call = new HeldCall();
    // A call that ends between rounds (its backend went away, the router closed) is forgotten at
    // once: its timer cleared, its state refused.
    call.run(start(call), () => this.forget(call));
    return this.round(call, request);
  }

  /**
   * Whether a retry's requestState is one of ours (a held call's). Any other one is for the engine:
   * a 2026-07-28 backend's own state, sealed by the engine, or nothing this router issued.
   */
  issued(requestState: unknown): boolean {
    return this.codec.signedHere(requestState);
  }

  /** A retry carrying requestState (and inputResponses): the held call goes on. */
  async resume(request: RoundRequest): Promise<Result> {
    const claims = this.codec.verify(request.params?.requestState);
    if (claims.owner !== this.owner) {
      // Only a retry the front could not take to its owner gets here (forwarded once already).
      throw new SwitchboardError('SB_REPLICA_UNREACHABLE', `requestState names a call held by replica "${claims.owner ?? '(none)'}", which this replica cannot reach; send the request again without inputResponses and requestState`);
    }
    const entry = this.calls.get(claims.call);
    if (!entry) throw bad('requestState names a call the router no longer holds (it finished, timed out or was cancelled); send the request again without inputResponses and requestState');
    const { call } = entry;
    if (claims.request !== requestDigest(request.method, request.params)) {
      throw bad('requestState belongs to another request: a retry must repeat the method and params of the request that got input_required');
    }
    if (call.nonce !== claims.nonce) throw bad('requestState was already used: each one is good for one retry; use the one from the latest input_required result');
    call.nonce = undefined;
    clearTimeout(entry.timer);
    entry.timer = undefined;
    const responses = request.params?.inputResponses;
    call.answer(responses && typeof responses === 'object' && !Array.isArray(responses) ? (responses as Record<string, unknown>) : undefined);
    return this.round(call, request);
  }

  private async round(call: HeldCall, request: RoundRequest): Promise<Result> {
    call.sink = request.sink;
    // The client leaving mid-round cancels the call; between rounds only the hold timer can.
    const offGone = request.cancellation.onCancel(() => call.abort('the client closed the request'));
    let outcome: Outcome;
    try {
      outcome = await call.next();
    } finally {
      offGone();
      call.sink = undefined;
    }
    if (outcome.kind === 'done') return this.end(call, outcome.result);
    if (outcome.kind === 'failed') {
      this.forget(call);
      throw outcome.error;
    }
    const nonce = randomBytes(12).toString('base64url');
    const expires = Date.now() + this.holdMs;
    call.nonce = nonce;
    const timer = setTimeout(() => {
      this.forget(call);
      call.abort(`the client did not retry with inputResponses within ${this.holdMs} ms`);
    }, this.holdMs);
    timer.unref();
    this.calls.set(call.id, { call, timer });
    const requestState = this.codec.sign({ call: call.id, nonce, expires, request: requestDigest(request.method, request.params), ...(this.owner !== undefined && { owner: this.owner }) });
    return { resultType: 'input_required', inputRequests: outcome.requests, requestState } as Result;
  }

  private end(call: HeldCall, result: Result): Result {
    this.forget(call);
    return result;
  }

  private forget(call: HeldCall): void {
    if (!call.named) return;
    const entry = this.calls.get(call.id);
    if (entry) clearTimeout(entry.timer);
    this.calls.delete(call.id);
  }

  /** Shutdown: every held call is cancelled at its backend. */
  close(): void {
    for (const { call, timer } of this.calls.values()) {
      clearTimeout(timer);
      call.abort('the router is shutting down');
    }
    this.calls.clear();
  }
}
