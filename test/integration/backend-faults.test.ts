/**
 * Backends that break the rules on stdout: the router skips what is not JSON-RPC (and says so in
 * its logs), answers the call that the junk surrounded, and keeps serving the other backends.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromServers, makeServerConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { ROOT, connectClient, fixtureServer, textOf, type RelayClient } from '../helpers/relay-harness.js';
import { Writable } from 'node:stream';

describe('a backend that writes garbage to stdout', () => {
  let router: Router;
  let c: RelayClient;
  const logLines: string[] = [];

  beforeAll(async () => {
    const noisy = makeServerConfig('noisy', { kind: 'stdio', command: process.execPath, args: [join(ROOT, 'test/fixtures/garbage-server.mjs')], env: {}, cwd: ROOT });
    const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
    router = new Router(configFromServers([noisy, fixtureServer('calm')]), { log: createLogger('debug', sink) });
    await router.start();
    c = await connectClient(router, 'c');
  });

  afterAll(async () => {
    await c?.client.close();
    await router?.close();
  });

  it('comes up despite a banner on stdout, and lists its tool', async () => {
    expect(router.backend('noisy').state).toBe('ready');
    const names = (await c.client.listTools()).tools.map((t) => t.name);
    expect(names).toContain('noisy__shout');
    expect(names).toContain('calm__echo');
  });

  it('answers the call the junk surrounded, every time, and the other backend keeps serving', async () => {
    for (let i = 0; i < 5; i++) {
      const result = await c.client.callTool({ name: 'noisy__shout', arguments: { n: i } });
      expect(textOf(result)).toBe(`shouted {"n":${i}}`);
      const calm = await c.client.callTool({ name: 'calm__echo', arguments: { text: `still ${i}` } });
      expect(textOf(calm)).toBe(`echo:still ${i}`);
    }
    expect(router.backend('noisy').state).toBe('ready');
  });

  it('says in its logs what it skipped, naming the backend', () => {
    const skipped = logLines.filter((l) => l.includes('"backend":"noisy"') && l.includes('non-JSON line'));
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.some((l) => l.includes('Starting noisy server'))).toBe(true);
  });
});
