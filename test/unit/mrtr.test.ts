/**
 * MRTR's pieces on their own: the signed requestState (forgery, expiry, binding to the request) and
 * the held calls (rounds, one use per state, the hold timeout that cancels the backend call).
 */
import { describe, expect, it } from 'vitest';
import type { Result } from '@modelcontextprotocol/server';
import { HeldCalls, type RoundRequest } from '../../src/engine/mrtr/held-calls.js';
import type { HeldCall } from '../../src/engine/mrtr/held-call.js';
import { RequestStateCodec, requestDigest } from '../../src/engine/mrtr/request-state.js';
import { SwitchboardError } from '../../src/errors/index.js';
import { RequestCancellation } from '../../src/rpc/cancellation.js';

function refusal(fn: () => unknown): SwitchboardError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(SwitchboardError);
    return err as SwitchboardError;
  }
  throw new Error('expected a refusal');
}

describe('RequestStateCodec', () => {
  const claims = { call: 'c1', nonce: 'n1', expires: Date.now() + 60_000, request: requestDigest('tools/call', { name: 't' }) };

  it('round-trips what it signed', () => {
    const codec = new RequestStateCodec();
    expect(codec.verify(codec.sign(claims))).toEqual(claims);
  });

  it('refuses a state with one character changed, and one signed under another key', () => {
    const codec = new RequestStateCodec();
    const state = codec.sign(claims);
    const flipped = (state[0] === 'A' ? 'B' : 'A') + state.slice(1);
    expect(refusal(() => codec.verify(flipped))).toMatchObject({ code: 'SB_BAD_REQUEST_STATE', rpcCode: -32602 });
    expect(refusal(() => codec.verify(new RequestStateCodec().sign(claims))).message).toMatch(/altered or was not issued/);
    expect(refusal(() => codec.verify(42)).message).toMatch(/must be the string/);
    // base64url decoders skip stray characters: the MAC must match as written.
    expect(refusal(() => codec.verify(`${state}=`)).code).toBe('SB_BAD_REQUEST_STATE');
  });

  it('refuses an expired state', () => {
    const codec = new RequestStateCodec();
    const state = codec.sign({ ...claims, expires: 1000 });
    expect(refusal(() => codec.verify(state, 1001)).message).toMatch(/expired/);
  });

  it('names the owning replica inside the MAC: readable by any holder of the key, not editable', () => {
    const key = Buffer.alloc(32, 7);
    const a = new RequestStateCodec(key);
    const b = new RequestStateCodec(Buffer.from(key));
    const state = a.sign({ ...claims, owner: 'replica-a' });
    expect(b.ownerOf(state)).toBe('replica-a');
    expect(b.verify(state)).toEqual({ ...claims, owner: 'replica-a' });
    // A router on its own names nobody; a forged or foreign state names nobody either.
    expect(b.ownerOf(a.sign(claims))).toBeUndefined();
    expect(new RequestStateCodec().ownerOf(state)).toBeUndefined();
    const [payload, mac] = state.split('.');
    const edited = Buffer.from(Buffer.from(payload!, 'base64url').toString().replace('replica-a', 'replica-b')).toString('base64url');
    expect(b.ownerOf(`${edited}.${mac}`)).toBeUndefined();
    expect(b.ownerOf(42)).toBeUndefined();
  });

  it('digests the request without its retry fields, whatever the key order', () => {
    const base = requestDigest('tools/call', { name: 't', arguments: { a: 1, b: 2 } });
    expect(requestDigest('tools/call', { arguments: { b: 2, a: 1 }, name: 't', requestState: 'x', inputResponses: {}, _meta: { p: 1 } })).toBe(base);
    expect(requestDigest('tools/call', { name: 't', arguments: { a: 1, b: 3 } })).not.toBe(base);
    expect(requestDigest('prompts/get', { name: 't', arguments: { a: 1, b: 2 } })).not.toBe(base);
  });
});

