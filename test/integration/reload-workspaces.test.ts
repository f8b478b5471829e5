/**
 * Reloading workspaces in-process: the real ConfigReloader over a temp router.yaml, a Router with
 * stdio fixture backends, Workspaces, and SDK clients over in-memory pairs, one per workspace.
 * A session whose workspace changed gets its new definition; one whose workspace went away falls
 * back to the default view; one whose workspace is untouched hears nothing.
 */
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { ConfigReloader } from '../../src/cli/reload.js';
import { loadConfig } from '../../src/config/index.js';
import type { CatalogView } from '../../src/catalog/view.js';
import { SwitchboardError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { UsageStore } from '../../src/workspace/usage.js';
import { Workspaces } from '../../src/workspace/workspaces.js';
import { q, tempDir } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

function serverYaml(name: string, tools: string[]): string {
  const fx = fixtureStdioCommand(name, ['--tools', tools.join(',')]);
  return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n`;
}

const SERVERS = `servers:\n${serverYaml('a', ['echo'])}${serverYaml('b', ['add'])}`;

interface Watched {
  client: Client;
  changes: number;
}

describe('reloading workspaces under live sessions', () => {
  const tmp = tempDir('sb-reload-ws-');
  const lines: string[] = [];
  let path: string;
  let router: Router;
  let workspaces: Workspaces;
  let reloader: ConfigReloader;
  const sessions: Record<'narrow' | 'doomed' | 'plain', Watched> = {} as never;

  async function open(view: CatalogView): Promise<Watched> {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    await router.connect(serverSide, view);
    const watched: Watched = { client: new Client({ name: 'reload-ws', version: '1.0.0' }, { capabilities: {} }), changes: 0 };
    watched.client.setNotificationHandler('notifications/tools/list_changed', () => void watched.changes++);
    await watched.client.connect(clientSide);
    return watched;
  }

  const tools = async (w: Watched) => (await w.client.listTools()).tools.map((t) => t.name).sort();

  beforeAll(async () => {
    path = tmp.write('router.yaml', `${SERVERS}workspaces:\n  default: { servers: [a] }\n  narrow: { servers: [a] }\n  doomed: { servers: [b] }\n`);
    const { config } = await loadConfig({ path, env: process.env, cwd: tmp.dir });
    router = new Router(config, { log: silentLogger(), retryDelaysMs: [600_000] });
    workspaces = new Workspaces({ catalog: router.catalog, codec: router.cursorCodec, config, log: silentLogger(), usage: new UsageStore(undefined, { log: silentLogger() }) });
    reloader = new ConfigReloader({ path, env: process.env, withFlags: (c) => c, router, workspaces, write: (line) => lines.push(line) });
    await router.start();
    sessions.narrow = await open(workspaces.pathView('narrow'));
    sessions.doomed = await open(workspaces.pathView('doomed'));
    sessions.plain = await open(workspaces.initialView());
    expect(await tools(sessions.narrow)).toEqual(['a__echo']);
    expect(await tools(sessions.doomed)).toEqual(['b__add']);
    expect(await tools(sessions.plain)).toEqual(['a__echo']);
  });

  afterAll(async () => {
    await Promise.all(Object.values(sessions).map((s) => s.client.close()));
    await router?.close();
    tmp.remove();
  });

  it('rebuilds changed workspaces, moves sessions off removed ones, and leaves the rest alone', async () => {
    const before = { narrow: sessions.narrow.changes, doomed: sessions.doomed.changes, plain: sessions.plain.changes };
    writeFileSync(path, `${SERVERS}workspaces:\n  default: { servers: [a] }\n  narrow: { servers: [a, b] }\n`);
    await reloader.request('SIGHUP');
    expect(lines).toEqual([`mcp-switchboard: reloaded ${path} (SIGHUP): servers 0 added, 0 removed, 0 changed, 2 unchanged; workspaces 0 added, 1 removed (doomed), 1 changed (narrow), 1 unchanged`]);

    // The changed workspace: its new definition, announced.
    await eventually(() => sessions.narrow.changes > before.narrow, { what: 'list_changed for narrow' });
    expect(await tools(sessions.narrow)).toEqual(['a__echo', 'b__add']);
    // The removed workspace: the default view, announced.
    await eventually(() => sessions.doomed.changes > before.doomed, { what: 'list_changed for the fallback' });
    expect(await tools(sessions.doomed)).toEqual(['a__echo']);
    // Untouched: nothing sent. The list answer comes after anything sent to it before, on the same pipe.
    expect(await tools(sessions.plain)).toEqual(['a__echo']);
    expect(sessions.plain.changes).toBe(before.plain);
    // URLs follow the new config too.
    expect(workspaces.pathRefusal('doomed')?.message).toBe('the URL path: unknown workspace "doomed"; known workspaces: default, narrow');
  });

  it('an added server reaches the workspaces that take every server, and only the sessions that see it hear of it', async () => {
    const before = { narrow: sessions.narrow.changes, plain: sessions.plain.changes };
    writeFileSync(path, `${SERVERS}${serverYaml('c', ['echo'])}workspaces:\n  default: { servers: [a] }\n  narrow: { exclude: ["b__*"] }\n`);
    await reloader.request('SIGHUP');
    expect(lines.at(-1)).toContain('servers 1 added (c), 0 removed, 0 changed, 2 unchanged; workspaces 0 added, 0 removed, 1 changed (narrow), 1 unchanged');
    await eventually(async () => (await tools(sessions.narrow)).join() === 'a__echo,c__echo', { what: 'c in the narrow workspace' });
    expect(sessions.narrow.changes).toBeGreaterThan(before.narrow);
    expect(await tools(sessions.plain)).toEqual(['a__echo']);
    expect(sessions.plain.changes).toBe(before.plain);
  });

  it('refuses a config that drops the workspace fixed by --workspace, changing nothing', async () => {
    const { config } = await loadConfig({ path, env: process.env, cwd: tmp.dir });
    const fixed = new Workspaces({ catalog: router.catalog, codec: router.cursorCodec, config, log: silentLogger(), usage: new UsageStore(undefined, { log: silentLogger() }), flag: 'narrow' });
    const without = { ...config, workspaces: config.workspaces.filter((w) => w.name !== 'narrow') };
    expect(() => fixed.reload(without)).toThrow(SwitchboardError);
    expect(() => fixed.reload(without)).toThrow('--workspace: unknown workspace "narrow"; known workspaces: default');
    expect(fixed.names()).toEqual(['default', 'narrow']);
  });
});
