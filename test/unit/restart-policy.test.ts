import { describe, expect, it } from 'vitest';
import { RestartPolicy, backoffDelay } from '../../src/backends/restart-policy.js';

describe('backoffDelay', () => {
  const config = { initialDelayMs: 1000, maxDelayMs: 30_000 };

  it('doubles from initialDelayMs up to maxDelayMs, drawn from [ceiling/2, ceiling]', () => {
    const low = [1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n, config, 0));
    const high = [1, 2, 3, 4, 5, 6, 7, 50].map((n) => backoffDelay(n, config, 0.999999));
    expect(low).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
    expect(high).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    expect(backoffDelay(3, config, 0.5)).toBe(3000);
  });

  it('never overflows for a huge restart count', () => {
    expect(backoffDelay(10_000, { initialDelayMs: 1, maxDelayMs: 60_000 }, 1)).toBe(60_000);
  });
});

describe('RestartPolicy', () => {
  it('gives up after maxRestarts in a row; reset() restores the budget', () => {
    const policy = new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 400, maxRestarts: 3 }, { random: () => 0 });
    expect([policy.next(), policy.next(), policy.next(), policy.next()]).toEqual([50, 100, 200, undefined]);
    expect(policy.count).toBe(3);
    policy.reset();
    expect(policy.next()).toBe(50);
  });

  it('never gives up without maxRestarts; fixed delays replace backoff and the last repeats', () => {
    const forever = new RestartPolicy(undefined, { random: () => 0 });
    const delays = Array.from({ length: 100 }, () => forever.next());
    expect(delays.every((d) => d !== undefined)).toBe(true);
    expect(delays.slice(0, 7)).toEqual([500, 1000, 2000, 4000, 8000, 15000, 15000]);
    const fixed = new RestartPolicy({ initialDelayMs: 1, maxDelayMs: 1, maxRestarts: 4 }, { fixedDelaysMs: [10, 20] });
    expect([fixed.next(), fixed.next(), fixed.next(), fixed.next(), fixed.next()]).toEqual([10, 20, 20, 20, undefined]);
  });

  it('a connection that fails within minUptimeMs does not restore the budget; one that stayed up does', () => {
    let now = 0;
    const policy = new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 400, maxRestarts: 3, minUptimeMs: 1000 }, { random: () => 0, now: () => now });
    expect(policy.next()).toBe(50);
    policy.connected();
    now += 999; // up, then crashed just short of minUptimeMs: the second failure in a row
    expect(policy.next()).toBe(100);
    policy.connected();
    now += 10;
    expect(policy.next()).toBe(200);
    policy.connected();
    now += 10;
    expect(policy.next()).toBeUndefined();
    expect(policy.count).toBe(3);
    policy.reset();
    policy.connected();
    now += 1000; // stayed up: the failure after it is the first in a row
    expect(policy.next()).toBe(50);
    expect(policy.count).toBe(1);
  });

  it('counts uptime against 10 s by default, and minUptimeMs: 0 restores the budget at every connection', () => {
    let now = 0;
    const byDefault = new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 100 }, { random: () => 0, now: () => now });
    byDefault.next();
    byDefault.connected();
    now += 9_999;
    byDefault.next();
    expect(byDefault.count).toBe(2);
    byDefault.connected();
    now += 10_000;
    byDefault.next();
    expect(byDefault.count).toBe(1);
    const always = new RestartPolicy({ initialDelayMs: 100, maxDelayMs: 100, minUptimeMs: 0 }, { random: () => 0, now: () => now });
    always.next();
    always.connected();
    always.next();
    expect(always.count).toBe(1);
  });
});
