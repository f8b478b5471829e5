/**
 * Issue 13's proof: every combination of client era and backend era, through the built router, on
 * both fronts, running the same cases. Fronts: Streamable HTTP (one `serve --http` for every HTTP
 * client) and stdio (`serve`, one router per client). Clients: the SDK v2 client pinned to
 * 2026-07-28, the SDK v2 client in 2025 mode, the SDK v1 client (era-clients.ts). Backends: the 2025
 * fixture and server-everything (2025 era), and the 2026-capable fixture spoken to in 2026-07-28,
 * once over stdio and once over Streamable HTTP (era-backends.ts). Cases: a tool call; a sampling
 * round; an elicitation round and a multi-round one; roots; progress; cancellation; tool list
 * changes; a tampered or forged requestState.
 *
 * Cases run one at a time (one describe per combination, in order): a shared backend connection
 * refuses a server->client request it cannot attribute to one caller, so two clients must not be
 * mid-question at the same backend at once. Needs `npm run build` (npm test does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIENT_KINDS, connectMatrixClient, eraOf, MODERN, type Asked, type ClientKind, type MatrixClient } from '../helpers/era-clients.js';
import { FX_TOOLS, MATRIX_BACKENDS, type BackendProfile } from '../helpers/era-backends.js';
import { everythingServerYaml, fixtureServerYaml, modernHttpServerYaml, modernServerYaml, rawModern, startHttpRouter, stdioRouterCommand, type HttpRouter } from '../helpers/era-router.js';
import { startModernHttpFixture, type ModernHttpFixture } from '../fixtures/modern-server-http.js';
import { assertBuilt, EVERYTHING_MAIN, tempDir } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { textOf } from '../helpers/relay-harness.js';

const SUBSCRIPTION_ID = 'io.modelcontextprotocol/subscriptionId';
type Front = 'http' | 'stdio';
const FRONTS: readonly Front[] = ['http', 'stdio'];

/** One client of one kind on one front, shared by the cases of every backend. */
interface Cell {
  front: Front;
  kind: ClientKind;
  client: MatrixClient;
  /** The shared `serve --http` router's endpoint (hand-made 2026 requests go there). */
  url(): string;
}

/** Every backend listed before the first case: a case must not race a backend's start. */
async function allListed(client: MatrixClient): Promise<void> {
  await eventually(async () => {
    const names = await client.toolNames();
    return MATRIX_BACKENDS.every((b) => names.includes(b.toolCall.tool));
  }, { what: 'every backend listed', timeoutMs: 45_000 });
}

describe('era matrix: {2026, 2025 v2, 2025 v1 clients} x {2025 fixture, server-everything, 2026 fixture on stdio and HTTP}, on the HTTP and stdio fronts', () => {
  const tmp = tempDir('sb-era-matrix-');
  let router: HttpRouter;
  let web: ModernHttpFixture;
  let config: string;

  beforeAll(async () => {
    assertBuilt();
    // One 2026 backend over HTTP for every router: its state (cancellations, grown tools) is shared,
    // so each cell's cases use names and waits of their own.
    web = await startModernHttpFixture('mh');
    const servers = [fixtureServerYaml('fx', FX_TOOLS), everythingServerYaml('ev', EVERYTHING_MAIN), modernServerYaml('m'), modernHttpServerYaml('mh', web.url)];
    config = tmp.write('router.yaml', `servers:\n${servers.join('')}`);
    router = await startHttpRouter(config);
  }, 60_000);

  afterAll(async () => {
    await router?.cli.kill();
    await web?.close();
    tmp.remove();
  });

  for (const front of FRONTS) {
    for (const kind of CLIENT_KINDS) {
      // HTTP: every client on the one router. stdio: each client spawns its own router (and the
      // 2026 client a sibling first, for its server/discover probe).
      describe(`${front} front, ${kind} client`, () => {
        const cell = { front, kind, url: () => router.url } as Cell;
        beforeAll(async () => {
          cell.client = await connectMatrixClient(kind, front === 'http' ? { http: router.url } : { stdio: stdioRouterCommand(config) });
          await allListed(cell.client);
        }, 60_000);
        afterAll(async () => {
          await cell.client?.close();
        });

        it(`negotiates ${eraOf(kind)}`, () => {
          expect(cell.client.negotiatedVersion()).toBe(eraOf(kind));
        });

        for (const backend of MATRIX_BACKENDS) {
          describe(`x ${backend.label} (${backend.era})`, () => matrixCases(cell, backend));
        }
      });
    }
  }
});

