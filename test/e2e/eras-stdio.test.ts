/**
 * Both protocol eras over `serve` on stdio: an SDK v2 client pinned to 2026-07-28 (its probe runs
 * server/discover on a throwaway sibling process, then talks to a fresh one that never initializes)
 * and a 2025 client, each with its own router process and the same 2025-era backend.
 * Needs `npm run build` (npm test does it).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { assertBuilt, tempDir } from '../helpers/cli.js';
import { fixtureServerYaml, stdioRouterCommand, abortSleepAndReadCancellations } from '../helpers/era-router.js';
import { eventually } from '../helpers/eventually.js';
import { textOf } from '../helpers/relay-harness.js';

const MODERN = '2026-07-28';
const FX_TOOLS = 'echo,sleep,cancellations,set_tools,ask_elicitation,ask_twice';

describe('serve on stdio: 2025 and 2026 clients', () => {
  const tmp = tempDir('sb-eras-stdio-');
  let config: string;
  const clients: Client[] = [];

  function transport(): StdioClientTransport {
    return new StdioClientTransport({ ...stdioRouterCommand(config), stderr: 'pipe' });
  }

  beforeAll(() => {
    assertBuilt();
    config = tmp.write('router.yaml', `servers:\n${fixtureServerYaml('fx', FX_TOOLS.split(','))}`);
  });

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.close().catch(() => undefined)));
    tmp.remove();
  });

  it('serves a pinned 2026-07-28 client without initialize: lists, calls, progress, MRTR, listen, cancellation', async () => {
    const asked: string[] = [];
    const client = new Client({ name: 'modern-stdio', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: MODERN } } });
    client.setRequestHandler('elicitation/create', async (r) => {
      asked.push(r.params.message);
      return { action: 'accept', content: { answer: `re: ${r.params.message}` } };
    });
    clients.push(client);
    await client.connect(transport());
    expect(client.getNegotiatedProtocolVersion()).toBe(MODERN);

    const tools = await client.listTools();
    expect(tools.tools.map((t) => t.name).sort()).toEqual(FX_TOOLS.split(',').map((t) => `fx__${t}`).sort());
    expect(tools).toMatchObject({ ttlMs: 0, cacheScope: 'private' });

    const progress: number[] = [];
    expect(textOf(await client.callTool({ name: 'fx__sleep', arguments: { ms: 100, steps: 2 } }, { onprogress: (p) => progress.push(p.progress) }))).toBe('slept 100ms');
    expect(progress).toEqual([1, 2]);

    expect(JSON.parse(textOf(await client.callTool({ name: 'fx__ask_twice', arguments: {} })))).toEqual(['re: first?', 're: second, after re: first??']);
    expect(asked).toEqual(['first?', 'second, after re: first??']);

    const changed: string[] = [];
    client.setNotificationHandler('notifications/tools/list_changed', async () => void changed.push('tools'));
    const subscription = await client.listen({ toolsListChanged: true });
    await client.callTool({ name: 'fx__set_tools', arguments: { names: [...FX_TOOLS.split(','), 'later'] } });
    await eventually(() => changed.length > 0, { what: 'tools/list_changed on the stdio listen stream' });
    expect(changed).toEqual(['tools']);
    await subscription.close();

    const seen = await abortSleepAndReadCancellations(client, 200, 'no longer needed');
    expect(seen).toHaveLength(1);
  });

  it('still initializes a 2025 client on stdio', async () => {
    const client = new Client({ name: 'legacy-stdio', version: '1.0.0' }, { capabilities: {} });
    clients.push(client);
    await client.connect(transport());
    expect(client.getNegotiatedProtocolVersion()).toBe('2025-11-25');
    expect(textOf(await client.callTool({ name: 'fx__echo', arguments: { text: 'old' } }))).toBe('echo:old');
  });
});
