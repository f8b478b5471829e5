/**
 * A 2025 session is never given a requestState (the router asks its client the backend's questions
 * itself), so retry fields in its request are made up. Found by the era matrix
 * (test/e2e/era-matrix.test.ts): they used to pass through to the backend, and a 2026 backend took
 * the forged state for its own ("Mallory is 40"). They are refused before any backend sees them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { configFromServers } from '../../src/config/defaults.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { modernStdioServer } from '../helpers/modern-fixture.js';
import { fixtureServer, rpcError, sentToolCalls, tapTransport, textOf, type Tap } from '../helpers/relay-harness.js';

describe('retry fields from a 2025 session', () => {
  let router: Router;
  let client: Client;
  let modernWire: Tap;
  let legacyWire: Tap;

  beforeAll(async () => {
    router = new Router(configFromServers([modernStdioServer('m', { protocol: '2026-07-28' }), fixtureServer('fx')]), { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    modernWire = tapTransport(router.backend('m').transport!);
    legacyWire = tapTransport(router.backend('fx').transport!);
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await router.connect(serverSide);
    client = new Client({ name: 'legacy', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    client.setRequestHandler('elicitation/create', async (r) => ({ action: 'accept', content: (r.params.message === 'Your name?' ? { name: 'Kim' } : { age: 40 }) as Record<string, string | number> }));
    await client.connect(clientSide);
  }, 30_000);

  afterAll(async () => {
    await client?.close();
    await router?.close();
  });

  it('a made-up requestState is refused (-32602, SB_BAD_REQUEST_STATE) and never reaches a 2026 backend', async () => {
    const before = sentToolCalls(modernWire, 'profile').length;
    const err = await rpcError(client.request({ method: 'tools/call', params: { name: 'm__profile', arguments: {}, requestState: 'name:Mallory' } as { name: string } }));
    expect(err.code).toBe(-32602);
    expect(err.message).toContain("tools/call: requestState and inputResponses are retry fields of protocol 2026-07-28; a 2025-era session never sends them (the router asks its client the backend's questions itself)");
    expect((err.data as { reason?: string } | undefined)?.reason).toBe('SB_BAD_REQUEST_STATE');
    expect(sentToolCalls(modernWire, 'profile')).toHaveLength(before);
  });

  it('inputResponses alone are refused too, whatever the backend\'s era', async () => {
    const before = sentToolCalls(legacyWire, 'echo').length;
    const err = await rpcError(client.request({ method: 'tools/call', params: { name: 'fx__echo', arguments: { text: 'x' }, inputResponses: {} } as { name: string } }));
    expect(err.code).toBe(-32602);
    expect((err.data as { reason?: string } | undefined)?.reason).toBe('SB_BAD_REQUEST_STATE');
    expect(sentToolCalls(legacyWire, 'echo')).toHaveLength(before);
  });

  it('the same session\'s real rounds still work: the router asks, then completes the call', async () => {
    expect(textOf(await client.callTool({ name: 'm__profile', arguments: {} }))).toBe('Kim is 40');
  });
});
