/**
 * Held legacy calls of 2026-07-28 clients across replicas: two real `serve` processes sharing a real
 * redis-server, a 2025-era backend that elicits. The first request reaches replica A, which holds the
 * backend's call and answers input_required; the retry reaches replica B, which forwards it to A (the
 * requestState names A, signed with the cluster's key) and streams A's answer back. A state that was
 * altered is refused on B; once A is gone (SIGKILL), a retry on B gets SB_REPLICA_UNREACHABLE. An SDK
 * client behind nginx doing plain round-robin over both replicas gets every elicitation through.
 * Needs `npm run build` and redis-server.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, q, tempDir } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { RedisServer, redisInstalled } from '../helpers/redis-server.js';
import { clusterSection, startReplica, type Replica } from '../helpers/cluster-replicas.js';
import { modernRequest } from '../helpers/modern-raw.js';
import { existsSync } from 'node:fs';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { NGINX_BIN, startNginx } from '../helpers/nginx.js';

interface InputRequired {
  resultType: string;
  inputRequests: Record<string, { method: string; params: { message: string } }>;
  requestState: string;
}

describe.skipIf(!redisInstalled())('2026-07-28 held calls across replicas (real redis-server, two serve processes)', () => {
  const tmp = tempDir('sb-cluster-held-');
  let redis: RedisServer;
  let a: Replica;
  let b: Replica;

  beforeAll(async () => {
    assertBuilt();
    redis = await RedisServer.start();
    const fx = fixtureStdioCommand('fx', ['--tools', 'echo,ask_elicitation,ask_twice']);
    const config = tmp.write('router.yaml', `servers:\n  fx:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n${clusterSection(redis.url)}`);
    [a, b] = await Promise.all([startReplica('replica-a', config, tmp.dir), startReplica('replica-b', config, tmp.dir)]);
  }, 60_000);

  afterAll(async () => {
    await Promise.all([a?.cli.kill(), b?.cli.kill()]);
    await redis?.close();
    tmp.remove();
  });

  async function askOnA(id: number, message: string): Promise<InputRequired> {
    const first = await modernRequest(a.url, id, 'tools/call', { name: 'fx__ask_elicitation', arguments: { message } });
    const round = first.body.result as unknown as InputRequired;
    expect(round).toMatchObject({ resultType: 'input_required', inputRequests: { 'fx/1': { method: 'elicitation/create', params: { message } } } });
    return round;
  }

  it('completes a call held on A when the retry lands on B, with the elicited value', async () => {
    const round = await askOnA(1, 'your name?');
    const done = await modernRequest(b.url, 2, 'tools/call', { name: 'fx__ask_elicitation', arguments: { message: 'your name?' }, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'Ada' } } }, requestState: round.requestState });
    expect(done.status).toBe(200);
    expect(done.body.id).toBe(2);
    expect(done.body.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: JSON.stringify({ action: 'accept', content: { answer: 'Ada' } }) }] });
    // Spent on A (through B): the same state a second time is a replay, refused by its owner.
    const replay = await modernRequest(b.url, 3, 'tools/call', { name: 'fx__ask_elicitation', arguments: { message: 'your name?' }, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'Bob' } } }, requestState: round.requestState });
    expect(replay.body.error).toMatchObject({ code: -32602, data: { reason: 'SB_BAD_REQUEST_STATE' } });
    expect(replay.body.error?.message).toContain('no longer holds');
  });

  it('takes every round of a two-round call to its owner, whichever replica each retry reaches', async () => {
    const first = await modernRequest(a.url, 10, 'tools/call', { name: 'fx__ask_twice', arguments: {} });
    const r1 = first.body.result as unknown as InputRequired;
    const second = await modernRequest(b.url, 11, 'tools/call', { name: 'fx__ask_twice', arguments: {}, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'one' } } }, requestState: r1.requestState });
    const r2 = second.body.result as unknown as InputRequired;
    expect(r2.resultType).toBe('input_required');
    expect(r2.inputRequests['fx/2']?.params.message).toBe('second, after one?');
    const done = await modernRequest(b.url, 12, 'tools/call', { name: 'fx__ask_twice', arguments: {}, inputResponses: { 'fx/2': { action: 'accept', content: { answer: 'two' } } }, requestState: r2.requestState });
    expect(done.body.result?.resultType).toBe('complete');
    expect(JSON.stringify(done.body.result?.content)).toContain('two');
  });

  it('refuses an altered state on B without forwarding it anywhere', async () => {
    const round = await askOnA(20, 'colour?');
    const tampered = round.requestState.slice(0, -2) + (round.requestState.endsWith('AA') ? 'BB' : 'AA');
    const refused = await modernRequest(b.url, 21, 'tools/call', { name: 'fx__ask_elicitation', arguments: { message: 'colour?' }, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'red' } } }, requestState: tampered });
    expect(refused.status).toBe(200);
    expect(refused.body.error).toMatchObject({ code: -32602, data: { reason: 'SB_BAD_REQUEST_STATE' } });
    expect(refused.body.error?.message).toContain('altered');
    // The genuine state still works (on A itself this time).
    const done = await modernRequest(a.url, 22, 'tools/call', { name: 'fx__ask_elicitation', arguments: { message: 'colour?' }, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'red' } } }, requestState: round.requestState });
    expect(done.body.result?.resultType).toBe('complete');
  });

  it.skipIf(!existsSync(NGINX_BIN))('serves an SDK client\'s elicitations behind plain round-robin nginx, each retry on the other replica', async () => {
    const nginx = await startNginx({ upstreamPorts: [a, b].map((r) => Number(new URL(r.base).port)) });
    const client = new Client({ name: 'modern', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', async (r) => {
      asked.push(r.params.message);
      return { action: 'accept', content: { answer: `re: ${r.params.message}` } };
    });
    try {
      await client.connect(new StreamableHTTPClientTransport(new URL(`${nginx.url}/mcp`)));
      // One request and one retry per call: with two replicas in strict rotation, every retry reaches
      // the replica that did not start the call.
      for (const n of [1, 2, 3, 4]) {
        const result = await client.callTool({ name: 'fx__ask_elicitation', arguments: { message: `question ${n}` } });
        expect(result.content).toEqual([{ type: 'text', text: JSON.stringify({ action: 'accept', content: { answer: `re: question ${n}` } }) }]);
      }
      expect(asked).toEqual(['question 1', 'question 2', 'question 3', 'question 4']);
    } finally {
      await client.close().catch(() => undefined);
      await nginx.close();
    }
  });

  it('answers SB_REPLICA_UNREACHABLE (-32091, HTTP 502) on B once the replica holding the call is killed', async () => {
    const round = await askOnA(30, 'still there?');
    await a.cli.kill();
    const started = Date.now();
    const lost = await modernRequest(b.url, 31, 'tools/call', { name: 'fx__ask_elicitation', arguments: { message: 'still there?' }, inputResponses: { 'fx/1': { action: 'accept', content: { answer: 'yes' } } }, requestState: round.requestState });
    expect(Date.now() - started).toBeLessThan(3000);
    expect(lost.status).toBe(502);
    expect(lost.body.id).toBe(31);
    expect(lost.body.error).toMatchObject({ code: -32091, data: { reason: 'SB_REPLICA_UNREACHABLE' } });
    expect(lost.body.error?.message).toContain('"replica-a"');
    expect(lost.body.error?.message).toContain('without inputResponses and requestState');
    // Starting over without the state works on B.
    const again = await modernRequest(b.url, 32, 'tools/call', { name: 'fx__echo', arguments: { text: 'still serving' } });
    expect(again.body.result?.resultType).toBe('complete');
  });
});
