/**
 * What one session sees of a workspace, and the boundary it enforces: only listed tools resolve
 * (in search mode: every tool of the workspace, since call_tool may reach any of them), hidden and
 * out-of-scope names are refused with an error that says so, and renamed tools resolve only under
 * their new name.
 *
 * Per session: the tools search_tools activated (bounded, least recently used leave first) and a
 * snapshot of usage taken when the view was made. The snapshot keeps the list steady during a
 * session: reordering on every call would send list_changed after every call and defeat clients'
 * prompt caches; new usage shapes the next session's list.
 */
import { createHash } from 'node:crypto';
import type { Tool } from '@modelcontextprotocol/client';
import type { ListKind } from '../backends/lists.js';
import type { CursorCodec } from '../catalog/cursor.js';
import { SwitchboardError } from '../errors/index.js';
import { pageSections, type CatalogView, type Page, type ResolvedTarget } from '../catalog/view.js';
import { callToolTool, searchToolsTool } from './local-tools.js';
import type { ScopedTool } from './scope.js';
import { CALL_TOOL_NAME, SEARCH_MODE_TOOLS, SEARCH_TOOLS_NAME } from './search/index.js';
import { pinIndex, rankTools } from './trim.js';
import type { ToolUsage } from './usage.js';
import type { Workspace } from './workspace.js';
import type { Principal } from '../util/principal.js';

export interface WorkspaceViewOptions {
  codec: CursorCodec;
  pageSize: number;
  /** The client's roots when they chose this view: words from them sharpen relevance ranking. */
  roots?: readonly string[];
  /** Set when the view was chosen by default, so the client's roots may still choose another. */
  selectByRoots?: (rootUris: readonly string[]) => CatalogView | undefined;
  /** Whose claims admitted this view: a reload re-checks them against the workspace's new `allow`. */
  principal?: Principal;
}

interface Visible {
  key: string;
  tools: Tool[];
  names: Set<string>;
  version: string;
}

export class WorkspaceView implements CatalogView {
  private readonly usage: ReadonlyMap<string, ToolUsage>;
  private readonly now = Date.now();
  /** Activated tools in the order they were first activated (list order), with a last-touched tick. */
  private readonly active = new Map<string, number>();
  private tick = 0;
  private visibleCache?: Visible;
  private readonly versions = new Map<ListKind, { source: string; version: string }>();
  private readonly localTools: Map<string, NonNullable<ResolvedTarget['local']>>;
  readonly selectByRoots?: (rootUris: readonly string[]) => CatalogView | undefined;

  constructor(
    readonly workspace: Workspace,
    private readonly options: WorkspaceViewOptions,
  ) {
    this.usage = workspace.usageSnapshot();
    this.localTools = new Map([
      [SEARCH_TOOLS_NAME, searchToolsTool({ search: (q, limit) => workspace.search(q, limit), activate: (tools) => this.activate(tools) })],
      [CALL_TOOL_NAME, callToolTool],
    ]);
    if (options.selectByRoots) this.selectByRoots = options.selectByRoots;
  }

  get name(): string {
    return this.workspace.name;
  }

  get principal(): Principal | undefined {
    return this.options.principal;
  }

  /** The client roots this view was chosen by (a reload rebuilds the view with them). */
  get roots(): readonly string[] | undefined {
    return this.options.roots;
  }

  page(kind: ListKind, cursor?: string): Page {
    if (kind === 'tools') {
      const { tools } = this.visible();
      // Listed in rank order when one page holds them: clients that read only the first N tools get
      // the best N. Longer lists page per backend like the catalog, whose cursors survive changes.
      if (cursor === undefined && tools.length <= this.options.pageSize) return { items: tools };
      return pageSections('tools', groupByServer(tools, this.workspace), this.options.pageSize, this.options.codec, cursor);
    }
    return pageSections(kind, this.sections(kind), this.options.pageSize, this.options.codec, cursor);
  }

  version(kind: ListKind): string {
    if (kind === 'tools') return this.visible().version;
    // Other lists depend only on the catalog: hash the filtered list once per catalog version.
    const source = this.workspace.catalog.version(kind);
    let cached = this.versions.get(kind);
    if (cached?.source !== source) {
      cached = { source, version: hash(this.sections(kind)) };
      this.versions.set(kind, cached);
    }
    return cached.version;
  }

  resolveTool(publicName: string): ResolvedTarget | undefined {
    const search = this.workspace.searchMode();
    const local = search ? this.localTools.get(publicName) : undefined;
    if (local) return { server: '', name: publicName, local };
    const entry = this.workspace.tools().byName.get(publicName);
    if (!entry || (!search && !this.visible().names.has(publicName))) return undefined;
    const catalogHit = this.workspace.catalog.resolveTool(entry.catalogName);
    if (!catalogHit) return undefined;
    // Sent calls count for usage ordering and keep activated tools warm.
    const onCall = (): void => {
      this.workspace.recordCall(entry);
      if (this.active.has(entry.name)) this.active.set(entry.name, ++this.tick);
    };
    return { server: catalogHit.server, name: catalogHit.name, onCall, ...(entry.defaults && { defaults: entry.defaults }) };
  }

  resolvePrompt(publicName: string): ResolvedTarget | undefined {
    const hit = this.workspace.catalog.resolvePrompt(publicName);
    if (!hit || !this.workspace.prompts().some((s) => s.server === hit.server && s.items.some((p) => p.name === publicName))) return undefined;
    return { server: hit.server, name: hit.name };
  }

