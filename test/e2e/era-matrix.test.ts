/**
 * Issue 13's proof: every combination of client era and backend era, through one built router
 * (`serve --http`), running the same cases. Clients: the SDK v2 client pinned to 2026-07-28, the
 * SDK v2 client in 2025 mode, the SDK v1 client (era-clients.ts). Backends: the 2025 fixture and
 * server-everything (2025 era), and the 2026-capable fixture spoken to in 2026-07-28, once over
 * stdio and once over Streamable HTTP (era-backends.ts). Cases: a tool call; a sampling round; an elicitation round and a multi-round
 * one; roots; progress; cancellation; tool list changes; a tampered or forged requestState.
 *
 * Cases run one at a time (one describe per combination, in order): a shared backend connection
 * refuses a server->client request it cannot attribute to one caller, so two clients must not be
 * mid-question at the same backend at once. Needs `npm run build` (npm test does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KINDS, connectMatrixClient, eraOf, MODERN, type Asked, type ClientKind, type MatrixClient } from '../helpers/era-clients.js';
import { FX_TOOLS, MATRIX_BACKENDS, type BackendProfile } from '../helpers/era-backends.js';
import { everythingServerYaml, fixtureServerYaml, modernHttpServerYaml, modernServerYaml, rawModern, startHttpRouter, type HttpRouter } from '../helpers/era-router.js';
import { startModernHttpFixture, type ModernHttpFixture } from '../fixtures/modern-server-http.js';
import { assertBuilt, EVERYTHING_MAIN, tempDir } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { textOf } from '../helpers/relay-harness.js';

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';

describe('era matrix: {2026, 2025 v2, 2025 v1 clients} x {2025 fixture, server-everything, 2026 fixture on stdio and HTTP} through serve --http', () => {
  const tmp = tempDir('sb-era-matrix-');
  let router: HttpRouter;
  let web: ModernHttpFixture;

  beforeAll(async () => {
    assertBuilt();
    web = await startModernHttpFixture('mh');
    const servers = [fixtureServerYaml('fx', FX_TOOLS), everythingServerYaml('ev', EVERYTHING_MAIN), modernServerYaml('m'), modernHttpServerYaml('mh', web.url)];
    const config = tmp.write('router.yaml', `servers:\n${servers.join('')}`);
    router = await startHttpRouter(config);
    // Every backend listed before the first case: a case must not race a backend's start.
    const probe = await connectMatrixClient('sdk-v2@2025-11-25', { http: router.url });
    await eventually(async () => {
      const names = await probe.toolNames();
      return ['fx__echo', 'ev__echo', 'm__echo', 'mh__echo'].every((n) => names.includes(n));
    }, { what: 'every backend listed', timeoutMs: 30_000 });
    await probe.close();
  }, 60_000);

  afterAll(async () => {
    await router?.cli.kill();
    await web?.close();
    tmp.remove();
  });

  for (const kind of CLIENT_KINDS) {
    for (const backend of MATRIX_BACKENDS) {
      describe(`${kind} client x ${backend.label} (${backend.era})`, () => matrixCases(kind, backend, () => router.url));
    }
  }
});

function matrixCases(kind: ClientKind, backend: BackendProfile, url: () => string): void {
  const era = eraOf(kind);
  const slug = `${kind.replace(/[^a-z0-9]/gi, '_')}_${backend.server}`;
  let client: MatrixClient;

  beforeAll(async () => {
    client = await connectMatrixClient(kind, { http: url() });
  });
  afterAll(async () => {
    await client?.close();
  });

  /** Runs one tool case and checks its text, structured content and the questions asked. */
  async function expectCase(c: { tool: string; args: Record<string, unknown>; text: string; asked?: Asked[]; structuredContent?: unknown }): Promise<void> {
    const before = client.asked.length;
    const result = await client.callTool(c.tool, c.args);
    expect(result.isError ?? false).toBe(false);
    expect(textOf(result)).toBe(c.text);
    if (c.structuredContent !== undefined) expect(result.structuredContent).toEqual(c.structuredContent);
    // server-everything asks roots/list again whenever the router passes on a roots/list_changed
    // (any client connecting with roots), and the router asks the client in flight there: outside
    // the roots case, such a question is the backend's own business, not the case's.
    const asked = client.asked.slice(before).filter((a) => a.method !== 'roots/list' || c.asked?.some((x) => x.method === 'roots/list'));
    expect(asked).toEqual(c.asked ?? []);
    // A 2025 client never sees the 2026 result discriminator or MRTR fields, whichever era answered.
    if (era !== MODERN) for (const field of ['resultType', 'inputRequests', 'requestState']) expect(result).not.toHaveProperty(field);
  }

  it(`negotiates ${era}`, () => {
    expect(client.negotiatedVersion()).toBe(era);
  });

  it('a tool call', () => expectCase(backend.toolCall));

  it('a sampling round', () => expectCase(backend.sampling));

  it('an elicitation round', () => expectCase(backend.elicitation));

  if (backend.multiRound) {
    const multiRound = backend.multiRound;
    it('a multi-round elicitation, answers carried from one round to the next', () => expectCase(multiRound));
  }

  if (backend.roots) {
    const roots = backend.roots;
    it('roots', () => expectCase(roots));
  }

  it('progress, in order, before the result', async () => {
    const seen: number[] = [];
    const result = await client.callTool(backend.progress.tool, backend.progress.args, { onprogress: (p) => seen.push(p.progress) });
    expect(textOf(result)).toBe(backend.progress.text);
    expect(seen).toEqual(backend.progress.progress);
  });

  if (backend.cancellation) {
    // A wait no other combination uses: the backend's record tells this call's cancellation apart.
    const ms = 20_000 + CLIENT_KINDS.indexOf(kind);
    const c = backend.cancellation(ms);
    it('cancellation reaches the backend', async () => {
      const records = async () => JSON.parse(textOf(await client.callTool(c.record.tool, {}))) as unknown[];
      const before = (await records()).length;
      const controller = new AbortController();
      const call = client.callTool(c.tool, c.args, { signal: controller.signal });
      setTimeout(() => controller.abort('changed my mind'), 300);
      await expect(call).rejects.toThrow();
      const after = await eventually(async () => {
        const now = await records();
        return now.length > before && now;
      }, { what: 'the backend to record the cancellation' });
      expect(after).toHaveLength(before + 1);
      expect(after[before]).toEqual(c.recorded(era));
    });
  }

  if (backend.listChange) {
    const change = backend.listChange;
    // 2026-07-28 has no unsolicited notifications: a client hears list changes on a
    // subscriptions/listen stream, each stamped with its subscriptionId. A 2025 session hears them
    // as plain notifications on its session, with no subscriptionId.
    it(era === MODERN ? 'tool list changes on a subscriptions/listen stream' : 'tool list changes as session notifications', async () => {
      const added = `added_${slug}`;
      const watch = await client.watchToolChanges();
      try {
        await client.callTool(change.tool, change.args(added));
        await eventually(() => watch.seen.length > 0, { what: 'tools/list_changed' });
        const meta = watch.seen[0]!._meta as Record<string, unknown> | undefined;
        if (era === MODERN) expect(meta?.[SUBSCRIPTION_ID]).toEqual(expect.anything());
        else expect(meta?.[SUBSCRIPTION_ID]).toBeUndefined();
        expect(await client.toolNames()).toContain(change.publicName(added));
      } finally {
        await watch.close();
      }
    });
  }

  requestStateCase(kind, backend, url);
}

