/**
 * The restart policy against real processes: backoff delays grow and cap, a backend is 'failed' with
 * its reason after maxRestarts failures in a row (and revive() tries again), a connection that stays
 * up resets the count while one that crashes right after its handshake does not, and a stdio server that stops answering pings is killed and restarted while the
 * calls it held fail at once with an error naming it, and other servers keep serving.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/backends/backend.js';
import { defaultTransportFactory, type TransportFactory } from '../../src/backends/transport-factory.js';
import { formatSummary } from '../../src/cli/summary.js';
import { configFromServers, makeServerConfig, type ServerOptions } from '../../src/config/defaults.js';
import type { ServerConfig } from '../../src/config/types.js';
import { createLogger, type Logger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { eventually } from '../helpers/eventually.js';
import { isAlive } from '../helpers/proc-tree.js';
import { ROOT, connectClient, rpcError, type RelayClient } from '../helpers/relay-harness.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

const CRASH = 'process.stderr.write("boom: missing API key\\n"); process.exit(3)';
const CRASH_REASON = 'the process exited during the MCP handshake; its stderr ended with: boom: missing API key (servers.crashy.command/args)';

interface LogLine {
  msg: string;
  backend?: string;
  restart?: number;
  delayMs?: number;
  reason?: string;
}

function capturedLog(): { log: Logger; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) lines.push(JSON.parse(line) as LogLine);
      done();
    },
  });
  return { log: createLogger('debug', sink), lines };
}

function fixture(name: string, extra: string[], opts: ServerOptions = {}): ServerConfig {
  const { command, args } = fixtureStdioCommand(name, extra);
  return makeServerConfig(name, { kind: 'stdio', command, args, env: {}, cwd: ROOT }, opts);
}

/** Counts (and timestamps) each connection attempt. */
function countingFactory(): { factory: TransportFactory; starts: number[] } {
  const starts: number[] = [];
  return {
    starts,
    factory: (server, hooks) => {
      starts.push(performance.now());
      return defaultTransportFactory(server, hooks);
    },
  };
}