describe('HeldCalls', () => {
  const sink = { notify: () => undefined };
  const round = (params: Record<string, unknown> = { name: 't' }): RoundRequest => ({ method: 'tools/call', params, cancellation: new RequestCancellation(), sink });

  /** A stand-in backend call: asks `questions` in turn, then answers with every answer it got. */
  function backend(call: HeldCall, questions: string[]): Promise<Result> {
    return (async () => {
      const answers: unknown[] = [];
      for (const q of questions) answers.push(await call.ask('be', { method: 'elicitation/create', params: { message: q } }, call.cancellation.signal));
      return { content: [{ type: 'text', text: JSON.stringify(answers) }] };
    })();
  }

  it('runs rounds until the call finishes, keys namespaced by server', async () => {
    const held = new HeldCalls();
    const first = (await held.begin(round(), (call) => backend(call, ['a', 'b']))) as Record<string, unknown>;
    expect(first).toMatchObject({ resultType: 'input_required', inputRequests: { 'be/1': { method: 'elicitation/create', params: { message: 'a' } } } });
    const second = (await held.resume(round({ name: 't', inputResponses: { 'be/1': { action: 'accept' } }, requestState: first.requestState }))) as Record<string, unknown>;
    expect(second).toMatchObject({ resultType: 'input_required', inputRequests: { 'be/2': { params: { message: 'b' } } } });
    const done = await held.resume(round({ name: 't', inputResponses: { 'be/2': { action: 'decline' } }, requestState: second.requestState }));
    expect(done).toEqual({ content: [{ type: 'text', text: '[{"action":"accept"},{"action":"decline"}]' }] });
    expect(held.size).toBe(0);
    held.close();
  });

  it('names its replica in every state, and refuses a retry of another replica\'s call by name', async () => {
    const key = Buffer.alloc(32, 3);
    const a = new HeldCalls({ key, owner: 'ra' });
    const b = new HeldCalls({ key: Buffer.from(key), owner: 'rb' });
    const first = (await a.begin(round(), (call) => backend(call, ['a']))) as Record<string, unknown>;
    expect(b.ownerOf(first.requestState)).toBe('ra');
    const err = await b.resume(round({ name: 't', inputResponses: { 'be/1': { action: 'accept' } }, requestState: first.requestState })).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'SB_REPLICA_UNREACHABLE', rpcCode: -32091 });
    expect((err as Error).message).toContain('replica "ra"');
    // Its owner still holds it.
    expect(await a.resume(round({ name: 't', inputResponses: { 'be/1': { action: 'accept' } }, requestState: first.requestState }))).toEqual({ content: [{ type: 'text', text: '[{"action":"accept"}]' }] });
    a.close();
    b.close();
  });

  it('a call that never asks stays a plain call: not named, not held, its cancellation still reaches it', async () => {
    const held = new HeldCalls();
    let seen!: HeldCall;
    const done = await held.begin(round(), async (call) => {
      seen = call;
      return { content: [] };
    });
    expect(done).toEqual({ content: [] });
    expect(seen.named).toBe(false);
    expect(held.size).toBe(0);
    const cancellation = new RequestCancellation();
    let reason: unknown;
    const pending = held.begin({ ...round(), cancellation }, (call) => new Promise<Result>((_, reject) => call.cancellation.onCancel((r) => reject(new Error(String((reason = r)))))));
    cancellation.cancel('gone');
    await expect(pending).rejects.toThrow('the client closed the request');
    expect(reason).toBe('the client closed the request');
    held.close();
  });

  it('accepts each state once', async () => {
    const held = new HeldCalls();
    const first = (await held.begin(round(), (call) => backend(call, ['a', 'b']))) as Record<string, unknown>;
    await held.resume(round({ name: 't', inputResponses: { 'be/1': { action: 'accept' } }, requestState: first.requestState }));
    await expect(held.resume(round({ name: 't', inputResponses: { 'be/1': { action: 'accept' } }, requestState: first.requestState }))).rejects.toThrow(/already used/);
    held.close();
  });

  it('cancels a held call nobody retries, and its backend request with it', async () => {
    const held = new HeldCalls({ holdMs: 50 });
    let reason: unknown;
    let backendCall!: Promise<Result>;
    const first = (await held.begin(round(), (call) => {
      call.cancellation.signal.addEventListener('abort', () => (reason = call.cancellation.signal.reason));
      backendCall = backend(call, ['a']);
      return backendCall;
    })) as Record<string, unknown>;
    expect(first.resultType).toBe('input_required');
    expect(held.size).toBe(1);
    await expect(backendCall).rejects.toThrow(/cancelled before the client answered/);
    expect(reason).toBe('the client did not retry with inputResponses within 50 ms');
    expect(held.size).toBe(0);
    await expect(held.resume(round({ name: 't', requestState: first.requestState }))).rejects.toThrow(/no longer holds|expired/);
  });
});