/**
 * A tampered or forged requestState. Only a 2026-07-28 client is ever given one; a 2025 session's
 * rounds are driven by the router itself, so for it the case is a request that brings 2026 retry
 * fields the session never received: refused before any backend sees them.
 */
function requestStateCase(kind: ClientKind, backend: BackendProfile, url: () => string): void {
  if (eraOf(kind) !== MODERN) {
    const tool = backend.multiRound?.tool ?? backend.elicitation.tool;
    it('refuses a requestState a 2025 session sends (it was never given one)', async () => {
      const client = await connectMatrixClient(kind, { http: url() });
      try {
        const refused = client.callToolRaw({ name: tool, arguments: backend.multiRound?.args ?? backend.elicitation.args, inputResponses: { name: { action: 'accept', content: { name: 'Mallory' } } }, requestState: 'name:Mallory' });
        await expect(refused).rejects.toMatchObject({ code: -32602 });
        await expect(refused).rejects.toThrow(/requestState and inputResponses are retry fields of protocol 2026-07-28/);
      } finally {
        await client.close();
      }
    });
    return;
  }
  // One hand-made id range per backend so failures name their request.
  const base = 100 + MATRIX_BACKENDS.indexOf(backend) * 10;
  if (backend.era === '2025-11-25') {
    const tool = backend.multiRound?.tool ?? backend.elicitation.tool;
    const args = backend.multiRound?.args ?? backend.elicitation.args;
    it('refuses a tampered requestState for a held 2025 call, then completes with the genuine one', async () => {
      const first = await rawModern(url(), base, 'tools/call', { name: tool, arguments: args });
      const round = first.body.result as { resultType: string; inputRequests: Record<string, unknown>; requestState: string };
      expect(round.resultType).toBe('input_required');
      const key = Object.keys(round.inputRequests)[0]!;
      expect(key).toBe(`${backend.server}/1`);
      const tampered = flipLast(round.requestState);
      const refused = await rawModern(url(), base + 1, 'tools/call', { name: tool, arguments: args, inputResponses: { [key]: { action: 'accept', content: { answer: 'x', name: 'x' } } }, requestState: tampered });
      expect(refused.body.error).toMatchObject({ code: -32602, data: { reason: 'SB_BAD_REQUEST_STATE' } });
      expect(refused.body.error!.message).toMatch(/altered or was not issued by this router/);
      // Finish the held call: a call left held would count as in flight at the backend.
      await driveToCompletion(url(), base + 2, tool, args, round);
    });
    return;
  }
  it('refuses a tampered and a forged requestState for a 2026 backend; the genuine one completes', async () => {
    const tool = `${backend.server}__profile`;
    const first = await rawModern(url(), base, 'tools/call', { name: tool, arguments: {} });
    const round1 = first.body.result as { resultType: string; inputRequests: Record<string, unknown>; requestState?: string };
    // A 2026 backend's keys pass through as it named them; this round carries no state yet.
    expect(round1).toMatchObject({ resultType: 'input_required', inputRequests: { name: { method: 'elicitation/create' } } });
    expect(round1.requestState).toBeUndefined();
    const second = await rawModern(url(), base + 1, 'tools/call', { name: tool, arguments: {}, inputResponses: { name: { action: 'accept', content: { name: 'Kim' } } } });
    const round2 = second.body.result as { resultType: string; requestState: string };
    expect(round2.resultType).toBe('input_required');
    // The backend's own state ("name:Kim") is sealed inside the router's signed one.
    expect(round2.requestState).not.toContain('name:Kim');
    const answer = { age: { action: 'accept', content: { age: 40 } } };
    for (const [i, state] of [flipLast(round2.requestState), 'name:Mallory'].entries()) {
      const refused = await rawModern(url(), base + 2 + i, 'tools/call', { name: tool, arguments: {}, inputResponses: answer, requestState: state });
      expect(refused.body.error).toMatchObject({ code: -32602, data: { reason: 'SB_BAD_REQUEST_STATE' } });
      expect(refused.body.error!.message).toMatch(/requestState was altered or was not issued by this router/);
    }
    const done = await rawModern(url(), base + 5, 'tools/call', { name: tool, arguments: {}, inputResponses: answer, requestState: round2.requestState });
    expect(done.body.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'Kim is 40' }] });
  });
}

function flipLast(state: string): string {
  return state.slice(0, -2) + (state.endsWith('AA') ? 'BB' : 'AA');
}

/** Answers a held legacy call's rounds by hand until it completes. */
async function driveToCompletion(url: string, id: number, tool: string, args: Record<string, unknown>, round: { inputRequests: Record<string, unknown>; requestState: string }): Promise<void> {
  let current: { resultType?: string; inputRequests?: Record<string, unknown>; requestState?: string } = round;
  for (let i = 0; current.resultType === 'input_required' && i < 5; i++) {
    const responses = Object.fromEntries(Object.keys(current.inputRequests ?? {}).map((k) => [k, { action: 'accept', content: { answer: `a${i}`, name: 'Kim' } }]));
    const next = await rawModern(url, id + i, 'tools/call', { name: tool, arguments: args, inputResponses: responses, requestState: current.requestState });
    expect(next.body.error).toBeUndefined();
    current = next.body.result!;
  }
  expect(current.resultType).toBe('complete');
}