describe('restart policy', () => {
  const opened: Backend[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((b) => b.close()));
  });

  it('restarts with growing, capped, jittered delays, then fails with its reason; revive() starts over', async () => {
    const { log, lines } = capturedLog();
    const { factory, starts } = countingFactory();
    const states: string[] = [];
    const config = makeServerConfig('crashy', { kind: 'stdio', command: process.execPath, args: ['-e', CRASH], env: {} }, {
      restart: { initialDelayMs: 40, maxDelayMs: 160, maxRestarts: 5 },
    });
    const backend = new Backend(config, { log, transportFactory: factory, hooks: { onStateChange: (b) => states.push(b.state) } });
    opened.push(backend);
    await backend.start();
    await eventually(() => backend.state === 'failed', { what: 'the backend to give up', timeoutMs: 20_000 });

    const restarts = lines.filter((l) => l.msg.startsWith('restarting in'));
    expect(restarts.map((l) => l.restart)).toEqual([1, 2, 3, 4, 5]);
    // Ceiling min(160, 40 * 2^(n-1)): 40, 80, 160, 160, 160; each delay is drawn from [ceiling/2, ceiling].
    const ceilings = [40, 80, 160, 160, 160];
    restarts.forEach((l, i) => {
      expect(l.delayMs, `restart ${i + 1}`).toBeGreaterThanOrEqual(ceilings[i]! / 2);
      expect(l.delayMs, `restart ${i + 1}`).toBeLessThanOrEqual(ceilings[i]!);
      expect(l.msg).toBe(`restarting in ${l.delayMs} ms`);
    });
    // Each restart really waited its delay after the failure before it.
    expect(starts).toHaveLength(6);
    for (let i = 1; i < starts.length; i++) expect(starts[i]! - starts[i - 1]!).toBeGreaterThanOrEqual(restarts[i - 1]!.delayMs! - 5);

    expect(backend.lastError).toBe(`${CRASH_REASON}; gave up after 5 restarts in a row (servers.crashy.restart.maxRestarts)`);
    expect(states).toEqual(['down', 'failed']);
    expect(formatSummary([backend], undefined).split('\n')[1]).toBe(
      `  FAILED crashy  stdio  ${CRASH_REASON}; gave up after 5 restarts in a row (servers.crashy.restart.maxRestarts) (not retrying until the config is reloaded)`,
    );
    const refused = await backend.request('tools/list', {}).then(
      () => undefined,
      (err: Error & { code?: string }) => err,
    );
    expect(refused?.code).toBe('SB_BACKEND_UNAVAILABLE');
    expect(refused?.message).toBe(
      `server "crashy" is not connected: ${CRASH_REASON}; gave up after 5 restarts in a row (servers.crashy.restart.maxRestarts). Fix servers.crashy and reload the config; the router has stopped retrying.`,
    );

    // Failed means failed: no attempt for longer than the largest delay.
    await new Promise((r) => setTimeout(r, 500));
    expect(starts).toHaveLength(6);

    // revive() (what a config reload calls) tries at once with a whole budget: five more restarts.
    await backend.revive();
    await eventually(() => backend.state === 'failed' && starts.length === 12, { what: 'the revived backend to give up again', timeoutMs: 20_000 });
    expect(lines.filter((l) => l.msg.startsWith('restarting in')).map((l) => l.restart)).toEqual([1, 2, 3, 4, 5, 1, 2, 3, 4, 5]);
  });

  it('a connection that stayed up minUptimeMs resets the count', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'sb-restart-'));
    try {
      const gate = join(tmp, 'gate');
      const { command, args } = fixtureStdioCommand('flaky', ['--tools', 'echo,crash']);
      // Fails (exit 3) until the gate file exists, then runs the fixture.
      const script = 'if [ -e "$0" ]; then exec "$@"; fi; echo "not yet" >&2; exit 3';
      const config = makeServerConfig('flaky', { kind: 'stdio', command: '/bin/sh', args: ['-c', script, gate, command, ...args], env: {}, cwd: ROOT }, {
        restart: { initialDelayMs: 50, maxDelayMs: 50, maxRestarts: 3, minUptimeMs: 300 },
      });
      const { log, lines } = capturedLog();
      const backend = new Backend(config, { log });
      opened.push(backend);
      await backend.start();
      await eventually(() => lines.filter((l) => l.msg.startsWith('restarting in')).length >= 2, { what: 'two restarts' });
      writeFileSync(gate, '');
      await eventually(() => backend.state === 'ready', { what: 'the backend to come up', timeoutMs: 20_000 });
      const before = lines.filter((l) => l.msg.startsWith('restarting in')).map((l) => l.restart);
      expect(before.slice(0, 2)).toEqual([1, 2]);

      rmSync(gate); // from now on every start fails again
      await new Promise((r) => setTimeout(r, 400)); // up longer than minUptimeMs: a good start
      await backend.request('tools/call', { name: 'crash', arguments: {} }).catch(() => undefined);
      await eventually(() => backend.state === 'failed', { what: 'the backend to give up', timeoutMs: 20_000 });
      const after = lines.filter((l) => l.msg.startsWith('restarting in')).map((l) => l.restart).slice(before.length);
      // Counted from 1 again after the good connection: three restarts, not 3 minus those spent before.
      expect(after).toEqual([1, 2, 3]);
      expect(backend.lastError).toBe(
        'the process exited during the MCP handshake; its stderr ended with: not yet (servers.flaky.command/args); gave up after 3 restarts in a row (servers.flaky.restart.maxRestarts)',
      );
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('a server that crashes right after each handshake still backs off and fails', async () => {
    const { log, lines } = capturedLog();
    const states: string[] = [];
    const config = fixture('crashloop', ['--tools', 'echo', '--exit-after-initialize', '400'], { restart: { initialDelayMs: 40, maxDelayMs: 80, maxRestarts: 3 } });
    const backend = new Backend(config, { log, hooks: { onStateChange: (b) => states.push(b.state) } });
    opened.push(backend);
    await backend.start();
    expect(backend.state).toBe('ready');
    await eventually(() => backend.state === 'failed', { what: 'the crash-looping backend to give up', timeoutMs: 30_000 });
    // Every start got through the handshake and the listing (ready), and each crash counted anyway.
    expect(states).toEqual(['ready', 'down', 'ready', 'down', 'ready', 'down', 'ready', 'failed']);
    expect(lines.filter((l) => l.msg.startsWith('restarting in')).map((l) => l.restart)).toEqual([1, 2, 3]);
    expect(backend.lastError).toBe(
      'the connection closed (the server exited or the network dropped); gave up after 3 restarts in a row (servers.crashloop.restart.maxRestarts)',
    );
  });
});

