/**
 * Multi round-trip requests (2026-07-28 input_required) through the router. A 2025 client calling a
 * modern backend is asked the backend's questions as ordinary server->client requests on its call,
 * for as many rounds as needed; a 2026 client gets input_required itself, with a requestState the
 * router signs so that a retry can only reach the backend that issued it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { configFromServers, makeServerConfig } from '../../src/config/defaults.js';
import type { RequestContext } from '../../src/engine/context.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { startModernHttpFixture, type ModernHttpFixture } from '../fixtures/modern-server-http.js';
import { modernStdioServer } from '../helpers/modern-fixture.js';
import { rpcError, sentToolCalls, tapTransport, textOf, type Tap } from '../helpers/relay-harness.js';

interface Asked {
  message: string;
}

async function legacyClient(router: Router, answers: Array<Record<string, string | number | boolean>>, asked: Asked[], elicitation = true): Promise<Client> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await router.connect(serverSide);
  const client = new Client({ name: 'legacy-2025', version: '1.0.0' }, { capabilities: elicitation ? { elicitation: { form: {} } } : {} });
  if (elicitation) {
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push({ message: String((request.params as { message?: unknown }).message) });
      const content = answers.shift();
      return content ? { action: 'accept', content } : { action: 'decline' };
    });
  }
  await client.connect(clientSide);
  return client;
}

describe('MRTR: modern backend, through the router', () => {
  let router: Router;
  let wire: Tap;

  beforeAll(async () => {
    router = new Router(configFromServers([modernStdioServer('m', { protocol: '2026-07-28' }), modernStdioServer('n', { protocol: '2026-07-28' })]), { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    expect(router.backend('m').era).toBe('2026-07-28');
    wire = tapTransport(router.backend('m').transport!);
  });

  afterAll(async () => {
    await router?.close();
  });

  it('a 2025 client is asked the elicitation, and its call completes', async () => {
    const asked: Asked[] = [];
    const client = await legacyClient(router, [{ ok: true }], asked);
    const result = await client.callTool({ name: 'm__confirm', arguments: { action: 'ship' } });
    expect(textOf(result)).toBe('ship: confirmed');
    expect(result).not.toHaveProperty('resultType');
    expect(asked.map((a) => a.message)).toEqual(['Really ship?']);
    const [first, retry] = sentToolCalls(wire, 'confirm');
    expect(first!.params).not.toHaveProperty('inputResponses');
    expect(retry!.params.inputResponses).toEqual({ confirm: { action: 'accept', content: { ok: true } } });
    expect((retry!.params._meta as Record<string, unknown>)['io.modelcontextprotocol/protocolVersion']).toBe('2026-07-28');
    expect((retry!.params._meta as Record<string, unknown>)['io.modelcontextprotocol/clientCapabilities']).toEqual({ elicitation: { form: {} } });
    await client.close();
  });

  it('multi-round: each round asks again and echoes the backend\'s requestState', async () => {
    const asked: Asked[] = [];
    const client = await legacyClient(router, [{ name: 'Ada' }, { age: 36 }], asked);
    const result = await client.callTool({ name: 'm__profile', arguments: {} });
    expect(textOf(result)).toBe('Ada is 36');
    expect(asked.map((a) => a.message)).toEqual(['Your name?', 'How old is Ada?']);
    const rounds = sentToolCalls(wire, 'profile');
    expect(rounds).toHaveLength(3);
    expect(rounds[1]!.params).not.toHaveProperty('requestState');
    expect(rounds[2]!.params.requestState).toBe('name:Ada');
    expect(rounds[2]!.params.inputResponses).toEqual({ age: { action: 'accept', content: { age: 36 } } });
    await client.close();
  });

  it('a 2025 client without the elicitation capability: the envelope tells the backend, which refuses', async () => {
    const client = await legacyClient(router, [], [], false);
    const before = sentToolCalls(wire, 'confirm').length;
    const err = await rpcError(client.callTool({ name: 'm__confirm', arguments: { action: 'ship' } }));
    expect(err.message).toContain("Cannot request input 'confirm' (elicitation/create): the request's client capabilities do not declare the required capability");
    const [call] = sentToolCalls(wire, 'confirm').slice(before);
    expect((call!.params._meta as Record<string, unknown>)['io.modelcontextprotocol/clientCapabilities']).toEqual({});
    await client.close();
  });

  describe('a 2026 client', () => {
    async function modernCall(params: Record<string, unknown>): Promise<Record<string, unknown>> {
      const [, serverSide] = InMemoryTransport.createLinkedPair();
      const session = await router.connect(serverSide);
      const ctx = { session, id: 1, method: 'tools/call', signal: new AbortController().signal, era: '2026-07-28' } as unknown as RequestContext;
      return (await router.engine.handle(ctx, params)) as Record<string, unknown>;
    }

    it('gets input_required with the router\'s signed requestState, and its retry reaches the backend with the backend\'s own', async () => {
      const first = await modernCall({ name: 'm__profile', arguments: {}, inputResponses: { name: { action: 'accept', content: { name: 'Lin' } } } });
      expect(first.resultType).toBe('input_required');
      expect(Object.keys(first.inputRequests as object)).toEqual(['age']);
      const sealed = first.requestState as string;
      expect(sealed).not.toBe('name:Lin');
      expect(sealed).toMatch(/^[\w-]+\.[\w-]+$/);

      const done = await modernCall({ name: 'm__profile', arguments: {}, requestState: sealed, inputResponses: { age: { action: 'accept', content: { age: 7 } } } });
      expect(textOf(done)).toBe('Lin is 7');
      expect(done.resultType).toBe('complete');
      expect(sentToolCalls(wire, 'profile').at(-1)!.params.requestState).toBe('name:Lin');
    });

    it('cannot send a requestState to another backend, nor a forged one', async () => {
      const first = await modernCall({ name: 'm__profile', arguments: {}, inputResponses: { name: { action: 'accept', content: { name: 'Eve' } } } });
      const other = modernCall({ name: 'n__profile', arguments: {}, requestState: first.requestState, inputResponses: { age: { action: 'accept', content: { age: 1 } } } });
      await expect(other).rejects.toMatchObject({ code: 'SB_BAD_REQUEST_STATE', rpcCode: -32602, message: expect.stringContaining("issued for another server's request") });
      const forged = modernCall({ name: 'm__profile', arguments: {}, requestState: 'name:Mallory', inputResponses: { age: { action: 'accept', content: { age: 1 } } } });
      await expect(forged).rejects.toMatchObject({ code: 'SB_BAD_REQUEST_STATE', rpcCode: -32602, message: expect.stringContaining('altered or was not issued by this router') });
      expect(sentToolCalls(wire, 'profile').some((c) => c.params.requestState === 'name:Mallory')).toBe(false);
    });
  });
});

describe('MRTR: modern backend over Streamable HTTP', () => {
  let fixture: ModernHttpFixture;
  let router: Router;

  beforeAll(async () => {
    fixture = await startModernHttpFixture('web');
    router = new Router(configFromServers([makeServerConfig('web', { kind: 'http', url: fixture.url, headers: {} }, { protocol: 'auto', prefix: 'w' })]), {
      log: silentLogger(),
      retryDelaysMs: [600_000],
    });
    await router.start();
  });

  afterAll(async () => {
    await router?.close();
    await fixture?.close();
  });

  it('every round is a stateless POST whose Mcp-Method and Mcp-Name are the backend\'s own names', async () => {
    expect(router.backend('web').era).toBe('2026-07-28');
    const asked: Asked[] = [];
    const client = await legacyClient(router, [{ name: 'Bo' }, { age: 5 }], asked);
    fixture.seen.length = 0;
    const result = await client.callTool({ name: 'w__profile', arguments: {} });
    expect(textOf(result)).toBe('Bo is 5');
    const calls = fixture.seen.filter((s) => s.bodyMethod === 'tools/call');
    expect(calls.map((c) => [c.mcpMethod, c.mcpName, c.protocolVersion, c.sessionId])).toEqual([
      ['tools/call', 'profile', '2026-07-28', undefined],
      ['tools/call', 'profile', '2026-07-28', undefined],
      ['tools/call', 'profile', '2026-07-28', undefined],
    ]);
    await client.close();
  });
});
