/**
 * Full protocol relay, part 3: merged lists in small pages. Two clients walk the same router's tools
 * with pageSize 3 over fixtures `a`, `b` and the "everything" server: each tool exactly once, in
 * section (config) order and key order inside a section, even when backends change between pages;
 * cursors the router did not mint are -32602.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromServers } from '../../src/config/defaults.js';
import { passthroughResult } from '../helpers/passthrough.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { eventually } from '../helpers/eventually.js';
import { allToolNames, connectClient, everythingServer, fixtureServer, notesOf, rpcError, type RelayClient } from '../helpers/relay-harness.js';

const PAGE_SIZE = 3;
const byKey = (names: readonly string[]) => [...names].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
const section = (server: string, names: readonly string[]) => byKey(names.map((n) => `${server}__${n}`));

interface ToolsPage {
  tools: Array<{ name: string }>;
  nextCursor?: string;
}

function listTools(c: RelayClient, cursor?: string): Promise<ToolsPage> {
  return c.client.request({ method: 'tools/list', params: cursor === undefined ? {} : { cursor } } as never, passthroughResult) as unknown as Promise<ToolsPage>;
}

describe('relay pagination: pageSize 3 across fixtures a, b and everything', () => {
  let router: Router;
  let c1: RelayClient;
  let c2: RelayClient;
  let everythingTools: string[];

  beforeAll(async () => {
    const config = configFromServers([fixtureServer('a'), fixtureServer('b'), everythingServer()], { pageSize: PAGE_SIZE });
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    everythingTools = router.backend('everything').lists.tools.map((t) => t.name);
    c1 = await connectClient(router, 'c1');
    c2 = await connectClient(router, 'c2');
  });

  afterAll(async () => {
    await Promise.all([c1, c2].map((c) => c?.client.close()));
    await router?.close();
  });

  it('two clients walking interleaved each see every tool of every backend exactly once', async () => {
    expect(everythingTools.length).toBeGreaterThan(PAGE_SIZE);
    const expected = [...section('a', FIXTURE_TOOL_NAMES), ...section('b', FIXTURE_TOOL_NAMES), ...section('everything', everythingTools)];
    const walks = [c1, c2].map(() => ({ names: [] as string[], cursor: undefined as string | undefined, done: false, pages: 0 }));
    while (walks.some((w) => !w.done)) {
      for (const [i, walk] of walks.entries()) {
        if (walk.done) continue;
        const page = await listTools(i === 0 ? c1 : c2, walk.cursor);
        expect(page.tools.length).toBeLessThanOrEqual(PAGE_SIZE);
        walk.names.push(...page.tools.map((t) => t.name));
        walk.pages++;
        expect(page.nextCursor).not.toBe(walk.cursor);
        walk.cursor = page.nextCursor;
        walk.done = page.nextCursor === undefined;
      }
    }
    for (const walk of walks) {
      expect(walk.names).toEqual(expected);
      expect(walk.pages).toBe(Math.ceil(expected.length / PAGE_SIZE));
    }
  });

  it('backends that change between pages: every tool present throughout appears exactly once', async () => {
    // Page 1: a__add, a__ask_elicitation, a__ask_roots. Page 2: a__ask_sampling, a__cancellations, a__crash.
    let changes = notesOf(c1, 'notifications/tools/list_changed').length;
    const names = await allToolNames(c1.client, async (page) => {
      if (page !== 2) return;
      // Mid-section change at a: a__add and a__echo survive; b0_early lands before the position (a new
      // tool, so it may be missed), zz_late after it; most of the rest disappear.
      await c2.client.callTool({ name: 'a__set_tools', arguments: { names: ['add', 'echo', 'set_tools', 'b0_early', 'zz_late'] } });
      await eventually(() => notesOf(c1, 'notifications/tools/list_changed').length > changes, { what: 'a\'s change' });
      changes = notesOf(c1, 'notifications/tools/list_changed').length;
      // A change at b, whose section has not started yet: listed whole, as it is now.
      await c2.client.callTool({ name: 'b__set_tools', arguments: { names: ['echo', 'b_new', 'set_tools'] } });
      await eventually(() => notesOf(c1, 'notifications/tools/list_changed').length > changes, { what: 'b\'s change' });
    });
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'a__add', 'a__ask_elicitation', 'a__ask_roots', 'a__ask_sampling', 'a__cancellations', 'a__crash',
      'a__echo', 'a__set_tools', 'a__zz_late',
      'b__b_new', 'b__echo', 'b__set_tools',
      ...section('everything', everythingTools),
    ]);
    // A fresh walk now sees exactly the new lists.
    expect(await allToolNames(c2.client)).toEqual([
      ...section('a', ['add', 'echo', 'set_tools', 'b0_early', 'zz_late']),
      ...section('b', ['echo', 'b_new', 'set_tools']),
      ...section('everything', everythingTools),
    ]);
  });

  it('a forged, edited or foreign cursor is -32602, and the session keeps working', async () => {
    const forged = await rpcError(listTools(c1, 'forged'));
    expect(forged.code).toBe(-32602);
    expect(forged.message).toContain('Invalid cursor');

    const real = (await listTools(c1)).nextCursor!;
    const [payload, mac] = real.split('.') as [string, string];
    const edited = `${payload}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    expect((await rpcError(listTools(c1, edited))).code).toBe(-32602);

    // A cursor another client was given works for it too (cursors are not session state)...
    expect((await listTools(c2, real)).tools.length).toBe(PAGE_SIZE);
    // ...but one minted for prompts does not page tools.
    const prompts = (await c1.client.request({ method: 'prompts/list', params: {} } as never, passthroughResult)) as { nextCursor?: string };
    expect(prompts.nextCursor).toBeDefined();
    const foreign = await rpcError(listTools(c1, prompts.nextCursor));
    expect(foreign.code).toBe(-32602);

    expect((await listTools(c1)).tools.map((t) => t.name)).toEqual(['a__add', 'a__b0_early', 'a__echo']);
  });
});
