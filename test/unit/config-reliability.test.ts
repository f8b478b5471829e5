/**
 * router.yaml's reliability options per server: maxConcurrency, maxQueue, restart, healthCheck, lazy,
 * idleTimeout. Absent, they normalize to nothing at all (so existing configs behave exactly as before).
 */
import { describe, expect, it } from 'vitest';
import { SwitchboardError } from '../../src/errors/index.js';
import { parseConfig } from '../../src/config/load.js';
import { makeServerConfig } from '../../src/config/defaults.js';

const opts = { env: { SLOTS: '4' }, sourceName: 'router.yaml', baseDir: '/cfg' };

function problems(yaml: string): string[] {
  try {
    parseConfig(yaml, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(SwitchboardError);
    expect((err as SwitchboardError).code).toBe('SB_CONFIG_INVALID');
    return (err as SwitchboardError).message.split('\n').slice(1);
  }
  throw new Error('expected parseConfig to throw');
}

describe('reliability options', () => {
  it('normalizes every option, filling the restart and healthCheck defaults', () => {
    const c = parseConfig(
      [
        'servers:',
        '  slow:',
        '    command: x',
        '    maxConcurrency: ${SLOTS}',
        '    maxQueue: 0',
        '    restart: { maxRestarts: 5 }',
        '    healthCheck: { intervalMs: 10000 }',
        '    lazy: true',
        '    idleTimeout: 60000',
        '  plain: { command: y }',
      ].join('\n'),
      opts,
    );
    const [slow, plain] = c.servers;
    expect(slow).toMatchObject({
      maxConcurrency: 4,
      maxQueue: 0,
      restart: { initialDelayMs: 1000, maxDelayMs: 30000, maxRestarts: 5 },
      healthCheck: { intervalMs: 10000, timeoutMs: 5000 },
      lazy: true,
      idleTimeoutMs: 60000,
    });
    for (const key of ['maxConcurrency', 'maxQueue', 'restart', 'healthCheck', 'lazy', 'idleTimeoutMs']) expect(plain).not.toHaveProperty(key);
  });

  it('keeps restart values as written and leaves maxRestarts out when unset (never give up)', () => {
    const c = parseConfig('servers:\n  a: { command: x, restart: { initialDelayMs: 200, maxDelayMs: 200 }, lazy: false }\n', opts);
    expect(c.servers[0]!.restart).toEqual({ initialDelayMs: 200, maxDelayMs: 200 });
    expect(c.servers[0]).not.toHaveProperty('lazy');
  });

  it('reports options that need another, and out-of-range values, all at once', () => {
    expect(
      problems(
        [
          'servers:',
          '  a: { command: x, maxQueue: 3, idleTimeout: 1000 }',
          '  b: { command: x, maxConcurrency: 0, restart: { initialDelayMs: 5000, maxDelayMs: 100, maxRestarts: -1 } }',
          '  c: { command: x, restart: { maxDelayMs: 500 }, healthCheck: { timeoutMs: 10 }, lazy: maybe }',
        ].join('\n'),
      ),
    ).toEqual([
      // In file order, each with the field's path.
      'servers.a.maxQueue: only applies together with "maxConcurrency" (calls beyond it wait in this queue); set maxConcurrency too',
      'servers.a.idleTimeout: only applies to lazy servers (it stops them again when unused); set "lazy: true" or remove it',
      'servers.b.maxConcurrency: expected a positive whole number, got 0',
      'servers.b.restart.maxDelayMs: must be at least restart.initialDelayMs (5000)',
      'servers.b.restart.maxRestarts: expected a whole number >= 0, got -1',
      'servers.c.restart.maxDelayMs: must be at least restart.initialDelayMs (1000)',
      'servers.c.healthCheck.intervalMs: expected a positive whole number of milliseconds',
      'servers.c.lazy: expected true or false, got "maybe"',
    ]);
  });

  it('makeServerConfig carries the options for configs built in code', () => {
    const s = makeServerConfig('a', { kind: 'stdio', command: 'x', args: [], env: {} }, { maxConcurrency: 2, lazy: true, idleTimeoutMs: 50 });
    expect(s).toMatchObject({ maxConcurrency: 2, lazy: true, idleTimeoutMs: 50 });
    expect(s).not.toHaveProperty('maxQueue');
  });
});
