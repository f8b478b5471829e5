/**
 * Full protocol relay, part 1: what flows from backends to clients when TWO clients share ONE router
 * with several backends (fixtures `a` and `b`, the reference "everything" server): list changes,
 * resource updates, log messages, task status. Each must reach exactly the clients it concerns.
 *
 * "Nothing else arrived" is proven by ordering, not by waiting: a sentinel log message sent after the
 * event travels the same path, so anything misrouted would have arrived before it.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFromServers } from '../../src/config/defaults.js';
import type { ListKind } from '../../src/backends/lists.js';
import { passthroughResult } from '../helpers/passthrough.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { pageSections, type CatalogView, type Page, type ResolvedTarget } from '../../src/catalog/view.js';
import { FIXTURE_TOOL_NAMES } from '../fixtures/fixture-server.js';
import { eventually } from '../helpers/eventually.js';
import {
  StartGate,
  allToolNames,
  connectClient,
  everythingServer,
  fixtureServer,
  notesOf,
  rpcError,
  textOf,
  type RelayClient,
} from '../helpers/relay-harness.js';

const TOOLS_CHANGED = 'notifications/tools/list_changed';
const PROMPTS_CHANGED = 'notifications/prompts/list_changed';
const RESOURCES_CHANGED = 'notifications/resources/list_changed';
const UPDATED = 'notifications/resources/updated';
const MESSAGE = 'notifications/message';
const TASK_STATUS = 'notifications/tasks/status';
const HELLO_A = 'fixture://a/static/hello';
const PUBLIC_HELLO_A = 'sb://a/fixture://a/static/hello';

/** A client's view of one server only (what a workspace does): changes elsewhere are not its business. */
class OneServerView implements CatalogView {
  constructor(
    private readonly router: Router,
    private readonly server: string,
  ) {}

  private sections(kind: ListKind): { server: string; items: unknown[] }[] {
    return this.router.catalog.sections(kind).filter((s) => s.server === this.server) as { server: string; items: unknown[] }[];
  }

  page(kind: ListKind, cursor?: string): Page {
    return pageSections(kind, this.sections(kind), this.router.config.pageSize, this.router.cursorCodec, cursor);
  }

  version(kind: ListKind): string {
    return createHash('sha1').update(JSON.stringify(this.sections(kind))).digest('hex');
  }

  private mine(target: ResolvedTarget | undefined): ResolvedTarget | undefined {
    return target?.server === this.server ? target : undefined;
  }

  resolveTool(name: string) {
    return this.mine(this.router.fullView().resolveTool(name));
  }

  resolvePrompt(name: string) {
    return this.mine(this.router.fullView().resolvePrompt(name));
  }

  resolveUri(uri: string) {
    const target = this.router.fullView().resolveUri(uri);
    return target?.server === this.server ? target : undefined;
  }

  includesServer(server: string): boolean {
    return server === this.server;
  }

  toolNames(): string[] {
    return this.sections('tools').flatMap((s) => s.items.map((t) => (t as { name: string }).name));
  }

  promptNames(): string[] {
    return this.sections('prompts').flatMap((s) => s.items.map((p) => (p as { name: string }).name));
  }
}

let sentinelCount = 0;

/** An error-level log from `server`, waited for at every client in `clients`: all earlier relays have arrived. */
async function sentinel(via: RelayClient, server: string, clients: RelayClient[]): Promise<void> {
  const tag = `sentinel-${++sentinelCount}`;
  await via.client.callTool({ name: `${server}__log`, arguments: { level: 'error', message: tag } });
  await eventually(() => clients.every((c) => notesOf(c, MESSAGE).some((n) => n.params.data === tag)), { what: `${tag} at ${clients.map((c) => c.label).join(', ')}` });
}

const fixtureNames = (server: string, extra: string[] = []) => [...FIXTURE_TOOL_NAMES, ...extra].map((t) => `${server}__${t}`).sort();

