/**
 * workspaces.NAME.allow: which workspace a principal gets by default (roots, then "default", then
 * the first allowed in file order, never the whole catalog while any workspace is restricted), what
 * /w/NAME/ refuses, and what a reload does to a session whose claims lost its workspace.
 */
import type { Tool } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import { Catalog } from '../../src/catalog/catalog.js';
import { CursorCodec } from '../../src/catalog/cursor.js';
import { FullView, type CatalogView } from '../../src/catalog/view.js';
import { configFromServers, makeServerConfig } from '../../src/config/defaults.js';
import type { WorkspaceConfig } from '../../src/config/types.js';
import { SwitchboardError } from '../../src/errors/index.js';
import { silentLogger } from '../../src/log.js';
import type { Principal } from '../../src/util/principal.js';
import { allowsPrincipal } from '../../src/workspace/allow.js';
import { UsageStore } from '../../src/workspace/usage.js';
import { WorkspaceView } from '../../src/workspace/workspace-view.js';
import { Workspaces } from '../../src/workspace/workspaces.js';

const tool = (name: string): Tool => ({ name, inputSchema: { type: 'object' } });
const who = (sub: string, groups: string[] = [], scope: string[] = []): Principal => ({ sub, groups, scope });
const ws = (name: string, extra: Partial<WorkspaceConfig> = {}): WorkspaceConfig => ({ name, exclude: [], pin: [], overrides: {}, ...extra });

function setup(workspaces: WorkspaceConfig[]) {
  const servers = ['a', 'b', 'c'].map((n) => makeServerConfig(n, { kind: 'stdio', command: 'x', args: [], env: {} }));
  const catalog = new Catalog('__', servers);
  for (const s of servers) catalog.setLists(s.name, { tools: [tool('t')] });
  const config = configFromServers(servers, { workspaces });
  const all = new Workspaces({ catalog, codec: new CursorCodec(Buffer.alloc(32, 2)), config, log: silentLogger(), usage: new UsageStore(undefined, { log: silentLogger() }) });
  return { all, config };
}

const nameOf = (view: CatalogView) => (view instanceof WorkspaceView ? view.name : view instanceof FullView ? '(all)' : '?');
const toolsOf = (view: CatalogView) => view.toolNames();
const codeOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return err instanceof SwitchboardError ? [err.code, err.httpStatus] : ['not a SwitchboardError'];
  }
  return ['no error'];
};

describe('allowsPrincipal', () => {
  it('admits by any listed value of any listed claim; no allow admits everyone', () => {
    const allow = { sub: ['ann'], groups: ['ops'], scope: ['mcp:admin'] };
    expect(allowsPrincipal(allow, who('ann'))).toBe(true);
    expect(allowsPrincipal(allow, who('bo', ['dev', 'ops']))).toBe(true);
    expect(allowsPrincipal(allow, who('bo', [], ['mcp', 'mcp:admin']))).toBe(true);
    expect(allowsPrincipal(allow, who('bo', ['dev'], ['mcp']))).toBe(false);
    expect(allowsPrincipal({}, who('bo'))).toBe(false);
    expect(allowsPrincipal(undefined, who('bo'))).toBe(true);
  });
});

describe('Workspaces with principals', () => {
  const config = [
    ws('ops', { servers: ['a'], allow: { groups: ['ops'] } }),
    ws('dev', { servers: ['b'], allow: { groups: ['dev'] }, roots: ['file:///src/**'] }),
    ws('default', { servers: ['c'], allow: { groups: ['everyone'] } }),
  ];

  it('picks "default" when allowed, else the first allowed in file order, else refuses with 403', () => {
    const { all } = setup(config);
    expect(nameOf(all.initialView(who('x', ['dev', 'everyone'])))).toBe('default');
    expect(nameOf(all.initialView(who('x', ['dev', 'ops'])))).toBe('ops');
    expect(toolsOf(all.initialView(who('x', ['dev'])))).toEqual(['b__t']);
    expect(codeOf(() => all.initialView(who('x', ['nobody'])))).toEqual(['SB_WORKSPACE_FORBIDDEN', 403]);
  });

  it('never gives a principal the whole catalog while a workspace is restricted, but does without one', () => {
    const { all } = setup([ws('open-a', { servers: ['a'] }), ws('closed', { servers: ['b'], allow: { sub: ['boss'] } })]);
    expect(nameOf(all.initialView(who('x')))).toBe('open-a');
    expect(nameOf(all.initialView())).toBe('(all)');
    const unrestricted = setup([ws('open-a', { servers: ['a'] })]).all;
    expect(nameOf(unrestricted.initialView(who('x')))).toBe('(all)');
  });

  it('lets roots choose only among allowed workspaces', () => {
    const { all } = setup(config);
    const forOps = all.initialView(who('x', ['ops']));
    // dev's roots match, but ops may not use dev: no move.
    expect(forOps.selectByRoots?.(['file:///src/app'])).toBeUndefined();
    const forBoth = all.initialView(who('x', ['ops', 'dev']));
    expect(nameOf(forBoth.selectByRoots!(['file:///src/app'])!)).toBe('dev');
  });

  it('refuses /w/NAME/ of a workspace the claims do not allow (403) and lists only allowed names for unknown ones', () => {
    const { all } = setup(config);
    expect(codeOf(() => all.pathView('ops', who('x', ['dev'])))).toEqual(['SB_WORKSPACE_FORBIDDEN', 403]);
    expect(all.pathRefusal('nope', who('x', ['dev']))?.message).toMatch(/known workspaces: dev$/);
    expect(nameOf(all.pathView('dev', who('x', ['dev'])))).toBe('dev');
    expect(all.pathRefusal('ops')).toBeUndefined();
  });

  it('moves a session whose claims lost its workspace on reload, to nothing when nothing is left', () => {
    const { all, config: routerConfig } = setup(config);
    const view = all.pathView('ops', who('x', ['ops', 'dev']));
    const lonely = all.pathView('ops', who('y', ['ops']));
    all.reload({ ...routerConfig, workspaces: config.map((w) => (w.name === 'ops' ? { ...w, allow: { groups: ['admins'] } } : w)) });
    expect(nameOf(all.refreshView(view)!)).toBe('dev');
    const emptied = all.refreshView(lonely)!;
    expect([nameOf(emptied), toolsOf(emptied)]).toEqual(['(none)', []]);
    // Still allowed and unchanged: the session keeps its view.
    expect(all.refreshView(all.pathView('dev', who('z', ['dev'])))).toBeUndefined();
  });
});
