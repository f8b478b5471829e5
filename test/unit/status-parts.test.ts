/**
 * The small parts behind /metrics and the status page: secret redaction, the recent calls ring,
 * outcomes, restarts and uptime, sessions by front.
 */
import { describe, expect, it } from 'vitest';
import { defaultListenConfig, makeServerConfig } from '../../src/config/defaults.js';
import { configSecrets, createRedactor } from '../../src/config/redact.js';
import { SwitchboardError, UpstreamError } from '../../src/errors/index.js';
import type { Forward } from '../../src/engine/services.js';
import { BackendHistory } from '../../src/status/backend-history.js';
import { outcomeOf } from '../../src/status/outcome.js';
import { RecentCalls } from '../../src/status/recent-calls.js';
import { SessionCounts } from '../../src/status/sessions.js';

describe('redaction', () => {
  const config = {
    servers: [
      makeServerConfig('gh', { kind: 'stdio', command: 'gh-mcp', args: [], env: { GITHUB_TOKEN: 'ghp_abcdef123456', DEBUG: '1' } }),
      makeServerConfig('api', { kind: 'http', url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer tok-987654', 'X-Empty': '' } }),
    ],
    listen: { ...defaultListenConfig(), authToken: 'front-secret' },
  };

  it('collects env values, header values with and without their scheme, and the front token', () => {
    expect(configSecrets(config).sort()).toEqual(['1', 'Bearer tok-987654', 'front-secret', 'ghp_abcdef123456', 'tok-987654']);
  });

  it('replaces every occurrence; short values only as whole words', () => {
    const redact = createRedactor(configSecrets(config));
    expect(redact('key ghp_abcdef123456 failed; header "Bearer tok-987654"; again ghp_abcdef123456')).toBe('key *** failed; header "***"; again ***');
    expect(redact('token tok-987654 alone, front-secret too')).toBe('token *** alone, *** too');
    expect(redact('DEBUG=1 after 10000 ms')).toBe('DEBUG=*** after 10000 ms');
  });

  it('escapes secrets that look like regular expressions', () => {
    expect(createRedactor(['a+b(c)*', 'x.y'])('1 a+b(c)* 2 xzy 3 x.y')).toBe('1 *** 2 xzy 3 ***');
    expect(createRedactor([])('unchanged')).toBe('unchanged');
  });
});

describe('outcomes', () => {
  it('names each way a forward ends', () => {
    expect(outcomeOf(undefined, { content: [] })).toBe('ok');
    expect(outcomeOf(undefined, { content: [], isError: true })).toBe('tool_error');
    expect(outcomeOf(new SwitchboardError('SB_BACKEND_TIMEOUT', 't'))).toBe('timeout');
    expect(outcomeOf(new SwitchboardError('SB_CANCELLED', 'c'))).toBe('cancelled');
    expect(outcomeOf(new SwitchboardError('SB_BACKEND_UNAVAILABLE', 'u'))).toBe('unavailable');
    expect(outcomeOf(new UpstreamError(-32050, 'backend said no'))).toBe('error');
    expect(outcomeOf(new Error('anything else'))).toBe('error');
  });
});

describe('recent calls', () => {
  const plan = (name: string): Forward => ({ server: 'fx', method: 'tools/call', params: { name }, publicName: `fx__${name}` });

  it('keeps the newest N, newest first, with increasing sequence numbers', () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const calls = new RecentCalls({ capacity: 3, now: () => clock });
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      clock += 1000;
      calls.start(undefined, plan(name))();
    }
    const list = calls.list();
    expect(list.map((c) => c.name)).toEqual(['fx__e', 'fx__d', 'fx__c']);
    expect(list.map((c) => c.seq)).toEqual([5, 4, 3]);
    expect(list[0]).toMatchObject({ time: '2026-01-01T00:00:05.000Z', method: 'tools/call', backend: 'fx', outcome: 'ok' });
    expect(list[0]!.latencyMs).toBeGreaterThanOrEqual(0);
    expect(list[0]).not.toHaveProperty('error');
  });

  it('keeps a failure\'s message, redacted, and a resource\'s URI as its name', () => {
    const calls = new RecentCalls({ redact: createRedactor(['s3cret-value']) });
    calls.start(undefined, plan('x'))(new UpstreamError(-32000, 'denied for s3cret-value'));
    calls.start(undefined, { server: 'fx', method: 'resources/read', params: { uri: 'file:///a' } })(undefined, { contents: [] });
    expect(calls.list()).toMatchObject([
      { seq: 2, method: 'resources/read', name: 'file:///a', outcome: 'ok' },
      { seq: 1, name: 'fx__x', outcome: 'error', error: 'denied for ***' },
    ]);
  });
});

describe('backend history', () => {
  it('counts a restart only after having been up, and clocks uptime from the last start', () => {
    let clock = 1000;
    const history = new BackendHistory(() => clock);
    expect(history.record('b', 'starting')).toBe(false);
    expect(history.record('b', 'down')).toBe(false);
    clock = 2000;
    expect(history.record('b', 'ready')).toBe(false); // a failed first start that later succeeds: not a restart
    expect(history.upSince('b')).toBe(2000);
    expect(history.record('b', 'down')).toBe(false);
    expect(history.upSince('b')).toBeUndefined();
    clock = 5000;
    expect(history.record('b', 'ready')).toBe(true);
    expect(history.restarts('b')).toBe(1);
    expect(history.upSince('b')).toBe(5000);
    expect(history.restarts('never-seen')).toBe(0);
  });

  it('does not count a lazy backend starting again after it parked', () => {
    const history = new BackendHistory(() => 0);
    expect(history.record('lz', 'ready')).toBe(false);
    expect(history.record('lz', 'idle')).toBe(false);
    expect(history.record('lz', 'starting')).toBe(false);
    expect(history.record('lz', 'ready')).toBe(false);
    expect(history.restarts('lz')).toBe(0);
  });
});

describe('session counts', () => {
  it('counts sessions by front until each closes', () => {
    const counts = new SessionCounts();
    const closers: Array<() => void> = [];
    const session = () => ({ onClose: (l: () => void) => void closers.push(l) });
    counts.track(session(), 'http');
    counts.track(session(), 'http');
    counts.track(session(), 'ws');
    expect(counts.counts()).toEqual({ stdio: 0, http: 2, sse: 0, ws: 1 });
    closers[0]!();
    expect(counts.counts()).toEqual({ stdio: 0, http: 1, sse: 0, ws: 1 });
  });
});
