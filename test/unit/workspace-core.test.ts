/**
 * Workspaces without any backend: globs, selection by roots, scope and overrides, the boundary a
 * WorkspaceView enforces, maxTools ordering, search activation, usage persistence, config checks.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Tool } from '@modelcontextprotocol/client';
import { Catalog } from '../../src/catalog/catalog.js';
import { CursorCodec } from '../../src/catalog/cursor.js';
import { configFromServers, makeServerConfig } from '../../src/config/defaults.js';
import { parseConfig } from '../../src/config/index.js';
import type { WorkspaceConfig } from '../../src/config/types.js';
import { silentLogger } from '../../src/log.js';
import { GlobSet, globToRegExp } from '../../src/workspace/glob.js';
import { matchRoots, selectWorkspace } from '../../src/workspace/select.js';
import { UsageStore, usageFilePath } from '../../src/workspace/usage.js';
import { configWarnings } from '../../src/workspace/warnings.js';
import { Workspace } from '../../src/workspace/workspace.js';
import { WorkspaceView } from '../../src/workspace/workspace-view.js';

const tmp = mkdtempSync(join(tmpdir(), 'sb-ws-unit-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const tool = (name: string, description: string, required: string[] = []): Tool => ({
  name,
  description,
  inputSchema: { type: 'object', properties: Object.fromEntries(required.map((r) => [r, { type: 'string' }])), required },
});

function setup(ws: Partial<WorkspaceConfig>, search = { autoThreshold: 60, maxActive: 2 }) {
  const servers = [makeServerConfig('gh', { kind: 'stdio', command: 'x', args: [], env: {} }, { tags: ['code'] }), makeServerConfig('db', { kind: 'stdio', command: 'x', args: [], env: {} }, { tags: ['data'] })];
  const catalog = new Catalog('__', servers);
  catalog.setLists('gh', {
    tools: [tool('create_issue', 'Create a GitHub issue', ['repo', 'title']), tool('delete_repo', 'Delete a repository'), tool('list_prs', 'List pull requests'), tool('search_code', 'Search code in repositories')],
    prompts: [{ name: 'review' }],
    resources: [{ uri: 'gh://readme', name: 'readme' }],
  });
  catalog.setLists('db', { tools: [tool('query', 'Run a SQL query'), tool('sleep', 'Wait a while')], resources: [{ uri: 'db://schema', name: 'schema' }] });
  const usage = new UsageStore(undefined, { log: silentLogger() });
  const config: WorkspaceConfig = { name: 'w', exclude: [], pin: [], overrides: {}, ...ws };
  const workspace = new Workspace(config, { catalog, servers, search, usage });
  const view = new WorkspaceView(workspace, { codec: new CursorCodec(Buffer.alloc(32, 1)), pageSize: 100 });
  return { catalog, workspace, view, usage, servers };
}

const names = (view: WorkspaceView) => (view.page('tools').items as Tool[]).map((t) => t.name);

describe('globs and roots', () => {
  it('matches * ? ** and a directory against dir/**', () => {
    expect(new GlobSet(['gh__*']).matches('gh__create_issue')).toBe(true);
    expect(new GlobSet(['gh__???']).matches('gh__abc')).toBe(true);
    expect(globToRegExp('file:///src/*').test('file:///src/a/b')).toBe(false);
    expect(globToRegExp('file:///src/**').test('file:///src/a/b')).toBe(true);
    expect(globToRegExp('file:///src/api/**').test('file:///src/api')).toBe(true);
    expect(globToRegExp('a.b').test('axb')).toBe(false);
  });

  it('selects the most specific roots match, and flag > env > path > roots > default', () => {
    const ws = [
      { name: 'src', exclude: [], pin: [], overrides: {}, roots: ['file:///home/me/src/**'] },
      { name: 'api', exclude: [], pin: [], overrides: {}, roots: ['file:///home/me/src/api/**'] },
      { name: 'default', exclude: [], pin: [], overrides: {} },
    ];
    expect(matchRoots(ws, ['file:///home/me/src/api/'])).toBe('api');
    expect(matchRoots(ws, ['file:///home/me/src/web'])).toBe('src');
    expect(selectWorkspace(ws, { flag: 'src', env: 'api', roots: ['file:///home/me/src/api'] })).toEqual({ name: 'src', source: 'flag' });
    expect(selectWorkspace(ws, { env: 'api', path: 'src' })).toEqual({ name: 'api', source: 'env' });
    expect(selectWorkspace(ws, { roots: ['file:///elsewhere'] })).toEqual({ name: 'default', source: 'default' });
    expect(() => selectWorkspace(ws, { path: 'nope' })).toThrow(/unknown workspace "nope"; known workspaces: src, api, default/);
  });
});

describe('WorkspaceView', () => {
  it('filters by tags and globs (exclude wins) and applies overrides', () => {
    const { view } = setup({
      tags: ['code'],
      include: ['gh__*'],
      exclude: ['gh__list_*'],
      overrides: { gh__create_issue: { name: 'new_issue', description: 'File an issue in our repo', defaults: { repo: 'me/app' } }, gh__delete_repo: { hidden: true } },
    });
    expect(names(view)).toEqual(['new_issue', 'gh__search_code']);
    const listed = (view.page('tools').items as Tool[])[0]!;
    expect(listed.description).toBe('File an issue in our repo');
    expect(listed.inputSchema.required).toEqual(['title']);
    expect((listed.inputSchema.properties as Record<string, { default?: unknown }>).repo!.default).toBe('me/app');
    expect(view.resolveTool('new_issue')).toEqual({ server: 'gh', name: 'create_issue', defaults: { repo: 'me/app' }, onCall: expect.any(Function) });
    // The boundary: hidden, renamed-away, out-of-scope and excluded names do not resolve, and say why.
    for (const n of ['gh__delete_repo', 'gh__create_issue', 'db__query', 'gh__list_prs']) expect(view.resolveTool(n)).toBeUndefined();
    expect(view.refusal('tool', 'gh__create_issue')?.message).toMatch(/called "new_issue"/);
    expect(view.refusal('tool', 'gh__delete_repo')).toMatchObject({ code: 'SB_OUTSIDE_WORKSPACE' });
    expect(view.refusal('tool', 'no_such_tool')).toBeUndefined();
    expect(view.resolveUri('sb://db/db://schema')).toBeUndefined();
    expect(view.refusal('resource', 'sb://db/db://schema')).toMatchObject({ code: 'SB_OUTSIDE_WORKSPACE' });
    expect(view.resolveUri('sb://gh/gh://readme')).toEqual({ server: 'gh', uri: 'gh://readme' });
    expect(view.page('resources').items).toEqual([expect.objectContaining({ name: 'readme' })]);
    expect(view.promptNames()).toEqual(['gh__review']); // include/exclude apply to prompts too
  });

  it('caps at maxTools: pinned, then used, then relevant to the context', () => {
    const { view, workspace, usage } = setup({ maxTools: 3, pin: ['db__sleep'], context: 'pull requests review' });
    usage.record('w', 'gh__search_code');
    const fresh = new WorkspaceView(workspace, { codec: new CursorCodec(Buffer.alloc(32, 1)), pageSize: 100 });
    expect(names(fresh)).toEqual(['db__sleep', 'gh__search_code', 'gh__list_prs']);
    // The first view took its usage snapshot before the call: its list does not move mid-session.
    expect(names(view).slice(0, 2)).toEqual(['db__sleep', 'gh__list_prs']);
    expect(fresh.resolveTool('db__query')).toBeUndefined();
    expect(fresh.refusal('tool', 'db__query')?.message).toMatch(/maxTools/);
  });

  it('counts a call when it is sent, not when its name is resolved', () => {
    const { view, usage } = setup({});
    const target = view.resolveTool('gh__list_prs')!;
    view.resolveTool('gh__list_prs'); // a call resolved twice on its way (fast path, then handler)
    expect(usage.snapshot('w').get('gh__list_prs')).toBeUndefined();
    target.onCall!();
    expect(usage.snapshot('w').get('gh__list_prs')?.count).toBe(1);
  });

  it('search mode: pinned + meta tools, search activates (bounded LRU), version follows the list', async () => {
    const { view, catalog } = setup({ search: true, pin: ['db__query'] });
    expect(names(view)).toEqual(['search_tools', 'call_tool', 'db__query']);
    const v0 = view.version('tools');
    const host = { listsChanged: vi.fn(), callTool: vi.fn() };
    const search = view.resolveTool('search_tools')!;
    const result = (await search.local!({ query: 'github issue', limit: 1 }, host)) as { structuredContent: { tools: Tool[] } };
    expect(result.structuredContent.tools.map((t) => t.name)).toEqual(['gh__create_issue']);
    expect(host.listsChanged).toHaveBeenCalledWith(['tools']);
    expect(host.callTool).not.toHaveBeenCalled();
    expect(names(view)).toContain('gh__create_issue');
    expect(view.version('tools')).not.toBe(v0);
    // Every workspace tool resolves in search mode (call_tool reaches them), searched or not.
    expect(view.resolveTool('gh__list_prs')).toMatchObject({ server: 'gh', name: 'list_prs' });
    const scope = view.workspace.tools();
    view.activate([scope.byName.get('gh__list_prs')!, scope.byName.get('db__sleep')!]);
    expect(names(view)).toEqual(['search_tools', 'call_tool', 'db__query', 'gh__list_prs', 'db__sleep']);
    // A backend change outside the visible list leaves the version alone.
    const v1 = view.version('tools');
    catalog.setLists('gh', { tools: [...catalog.sections('tools')[0]!.items.map((t) => ({ ...t, name: t.name.replace('gh__', '') })), tool('extra', 'x')] });
    expect(view.version('tools')).toBe(v1);
  });
});

describe('usage store', () => {
  it('persists atomically, merges with other processes, and survives a corrupt file', () => {
    const file = join(tmp, 'state', 'usage.json');
    const a = new UsageStore(file, { log: silentLogger() });
    a.record('api', 'gh__x');
    a.flush();
    const b = new UsageStore(file, { log: silentLogger() });
    b.record('api', 'gh__x');
    b.flush();
    a.record('api', 'gh__x');
    a.close();
    expect(JSON.parse(readFileSync(file, 'utf8')).workspaces.api.gh__x.count).toBe(3);
    writeFileSync(file, '{oops');
    const warn = vi.fn();
    const c = new UsageStore(file, { log: { ...silentLogger(), warn } as never });
    expect(c.snapshot('api').size).toBe(0);
    expect(warn).toHaveBeenCalled();
    expect(usageFilePath({ SWITCHBOARD_STATE_DIR: '/s' })).toBe('/s/usage.json');
    expect(usageFilePath({ XDG_STATE_HOME: '/x' }, 'linux', '/h')).toBe('/x/mcp-switchboard/usage.json');
    expect(usageFilePath({}, 'linux', '/h')).toBe('/h/.local/state/mcp-switchboard/usage.json');
    expect(usageFilePath({}, 'darwin', '/h')).toBe('/h/Library/Application Support/mcp-switchboard/usage.json');
  });
});

describe('workspace config checks', () => {
  it('an unknown server in a workspace is a load error naming the field', () => {
    expect(() => parseConfig('servers:\n  gh:\n    command: x\nworkspaces:\n  api:\n    servers: [gh, nope]\n', { env: {}, baseDir: tmp })).toThrow(/workspaces\.api\.servers\[1\]: unknown server "nope"; known: gh/);
  });

  it('globs that match nothing and overrides of unknown tools are warnings naming the field', () => {
    const { workspace, servers } = setup({ servers: ['gh'], include: ['gh__*', 'zz*'], pin: ['db__query'], tags: ['code', 'nope'], overrides: { gh__gone: { hidden: true } } });
    const paths = configWarnings(workspace, servers).map((w) => w.path);
    expect(paths).toEqual(['workspaces.w.tags[1]', 'workspaces.w.include[1]', 'workspaces.w.pin[0]', 'workspaces.w.overrides.gh__gone']);
    expect(configFromServers(servers).workspaces).toEqual([]);
  });
});