describe('relay to two clients: list changes, resource updates, logging, tasks', () => {
  let router: Router;
  let c1: RelayClient;
  let c2: RelayClient;
  /** Sees server b only. */
  let c3: RelayClient;

  beforeAll(async () => {
    const config = configFromServers([fixtureServer('a'), fixtureServer('b'), everythingServer()]);
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000] });
    await router.start();
    c1 = await connectClient(router, 'c1');
    c2 = await connectClient(router, 'c2');
    c3 = await connectClient(router, 'c3', {}, new OneServerView(router, 'b'));
  });

  afterAll(async () => {
    await Promise.all([c1, c2, c3].map((c) => c?.client.close()));
    await router?.close();
  });

  it('a tools change at a notifies each client that sees it exactly once, then lists the new public names', async () => {
    expect((await allToolNames(c1.client)).filter((n) => n.startsWith('a__')).sort()).toEqual(fixtureNames('a'));

    const changed = await c1.client.callTool({ name: 'a__set_tools', arguments: { names: [...FIXTURE_TOOL_NAMES, 'extra_one'] } });
    expect(JSON.parse(textOf(changed))).toEqual([...FIXTURE_TOOL_NAMES, 'extra_one'].sort());
    await eventually(() => notesOf(c1, TOOLS_CHANGED).length >= 1 && notesOf(c2, TOOLS_CHANGED).length >= 1, { what: 'tools/list_changed at c1 and c2' });
    for (const c of [c1, c2]) {
      const names = await allToolNames(c.client);
      expect(names.filter((n) => n.startsWith('a__')).sort()).toEqual(fixtureNames('a', ['extra_one']));
      expect(names.filter((n) => n.startsWith('b__')).sort()).toEqual(fixtureNames('b'));
    }

    // A second change, at b: c3 (which sees only b) hears of this one and only this one.
    await c2.client.callTool({ name: 'b__set_tools', arguments: { names: [...FIXTURE_TOOL_NAMES, 'extra_two'] } });
    await eventually(() => notesOf(c1, TOOLS_CHANGED).length >= 2 && notesOf(c2, TOOLS_CHANGED).length >= 2 && notesOf(c3, TOOLS_CHANGED).length >= 1, {
      what: 'the second tools/list_changed',
    });
    expect(await allToolNames(c3.client)).toEqual(fixtureNames('b', ['extra_two']));

    await sentinel(c1, 'a', [c1, c2]);
    await sentinel(c3, 'b', [c3]);
    expect(notesOf(c1, TOOLS_CHANGED)).toHaveLength(2);
    expect(notesOf(c2, TOOLS_CHANGED)).toHaveLength(2);
    expect(notesOf(c3, TOOLS_CHANGED)).toHaveLength(1);
    // Only the tools list changed: no prompts or resources notifications for it.
    for (const c of [c1, c2, c3]) {
      expect(notesOf(c, PROMPTS_CHANGED)).toEqual([]);
      expect(notesOf(c, RESOURCES_CHANGED)).toEqual([]);
    }
    // The new tools answer under their public names.
    expect(textOf(await c2.client.callTool({ name: 'a__extra_one', arguments: {} }))).toBe('extra_one:a');
    expect(textOf(await c3.client.callTool({ name: 'b__extra_two', arguments: {} }))).toBe('extra_two:b');
    // c3's view has no a__ tools: calling one is an unknown tool there.
    const outside = await rpcError(c3.client.callTool({ name: 'a__echo', arguments: { text: 'x' } }));
    expect(outside.code).toBe(-32602);
  });

  it('resources/updated reaches only the subscribed client, under the public URI, and stops after unsubscribe', async () => {
    const before2 = notesOf(c2, UPDATED).length;
    await c1.client.subscribeResource({ uri: PUBLIC_HELLO_A });
    expect(textOf(await c2.client.callTool({ name: 'a__touch', arguments: { uri: HELLO_A } }))).toBe('notified');
    await eventually(() => notesOf(c1, UPDATED).length === 1, { what: 'resources/updated at c1' });
    expect(notesOf(c1, UPDATED)[0]!.params).toEqual({ uri: PUBLIC_HELLO_A });
    await sentinel(c2, 'a', [c1, c2]);
    expect(notesOf(c2, UPDATED)).toHaveLength(before2);
    expect(notesOf(c1, UPDATED)).toHaveLength(1);

    // Both subscribed: both hear; the backend keeps its one subscription until the last one leaves.
    await c2.client.subscribeResource({ uri: PUBLIC_HELLO_A });
    expect(textOf(await c1.client.callTool({ name: 'a__touch', arguments: { uri: HELLO_A } }))).toBe('notified');
    await eventually(() => notesOf(c1, UPDATED).length === 2 && notesOf(c2, UPDATED).length === 1, { what: 'resources/updated at both' });
    expect(notesOf(c2, UPDATED)[0]!.params).toEqual({ uri: PUBLIC_HELLO_A });

    await c1.client.unsubscribeResource({ uri: PUBLIC_HELLO_A });
    expect(textOf(await c1.client.callTool({ name: 'a__touch', arguments: { uri: HELLO_A } }))).toBe('notified');
    await eventually(() => notesOf(c2, UPDATED).length === 2, { what: 'resources/updated at c2 only' });
    await sentinel(c1, 'a', [c1, c2]);
    expect(notesOf(c1, UPDATED)).toHaveLength(2);

    await c2.client.unsubscribeResource({ uri: PUBLIC_HELLO_A });
    // The last subscriber left: the router unsubscribed at the backend, which now has nobody to notify.
    expect(textOf(await c1.client.callTool({ name: 'a__touch', arguments: { uri: HELLO_A } }))).toBe('not subscribed');
    await sentinel(c1, 'a', [c1, c2]);
    expect(notesOf(c1, UPDATED)).toHaveLength(2);
    expect(notesOf(c2, UPDATED)).toHaveLength(2);
    expect(notesOf(c3, UPDATED)).toEqual([]);
  });

  it('a subscriber that disconnects is dropped; when it was the last, the backend is unsubscribed', async () => {
    const c4 = await connectClient(router, 'c4');
    await c4.client.subscribeResource({ uri: PUBLIC_HELLO_A });
    expect(textOf(await c1.client.callTool({ name: 'a__touch', arguments: { uri: HELLO_A } }))).toBe('notified');
    await eventually(() => notesOf(c4, UPDATED).length === 1, { what: 'resources/updated at c4' });
    await c4.client.close();
    await eventually(async () => textOf(await c1.client.callTool({ name: 'a__touch', arguments: { uri: HELLO_A } })) === 'not subscribed', {
      what: 'the backend subscription dropped with c4',
    });
    expect(notesOf(c1, UPDATED)).toHaveLength(2);
    expect(notesOf(c2, UPDATED)).toHaveLength(2);
  });

  it('log messages respect each client\'s own level and name the backend as logger', async () => {
    await c1.client.setLoggingLevel('debug');
    await c2.client.setLoggingLevel('error');
    const ours = (c: RelayClient) => notesOf(c, MESSAGE).filter((n) => typeof n.params.data === 'string' && n.params.data.startsWith('relay-log-'));

    await c2.client.callTool({ name: 'a__log', arguments: { level: 'info', message: 'relay-log-info' } });
    await eventually(() => ours(c1).length === 1, { what: 'the info log at c1' });
    await c1.client.callTool({ name: 'a__log', arguments: { level: 'error', message: 'relay-log-error' } });
    await eventually(() => ours(c1).length === 2 && ours(c2).length === 1, { what: 'the error log at both' });
    await sentinel(c1, 'a', [c1, c2]);

    expect(ours(c1).map((n) => n.params)).toEqual([
      { level: 'info', logger: 'a', data: 'relay-log-info' },
      { level: 'error', logger: 'a', data: 'relay-log-error' },
    ]);
    expect(ours(c2).map((n) => n.params)).toEqual([{ level: 'error', logger: 'a', data: 'relay-log-error' }]);
    // c3's view draws only on b: a's logs are outside its boundary, whatever their level.
    expect(ours(c3)).toEqual([]);
    // c2 asked for error and above: nothing below that ever reached it since.
    const afterLevel = notesOf(c2, MESSAGE).slice(notesOf(c2, MESSAGE).findIndex((n) => n.params.data === 'relay-log-error'));
    expect(afterLevel.every((n) => ['error', 'critical', 'alert', 'emergency'].includes(n.params.level as string))).toBe(true);
  });

  it('a task-augmented call returns a public task id; tasks/* route back; status reaches only the creator', async () => {
    const created = (await c1.client.request(
      { method: 'tools/call', params: { name: 'everything__simulate-research-query', arguments: { topic: 'relay' }, task: { ttl: 60_000 } } } as never,
      passthroughResult,
    )) as { task: { taskId: string; status: string } };
    const taskId = created.task.taskId;
    expect(taskId).toMatch(/^everything__./);
    expect(created.task.status).toBe('working');

    const got = (await c1.client.request({ method: 'tasks/get', params: { taskId } } as never, passthroughResult)) as { taskId: string; status: string };
    expect(got.taskId).toBe(taskId);
    expect(['working', 'completed']).toContain(got.status);

    const listed = (await c1.client.request({ method: 'tasks/list', params: {} } as never, passthroughResult)) as { tasks: Array<{ taskId: string }> };
    expect(listed.tasks.map((t) => t.taskId)).toContain(taskId);

    const result = (await c1.client.request({ method: 'tasks/result', params: { taskId } } as never, passthroughResult)) as { content: Array<{ type: string; text: string }> };
    expect(result.content[0]!.type).toBe('text');
    expect(result.content[0]!.text).toContain('# Research Report: relay');

    await eventually(() => notesOf(c1, TASK_STATUS).some((n) => n.params.status === 'completed'), { what: 'the completed status at c1' });
    const statuses = notesOf(c1, TASK_STATUS);
    expect(statuses.every((n) => n.params.taskId === taskId)).toBe(true);
    expect(statuses.map((n) => n.params.status)).toContain('working');
    await sentinel(c1, 'a', [c1, c2]);
    expect(notesOf(c2, TASK_STATUS)).toEqual([]);
    expect(notesOf(c3, TASK_STATUS)).toEqual([]);

    const done = (await c1.client.request({ method: 'tasks/get', params: { taskId } } as never, passthroughResult)) as { status: string };
    expect(done.status).toBe('completed');
    const unknown = await rpcError(c1.client.request({ method: 'tasks/get', params: { taskId: 'nobody__42' } } as never, passthroughResult));
    expect(unknown.code).toBe(-32602);
  });

  it('a task is bound to the session that created it: another client can neither list nor fetch it', async () => {
    // MCP 2025-11-25, tasks, "Task Isolation and Access Control": when there is a session, receivers MUST
    // bind tasks to it. The router is the receiver its clients see, and it knows each task's session.
    const created = (await c1.client.request(
      { method: 'tools/call', params: { name: 'everything__simulate-research-query', arguments: { topic: 'private' }, task: { ttl: 60_000 } } } as never,
      passthroughResult,
    )) as { task: { taskId: string } };
    const taskId = created.task.taskId;
    const mine = (await c1.client.request({ method: 'tasks/list', params: {} } as never, passthroughResult)) as { tasks: Array<{ taskId: string }> };
    expect(mine.tasks.map((t) => t.taskId)).toContain(taskId);

    const theirs = (await c2.client.request({ method: 'tasks/list', params: {} } as never, passthroughResult)) as { tasks: Array<{ taskId: string }> };
    expect(theirs.tasks.map((t) => t.taskId)).not.toContain(taskId);
    const get = await rpcError(c2.client.request({ method: 'tasks/get', params: { taskId } } as never, passthroughResult), 'tasks/get of another client\'s task');
    expect(get.code).toBe(-32602);
    const result = await rpcError(c2.client.request({ method: 'tasks/result', params: { taskId } } as never, passthroughResult), 'tasks/result of another client\'s task');
    expect(result.code).toBe(-32602);
    const cancel = await rpcError(c2.client.request({ method: 'tasks/cancel', params: { taskId } } as never, passthroughResult), 'tasks/cancel of another client\'s task');
    expect(cancel.code).toBe(-32602);
    // Still the creator's, untouched.
    const got = (await c1.client.request({ method: 'tasks/get', params: { taskId } } as never, passthroughResult)) as { status: string };
    expect(['working', 'completed']).toContain(got.status);
  });
});

