/**
 * Slow readers and vanishing clients as properties over pause lengths, answer sizes and the moment a
 * client disappears; the front's own way of misbehaving is passed in (misbehaving.ts).
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Message } from '../contract/inbox.js';
import { expectAlive, expectServing, fuzzParams, type Served } from './harness.js';

export interface Misbehaviour {
  /** Send an echo of `text` as `id`, read nothing for pauseMs, then every answer carrying `id`. */
  slowReader(served: Served, id: string, text: string, pauseMs: number): Promise<Message[]>;
  /** Start a sleep call as `id` and vanish `afterMs` into it. */
  vanish(served: Served, id: string, sleepMs: number, afterMs: number): Promise<void>;
}

export function defineMisbehaving(served: () => Served, how: Misbehaviour, runs = { slow: 4, vanish: 5 }): void {
  let n = 0;
  it('a slow reader gets exactly its answer once it reads, and nobody else waits for it', async () => {
    const arb = fc.record({ pauseMs: fc.integer({ min: 100, max: 1200 }), size: fc.integer({ min: 1, max: 30_000 }) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ pauseMs, size }) => {
        const id = `slow-${++n}`;
        const text = 'y'.repeat(size);
        const answers = await how.slowReader(served(), id, text, pauseMs);
        expect(answers).toHaveLength(1);
        expect(answers[0]!.result).toMatchObject({ content: [{ type: 'text', text: `echo:${text}` }] });
        expectAlive(served().cli);
        await expectServing(served().healthy, `after slow reader ${n}`);
      }),
      fuzzParams(runs.slow),
    );
  }, 60_000);

  it('a client that vanishes mid-call leaves the router serving everyone else', async () => {
    const arb = fc.record({ sleepMs: fc.integer({ min: 100, max: 500 }), afterMs: fc.integer({ min: 0, max: 250 }) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ sleepMs, afterMs }) => {
        const id = `vanish-${++n}`;
        await how.vanish(served(), id, sleepMs, afterMs);
        expectAlive(served().cli);
        await expectServing(served().healthy, `after ${id}`);
        // Its call still ends at the backend; the router then has nowhere to send the answer.
        await new Promise((r) => setTimeout(r, sleepMs));
        expectAlive(served().cli);
        await expectServing(served().healthy, `after ${id} ended`);
      }),
      fuzzParams(runs.vanish),
    );
  }, 60_000);
}
