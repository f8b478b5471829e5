/**
 * A held MRTR call that nobody retries, through a real router and a real 2025 backend: after the
 * hold time the backend's call is cancelled (its elicitation fails there), nothing stays in flight,
 * and the old requestState is refused.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromServers } from '../../src/config/defaults.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { RequestCancellation } from '../../src/rpc/cancellation.js';
import { ModernDispatcher } from '../../src/front/modern/dispatcher.js';
import { eventually } from '../helpers/eventually.js';
import { fixtureServer } from '../helpers/relay-harness.js';

const ENVELOPE = {
  'io.modelcontextprotocol/protocolVersion': '2026-07-28',
  'io.modelcontextprotocol/clientCapabilities': { elicitation: { form: {} } },
};

describe('MRTR hold timeout', () => {
  let router: Router;
  let modern: ModernDispatcher;

  beforeAll(async () => {
    router = new Router(configFromServers([fixtureServer('fx')]), { log: silentLogger(), retryDelaysMs: [600_000] });
    // The router's own dispatcher holds calls for 60 s; this one, on the same engine, for 300 ms.
    modern = new ModernDispatcher(router, { holdMs: 300 });
    await router.start();
  }, 30_000);

  afterAll(async () => {
    modern.close();
    await router.close();
  });

  it('cancels the backend call when the client never retries, and refuses the stale state', async () => {
    const sink = { notify: () => undefined };
    const request = (id: number, extra: Record<string, unknown> = {}) =>
      modern.dispatch(
        { id, method: 'tools/call', params: { name: 'fx__ask_elicitation', arguments: { message: 'still there?' }, _meta: ENVELOPE, ...extra } },
        { view: router.fullView(), sink, cancellation: new RequestCancellation() },
      );
    const first = (await request(1)) as { resultType: string; inputRequests: Record<string, unknown>; requestState: string };
    expect(first.resultType).toBe('input_required');
    expect(Object.keys(first.inputRequests)).toEqual(['fx/1']);
    expect(modern.heldCalls.size).toBe(1);
    expect(router.engine.inflight.owners('fx')).toHaveLength(1);

    await eventually(() => modern.heldCalls.size === 0 && router.engine.inflight.owners('fx').length === 0, { what: 'the held call to time out and leave the backend' });

    await expect(request(2, { inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'late' } } }, requestState: first.requestState })).rejects.toMatchObject({
      code: 'SB_BAD_REQUEST_STATE',
      message: expect.stringMatching(/expired|no longer holds/),
    });
    // The backend is fine and serves the next call.
    const again = (await request(3)) as { resultType: string };
    expect(again.resultType).toBe('input_required');
  });
});