describe('relay to two clients: a shared backend going down and coming back', () => {
  let router: Router;
  let c1: RelayClient;
  let c2: RelayClient;
  const gate = new StartGate();

  beforeAll(async () => {
    const config = configFromServers([fixtureServer('a'), fixtureServer('b')]);
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [200], transportFactory: gate.factory });
    await router.start();
    c1 = await connectClient(router, 'c1');
    c2 = await connectClient(router, 'c2');
  });

  afterAll(async () => {
    gate.releaseAll();
    await Promise.all([c1, c2].map((c) => c?.client.close()));
    await router?.close();
  });

  it('both clients are told when a\'s tools go and again when they come back', async () => {
    gate.hold('a'); // the retry after the crash waits until we have looked at the "down" state
    const crashed = c1.client.callTool({ name: 'a__crash', arguments: {} }).then(
      () => undefined,
      (err: unknown) => err,
    );
    await eventually(() => notesOf(c1, TOOLS_CHANGED).length >= 1 && notesOf(c2, TOOLS_CHANGED).length >= 1, { what: 'tools/list_changed after the crash' });
    expect(router.backend('a').state).not.toBe('ready');
    // The call that crashed the server fails instead of hanging.
    expect(await crashed).toBeInstanceOf(Error);

    for (const c of [c1, c2]) {
      expect(await allToolNames(c.client)).toEqual(fixtureNames('b'));
      const prompts = await c.client.listPrompts();
      expect(prompts.prompts.map((p) => p.name)).toEqual(['b__greet']);
    }
    const gone = await rpcError(c2.client.callTool({ name: 'a__echo', arguments: { text: 'x' } }));
    expect(gone.code).toBe(-32602);
    expect(gone.message).toContain('Unknown tool "a__echo"');

    gate.release('a');
    await eventually(() => notesOf(c1, TOOLS_CHANGED).length >= 2 && notesOf(c2, TOOLS_CHANGED).length >= 2, { what: 'tools/list_changed after the restart', timeoutMs: 20_000 });
    expect(router.backend('a').state).toBe('ready');
    for (const c of [c1, c2]) {
      expect(await allToolNames(c.client)).toEqual([...fixtureNames('a'), ...fixtureNames('b')]);
    }
    expect(textOf(await c2.client.callTool({ name: 'a__echo', arguments: { text: 'back' } }))).toBe('echo:back');

    await sentinel(c1, 'b', [c1, c2]);
    for (const c of [c1, c2]) {
      expect(notesOf(c, TOOLS_CHANGED)).toHaveLength(2);
      expect(notesOf(c, PROMPTS_CHANGED)).toHaveLength(2);
      expect(notesOf(c, RESOURCES_CHANGED)).toHaveLength(2);
    }
  });
});
