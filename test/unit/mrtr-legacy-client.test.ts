import { describe, expect, it } from 'vitest';
import type { RequestContext, SessionRef } from '../../src/engine/context.js';
import { fulfilForLegacyClient, MAX_INPUT_ROUNDS } from '../../src/engine/mrtr-legacy-client.js';
import type { InputRequiredResult } from '../../src/rpc/envelope.js';

interface Asked {
  method: string;
  params: unknown;
  relatedRequestId?: unknown;
}

function context(caps: SessionRef['clientCapabilities'], asked: Asked[]): RequestContext {
  const session = {
    clientCapabilities: caps,
    clientName: 'old-client',
    request: async (method: string, params: unknown, opts: { relatedRequestId?: unknown }) => {
      asked.push({ method, params, relatedRequestId: opts.relatedRequestId });
      return method === 'roots/list' ? { roots: [{ uri: 'file:///w' }] } : { action: 'accept', content: { n: asked.length } };
    },
  } as unknown as SessionRef;
  return { session, id: 'call-9', method: 'tools/call', signal: new AbortController().signal };
}

const inputRequired = (r: Omit<InputRequiredResult, 'resultType'>): InputRequiredResult => ({ resultType: 'input_required', ...r });

describe('fulfilForLegacyClient', () => {
  it('asks every input request on the call, keyed 1:1, and retries with answers and state', async () => {
    const asked: Asked[] = [];
    const sent: Array<Record<string, unknown>> = [];
    const first = inputRequired({
      requestState: 'st-1',
      inputRequests: { a: { method: 'elicitation/create', params: { message: 'A?' } }, r: { method: 'roots/list' } },
    });
    const result = await fulfilForLegacyClient(context({ elicitation: {}, roots: {} }, asked), 'srv', { name: 't' }, first, async (params) => {
      sent.push(params);
      return { content: [], resultType: 'complete' };
    });
    expect(result).toEqual({ content: [], resultType: 'complete' });
    expect(asked.map((a) => [a.method, a.relatedRequestId])).toEqual([
      ['elicitation/create', 'call-9'],
      ['roots/list', 'call-9'],
    ]);
    expect(sent).toEqual([{ name: 't', inputResponses: { a: { action: 'accept', content: { n: 1 } }, r: { roots: [{ uri: 'file:///w' }] } }, requestState: 'st-1' }]);
  });

  it('gives a URL-mode elicitation the elicitationId a 2025 client needs', async () => {
    const asked: Asked[] = [];
    const first = inputRequired({ inputRequests: { u: { method: 'elicitation/create', params: { mode: 'url', url: 'https://x', message: 'go' } } } });
    await fulfilForLegacyClient(context({ elicitation: { url: {} } }, asked), 'srv', {}, first, async () => ({ content: [] }));
    expect(asked[0]!.params).toMatchObject({ mode: 'url', url: 'https://x', elicitationId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
  });

  it('refuses to ask what the client did not declare, naming client, capability and server', async () => {
    const first = inputRequired({ inputRequests: { s: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 1 } } } });
    await expect(fulfilForLegacyClient(context({ elicitation: {} }, []), 'srv', {}, first, async () => ({}))).rejects.toMatchObject({
      code: 'SB_CAPABILITY_MISSING',
      message: 'the client "old-client" did not declare the sampling capability, so sampling/createMessage from "srv" cannot be answered',
    });
  });

  it(`stops after ${MAX_INPUT_ROUNDS} rounds of a backend that never completes`, async () => {
    let sends = 0;
    const again = inputRequired({ inputRequests: { a: { method: 'elicitation/create', params: { message: '?' } } } });
    const run = fulfilForLegacyClient(context({ elicitation: {} }, []), 'loopy', {}, again, async () => {
      sends++;
      return again;
    });
    await expect(run).rejects.toMatchObject({ code: 'SB_INTERNAL', message: expect.stringContaining(`server "loopy" still asked for input after ${MAX_INPUT_ROUNDS} rounds`) });
    expect(sends).toBe(MAX_INPUT_ROUNDS);
  });

  it('a state-only round (load shedding) is retried after a pause, without asking the client', async () => {
    const asked: Asked[] = [];
    const started = performance.now();
    const result = await fulfilForLegacyClient(context({}, asked), 'srv', { name: 't' }, inputRequired({ requestState: 'wait' }), async (params) => ({ echoed: params.requestState }));
    expect(result).toEqual({ echoed: 'wait' });
    expect(asked).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(240);
  });
});