  resolveUri(publicUri: string) {
    const hit = this.workspace.catalog.resolveUri(publicUri);
    return hit && this.workspace.servers.has(hit.server) ? hit : undefined;
  }

  includesServer(server: string): boolean {
    return this.workspace.servers.has(server);
  }

  /** Names a call may use (for suggestions): in search mode every workspace tool resolves, listed or not. */
  toolNames(): string[] {
    if (this.workspace.searchMode()) return this.workspace.tools().list.map((t) => t.name);
    return this.visible().tools.map((t) => t.name);
  }

  promptNames(): string[] {
    return this.workspace.prompts().flatMap((s) => s.items.map((p) => p.name));
  }

  refusal(kind: 'tool' | 'prompt' | 'resource', name: string): Error | undefined {
    const ws = `workspace "${this.name}"`;
    if (kind === 'tool') {
      const scope = this.workspace.tools();
      const inScope = scope.byName.get(name);
      if (inScope) {
        const max = this.workspace.config.maxTools;
        return outside(`Tool "${name}" is in ${ws} but not among the ${max ?? ''} tools it lists (maxTools). Pin it in the workspace, or turn on search.`);
      }
      const renamed = scope.byCatalogName.get(name);
      if (renamed) return outside(`Tool "${name}" is called "${renamed.name}" in ${ws}.`);
      if (scope.hidden.has(name) || this.workspace.catalog.resolveTool(name)) return outside(`Tool "${name}" is not available in ${ws}.`);
      return undefined;
    }
    if (kind === 'prompt') return this.workspace.catalog.resolvePrompt(name) ? outside(`Prompt "${name}" is not available in ${ws}.`) : undefined;
    return this.workspace.catalog.resolveUri(name) ? outside(`Resource "${name}" belongs to a server outside ${ws}.`) : undefined;
  }

  /** Add search hits to this session's list; true when the list changed. */
  activate(tools: readonly ScopedTool[]): boolean {
    let changed = false;
    for (const t of tools) {
      if (!this.active.has(t.name)) changed = true;
      this.active.set(t.name, ++this.tick);
    }
    const max = this.workspace.maxActive;
    while (this.active.size > max) {
      // Evict the least recently touched; the list order (first activation) is left alone.
      let oldest: string | undefined;
      let oldestTick = Infinity;
      for (const [name, tick] of this.active) if (tick < oldestTick) [oldest, oldestTick] = [name, tick];
      this.active.delete(oldest!);
      changed = true;
    }
    if (changed) this.visibleCache = undefined;
    return changed;
  }

  private sections(kind: Exclude<ListKind, 'tools'>) {
    if (kind === 'prompts') return this.workspace.prompts();
    return this.workspace.catalog.sections(kind).filter((s) => this.workspace.servers.has(s.server));
  }

  /** The tools this session lists, recomputed when the catalog or the activated set changes. */
  private visible(): Visible {
    const scope = this.workspace.tools();
    const search = this.workspace.searchMode();
    const key = `${this.workspace.catalog.version('tools')}:${search}`;
    if (this.visibleCache?.key === key) return this.visibleCache;
    let entries: ScopedTool[];
    const max = this.workspace.config.maxTools;
    if (search) {
      // A backend's new list is indexed when it arrives here, not by the next search_tools call.
      this.workspace.syncSearchIndex();
      const pinned = scope.list.filter((t) => pinIndex(this.workspace.pin, t) !== -1);
      const activated = [...this.active.keys()].flatMap((n) => scope.byName.get(n) ?? []).filter((t) => !pinned.includes(t));
      entries = [...rankTools(pinned, this.rankInputs([])).slice(0, max), ...activated];
    } else if (max !== undefined && scope.list.length > max) {
      entries = rankTools(scope.list, this.rankInputs(this.workspace.relevance(rootWords(this.options.roots)))).slice(0, max);
    } else {
      entries = scope.list;
    }
    // The meta tools come first: clients that read only the first N tools must still find them.
    const tools = [...(search ? (SEARCH_MODE_TOOLS as unknown as Tool[]) : []), ...entries.map((t) => t.tool)];
    const names = new Set(entries.map((t) => t.name));
    this.visibleCache = { key, tools, names, version: hash(tools) };
    return this.visibleCache;
  }

  private rankInputs(relevance: string[]) {
    return { pin: this.workspace.pin, usage: this.usage, relevance, now: this.now };
  }
}

function outside(message: string): SwitchboardError {
  return new SwitchboardError('SB_OUTSIDE_WORKSPACE', message);
}

function hash(value: unknown): string {
  return createHash('sha1').update(JSON.stringify(value)).digest('base64url').slice(0, 16);
}

/** Path segments of root URIs ("file:///home/me/src/api" -> "api", "src"...) as ranking words. */
function rootWords(roots: readonly string[] | undefined): string[] {
  return (roots ?? []).flatMap((uri) => safeDecode(uri.replace(/^[a-z]+:\/\//i, '')).split(/[/\\]/).slice(-2)).filter(Boolean);
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function groupByServer(tools: Tool[], ws: Workspace) {
  const scope = ws.tools();
  const sections = new Map<string, Tool[]>();
  for (const t of tools) {
    // The meta tools belong to no backend: they get a section of their own ('' is never a server name).
    const server = scope.byName.get(t.name)?.server ?? '';
    let list = sections.get(server);
    if (!list) sections.set(server, (list = []));
    list.push(t);
  }
  return [...sections].map(([server, items]) => ({ server, items }));
}
