/**
 * Property-based fuzzing of the stdio front (the built CLI's `serve` over a real pipe); see suite.ts
 * for the properties. stdio has one session per process, so "the second connection" is the same pipe
 * after the junk, and a client vanishing (its pipe closed mid-call) ends that process: it must exit 0
 * and leave no backend behind.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { initialize } from '../contract/conn.js';
import { StdioConn } from '../contract/fronts.js';
import type { Message } from '../contract/inbox.js';
import { spawnCli } from '../helpers/cli.js';
import { allGone, killLeftovers, processGroups, processTree } from '../helpers/proc-tree.js';
import { delay, fuzzParams, serve, type Served } from './harness.js';
import { echo, sleep } from './misbehaving.js';
import { defineMisbehaving } from './misbehaving-suite.js';
import { defineFrontFuzz } from './suite.js';

/** stdout is not read for pauseMs while the answer is written to it. */
async function stdoutSlowReader(served: Served, id: string, text: string, pauseMs: number): Promise<Message[]> {
  const out = served.cli.child.stdout!;
  out.pause();
  served.healthy.send(echo(id, text));
  await delay(pauseMs);
  out.resume();
  await served.healthy.response(id, 10_000);
  await delay(50);
  return [...served.healthy.inbox.all.filter((m) => m.id === id)];
}

/** A process of its own: closing its stdin ends it, which is the point. */
async function stdinClosedMidCall(_served: Served, id: string, sleepMs: number, afterMs: number): Promise<void> {
  const probe = await serve('stdio');
  const tree = processTree(probe.cli.pid);
  const groups = processGroups(tree);
  try {
    probe.healthy.send(sleep(id, sleepMs));
    await delay(afterMs);
    probe.cli.child.stdin!.destroy();
    expect(await probe.cli.exited).toEqual({ code: 0, signal: null });
    await allGone(tree, groups);
  } finally {
    killLeftovers(tree, groups);
    await probe.stop();
  }
}

describe('fuzz: stdio front', () => {
  defineFrontFuzz('stdio', {
    junkRuns: 30,
    duplicateRuns: 8,
    more: (served) => {
      let n = 0;
      it('a slow reader (stdout not read) gets exactly its answer once it reads', async () => {
        await fc.assert(
          fc.asyncProperty(fc.record({ pauseMs: fc.integer({ min: 100, max: 1200 }), size: fc.integer({ min: 1, max: 200_000 }) }), async ({ pauseMs, size }) => {
            const id = `slow-${++n}`;
            const text = 'y'.repeat(size);
            const answers = await stdoutSlowReader(served(), id, text, pauseMs);
            expect(answers).toHaveLength(1);
            expect(answers[0]!.result).toMatchObject({ content: [{ type: 'text', text: `echo:${text}` }] });
          }),
          fuzzParams(4),
        );
      }, 60_000);

      it('the client closing the pipe mid-call: exit 0, no process left', async () => {
        await fc.assert(
          fc.asyncProperty(fc.record({ sleepMs: fc.integer({ min: 200, max: 2000 }), afterMs: fc.integer({ min: 0, max: 150 }) }), async ({ sleepMs, afterMs }) => {
            await stdinClosedMidCall(served(), `vanish-${++n}`, sleepMs, afterMs);
          }),
          fuzzParams(2),
        );
      }, 60_000);
    },
  });
});