describe('health check', () => {
  let router: Router;
  let c: RelayClient;
  let tmp: string;
  let wedgeFile: string;
  const { log, lines } = capturedLog();

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'sb-health-'));
    wedgeFile = join(tmp, 'wedge');
    writeFileSync(wedgeFile, '');
    // The server ignores pings while the wedge file exists: the first process is wedged, a later one is not.
    const { command, args } = fixtureStdioCommand('wedged', ['--tools', 'echo,sleep']);
    const script = 'if [ -e "$0" ]; then exec "$@" --ignore-ping; fi; exec "$@"';
    const wedged = makeServerConfig('wedged', { kind: 'stdio', command: '/bin/sh', args: ['-c', script, wedgeFile, command, ...args], env: {}, cwd: ROOT }, {
      healthCheck: { intervalMs: 300, timeoutMs: 300 },
      restart: { initialDelayMs: 100, maxDelayMs: 100 },
    });
    const config = configFromServers([wedged, fixture('fast', ['--tools', 'echo'], { healthCheck: { intervalMs: 300, timeoutMs: 300 } })]);
    router = new Router(config, { log });
    await router.start();
    c = await connectClient(router, 'health');
  });

  afterAll(async () => {
    await c?.client.close();
    await router?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('kills a stdio server that stops answering pings, fails its calls at once, and restarts it', async () => {
    const wedged = router.backend('wedged');
    const fast = router.backend('fast');
    expect(wedged.state).toBe('ready');
    const firstPid = wedged.pid!;
    const fastPid = fast.pid!;
    const t0 = performance.now();
    const held = await rpcError(c.client.callTool({ name: 'wedged__sleep', arguments: { ms: 20_000 } }));
    expect(held.code).toBe(-32010);
    expect(held.message).toBe('server "wedged" disconnected during tools/call; the router is reconnecting');
    // Interval + timeout + the sweep, not the call's 20 s or its 60 s timeout.
    expect(performance.now() - t0).toBeLessThan(3000);
    await eventually(() => !isAlive(firstPid), { what: 'the wedged process to be gone' });
    rmSync(wedgeFile);

    const down = lines.find((l) => l.msg === 'backend down' && l.backend === 'wedged');
    expect(down?.reason).toBe('it did not answer a ping within 300 ms, so the router killed it (servers.wedged.healthCheck)');
    await eventually(() => wedged.state === 'ready' && wedged.pid !== undefined && wedged.pid !== firstPid, { what: 'a new wedged process', timeoutMs: 15_000 });
    const secondPid = wedged.pid;
    expect((await c.client.callTool({ name: 'wedged__echo', arguments: { text: 'back' } })).structuredContent).toEqual({ server: 'wedged', text: 'back' });
    // The new process answers its pings: it stays, through several intervals.
    await new Promise((r) => setTimeout(r, 1200));
    expect(wedged.pid).toBe(secondPid);
    expect(wedged.state).toBe('ready');

    // The server that answers its pings was never touched.
    expect(fast.pid).toBe(fastPid);
    expect(fast.state).toBe('ready');
    expect((await c.client.callTool({ name: 'fast__echo', arguments: { text: 'still' } })).structuredContent).toEqual({ server: 'fast', text: 'still' });
    expect(lines.filter((l) => l.backend === 'fast' && l.msg === 'backend down')).toEqual([]);
  });
});

describe('a reload', () => {
  it('revives a failed server it leaves unchanged, and applies new limits', async () => {
    const tries = new Map<string, number>();
    const factory: TransportFactory = (server, hooks) => {
      tries.set(server.name, (tries.get(server.name) ?? 0) + 1);
      return defaultTransportFactory(server, hooks);
    };
    const crashy = makeServerConfig('crashy', { kind: 'stdio', command: process.execPath, args: ['-e', CRASH], env: {} }, { restart: { initialDelayMs: 20, maxDelayMs: 20, maxRestarts: 0 } });
    const fine = fixture('fine', ['--tools', 'echo']);
    const router = new Router(configFromServers([crashy, fine]), { log: capturedLog().log, transportFactory: factory });
    try {
      await router.start();
      expect(router.backend('crashy').state).toBe('failed');
      expect(router.backend('crashy').lastError).toBe(`${CRASH_REASON}; gave up after 0 restarts in a row (servers.crashy.restart.maxRestarts)`);
      expect(router.limits.stats('fine')).toBeUndefined();
      expect(tries.get('crashy')).toBe(1);

      const diff = await router.reload(configFromServers([crashy, { ...fine, maxConcurrency: 3 }]));
      expect(diff.changed.map((c) => c.after.name)).toEqual(['fine']);
      // The unchanged failed server is tried once more (its budget: 0 restarts), then fails again.
      await eventually(() => tries.get('crashy') === 2 && router.backend('crashy').state === 'failed', { what: 'crashy to be tried again' });
      await new Promise((r) => setTimeout(r, 300));
      expect(tries.get('crashy')).toBe(2);
      expect(router.limits.stats('fine')).toEqual({ inFlight: 0, waiting: 0 });
    } finally {
      await router.close();
    }
  });
});
