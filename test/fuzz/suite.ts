/**
 * The properties every front must hold, registered once per front by its test file: junk of every
 * kind is answered exactly as the protocol says, duplicate in-flight ids are refused without
 * cross-wiring, the router survives, a second well-behaved connection keeps working after every run,
 * and the router's memory stays bounded.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { anyCase } from './cases.js';
import { checkDuplicateIds, checkRun, expectAlive, expectServing, fuzzParams, NETWORK_LIMIT, rssMiB, serve, type FrontKind, type Served } from './harness.js';

/**
 * RSS growth allowed over all runs of one file. Measured on this 2-core box: `serve` sits at 86-90
 * MiB after warm-up and grows by 0-3 MiB over a file's ~40 runs, on every front. 32 MiB leaves room
 * for V8's heap growing in steps on a loaded machine, and still fails a gross leak (a session, its
 * pending answers or a 64 KiB body kept per message would add that within a file). Small leaks need
 * the soak (npm run soak), which runs long enough to see them.
 */
export const RSS_GROWTH_CEILING_MIB = 32;

export interface FrontFuzzOptions {
  junkRuns: number;
  duplicateRuns: number;
  /** Front-specific cases (slow readers, vanishing clients), registered before the memory check. */
  more?: (served: () => Served) => void;
}

export function defineFrontFuzz(kind: FrontKind, opts: FrontFuzzOptions): { served: () => Served } {
  let served: Served;
  let rssAfterWarmUp = 0;
  let run = 0;

  beforeAll(async () => {
    served = await serve(kind);
    for (let i = 0; i < 20; i++) await expectServing(served.healthy, `warm-up ${i}`);
    rssAfterWarmUp = rssMiB(served.cli.pid);
  }, 60_000);

  afterAll(async () => {
    await served?.stop();
  });

  it('junk of every kind: each request answered once with the right code, notifications never; the router keeps serving', async () => {
    // stdio's 64 MiB line limit is covered by the contract suite: too slow for a bounded fuzz run.
    const arb = fc.array(anyCase(kind === 'stdio' ? {} : { oversizeLimit: NETWORK_LIMIT }), { minLength: 1, maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(arb, async (factories) => {
        const conn = await served.open();
        try {
          await checkRun(kind, conn, factories, `r${++run}`);
        } finally {
          if (conn !== served.healthy && kind !== 'stdio') await conn.close();
        }
        expectAlive(served.cli);
        await expectServing(served.healthy, `after run ${run}`);
      }),
      fuzzParams(opts.junkRuns),
    );
  }, 120_000);

  it('duplicate in-flight ids: each duplicate refused with -32600, the first still gets its own result', async () => {
    const arb = fc.record({ sleepMs: fc.integer({ min: 100, max: 400 }), dups: fc.integer({ min: 1, max: 3 }) });
    await fc.assert(
      fc.asyncProperty(arb, async ({ sleepMs, dups }) => {
        const conn = await served.open();
        try {
          await checkDuplicateIds(kind, conn, `dup-${++run}`, sleepMs, dups);
        } finally {
          if (conn !== served.healthy && kind !== 'stdio') await conn.close();
        }
        expectAlive(served.cli);
        await expectServing(served.healthy, `after duplicates ${run}`);
      }),
      fuzzParams(opts.duplicateRuns),
    );
  }, 120_000);

  opts.more?.(() => served);

  it(`memory stays bounded: RSS growth after all runs under ${RSS_GROWTH_CEILING_MIB} MiB`, async () => {
    for (let i = 0; i < 20; i++) await expectServing(served.healthy, `cool-down ${i}`);
    const after = rssMiB(served.cli.pid);
    process.stderr.write(`fuzz ${kind}: router RSS ${rssAfterWarmUp.toFixed(1)} MiB after warm-up, ${after.toFixed(1)} MiB after ${run} runs\n`);
    expect(after - rssAfterWarmUp).toBeLessThan(RSS_GROWTH_CEILING_MIB);
  });

  return { served: () => served };
}