function matrixCases(cell: Cell, backend: BackendProfile): void {
  const { kind, front } = cell;
  const era = eraOf(kind);
  const slug = `${front}_${kind.replace(/[^a-z0-9]/gi, '_')}_${backend.server}`;

  /** Runs one tool case and checks its text, structured content and the questions asked. */
  async function expectCase(c: { tool: string; args: Record<string, unknown>; text: string; asked?: Asked[]; structuredContent?: unknown }): Promise<void> {
    const before = cell.client.asked.length;
    const result = await cell.client.callTool(c.tool, c.args);
    expect(result.isError ?? false).toBe(false);
    expect(textOf(result)).toBe(c.text);
    if (c.structuredContent !== undefined) expect(result.structuredContent).toEqual(c.structuredContent);
    // server-everything asks roots/list again whenever the router passes on a roots/list_changed
    // (any client connecting with roots), and the router asks the client in flight there: outside
    // the roots case, such a question is the backend's own business, not the case's.
    const asked = cell.client.asked.slice(before).filter((a) => a.method !== 'roots/list' || c.asked?.some((x) => x.method === 'roots/list'));
    expect(asked).toEqual(c.asked ?? []);
    // A 2025 client never sees the 2026 result discriminator or MRTR fields, whichever era answered.
    if (era !== MODERN) for (const field of ['resultType', 'inputRequests', 'requestState']) expect(result).not.toHaveProperty(field);
  }

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
    const result = await cell.client.callTool(backend.progress.tool, backend.progress.args, { onprogress: (p) => seen.push(p.progress) });
    expect(textOf(result)).toBe(backend.progress.text);
    expect(seen).toEqual(backend.progress.progress);
  });

  if (backend.cancellation) {
    // A wait no other combination uses: the backend's record tells this call's cancellation apart.
    const ms = 20_000 + FRONTS.indexOf(front) * 10 + CLIENT_KINDS.indexOf(kind);
    const c = backend.cancellation(ms);
    it('cancellation reaches the backend', async () => {
      const records = async () => JSON.parse(textOf(await cell.client.callTool(c.record.tool, {}))) as unknown[];
      const before = (await records()).length;
      const controller = new AbortController();
      const call = cell.client.callTool(c.tool, c.args, { signal: controller.signal });
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
      const watch = await cell.client.watchToolChanges();
      try {
        await cell.client.callTool(change.tool, change.args(added));
        await eventually(() => watch.seen.length > 0, { what: 'tools/list_changed' });
        const meta = watch.seen[0]!._meta as Record<string, unknown> | undefined;
        if (era === MODERN) expect(meta?.[SUBSCRIPTION_ID]).toEqual(expect.anything());
        else expect(meta?.[SUBSCRIPTION_ID]).toBeUndefined();
        expect(await cell.client.toolNames()).toContain(change.publicName(added));
      } finally {
        await watch.close();
      }
    });
  }

  requestStateCase(cell, backend);
}

/**
 * A tampered or forged requestState. Only a 2026-07-28 client is ever given one; a 2025 session's
 * rounds are driven by the router itself, so for it the case is a request that brings 2026 retry
 * fields the session never received: refused before any backend sees them.
 */
function requestStateCase(cell: Cell, backend: BackendProfile): void {
  const { kind, front, url } = cell;
  if (eraOf(kind) !== MODERN) {
    const tool = backend.multiRound?.tool ?? backend.elicitation.tool;
    it('refuses a requestState a 2025 session sends (it was never given one)', async () => {
      const refused = cell.client.callToolRaw({ name: tool, arguments: backend.multiRound?.args ?? backend.elicitation.args, inputResponses: { name: { action: 'accept', content: { name: 'Mallory' } } }, requestState: 'name:Mallory' });
      await expect(refused).rejects.toMatchObject({ code: -32602 });
      await expect(refused).rejects.toThrow(/requestState and inputResponses are retry fields of protocol 2026-07-28/);
    });
    return;
  }
  if (front === 'stdio') {
    // On stdio the SDK is the only way in: it answers input_required rounds itself, so the case is
    // a forged state on the first request (the HTTP front's cases tamper with genuine ones too).
    it('refuses a forged requestState before any backend sees it', async () => {
      const tool = backend.multiRound?.tool ?? backend.elicitation.tool;
      const refused = cell.client.callToolRaw({ name: tool, arguments: backend.multiRound?.args ?? backend.elicitation.args, inputResponses: { name: { action: 'accept', content: { name: 'Mallory' } } }, requestState: 'name:Mallory' });
      await expect(refused).rejects.toMatchObject({ code: -32602 });
      await expect(refused).rejects.toThrow(/requestState was altered or was not issued by this router/);
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
