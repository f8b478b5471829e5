/**
 * The idle reaper closes sessions nobody has sent anything on, never one that is answering a request.
 * A busy session is re-touched during a sweep; that must not make the sweep visit it again forever
 * (it once did: the router's event loop spun at 100% CPU with a request in flight at sweep time).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { IdleReaper } from '../../src/transports/front-connect.js';

describe('IdleReaper', () => {
  let reaper: IdleReaper<string> | undefined;
  afterEach(() => reaper?.stop());

  it('sweeps past a busy session, keeps it, and reaps the idle one', async () => {
    const reaped: string[] = [];
    reaper = new IdleReaper<string>(300, (key) => reaped.push(key));
    reaper.touch('busy');
    reaper.touch('idle');
    reaper.watch('busy', () => true);
    // Two sweeps (every 250 ms) after the idle time: a sweep that looped forever would block this timer.
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(reaped).toEqual(['idle']);
    expect(reaper.oldestIdle()).toBeUndefined();
  });

  it('orders by last activity: the least recently active idle session comes first', () => {
    reaper = new IdleReaper<string>(60_000, () => undefined);
    reaper.touch('a');
    reaper.touch('b');
    reaper.touch('a');
    expect(reaper.oldestIdle()).toBe('b');
    reaper.watch('b', () => true);
    expect(reaper.oldestIdle()).toBe('a');
  });
});
