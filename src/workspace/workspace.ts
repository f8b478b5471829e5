/**
 * One configured workspace, shared by every session that uses it: its scope over the live catalog
 * (rebuilt only when the catalog's tool list changes) and its search index (re-indexed per backend,
 * only for the backends whose tools changed). Per-session state (activated tools, the client's
 * roots) lives in WorkspaceView.
 */
import type { Prompt, Tool } from '@modelcontextprotocol/client';
import { LRUCache } from 'lru-cache';
import type { Catalog, Section } from '../catalog/catalog.js';
import type { SearchConfig, ServerConfig, WorkspaceConfig } from '../config/types.js';
import { ToolSearchIndex } from './search/index.js';
import { GlobSet } from './glob.js';
import { buildToolScope, filterPrompts, nameFilter, scopeServers, type NameFilter, type ScopedTool, type ToolScope } from './scope.js';
import type { UsageStore } from './usage.js';

export interface WorkspaceDeps {
  catalog: Catalog;
  servers: readonly ServerConfig[];
  search: SearchConfig;
  usage: UsageStore;
}

/** Relevance orders kept per workspace (one per distinct context + roots query; clients' roots vary without end). */
const RELEVANCE_CACHE = 8;

export class Workspace {
  readonly name: string;
  readonly servers: ReadonlySet<string>;
  readonly filter: NameFilter;
  readonly pin: GlobSet;
  private toolCache?: { version: string; scope: ToolScope; sections: Map<string, readonly Tool[]> };
  private promptCache?: { version: string; sections: Section<Prompt>[] };
  private index?: ToolSearchIndex;
  /** Per backend: the catalog section and listed names last indexed (a rename may depend on other backends). */
  private readonly indexed = new Map<string, { items: readonly Tool[]; names: string }>();
  private indexedScope?: ToolScope;
  private readonly relevanceCache = new LRUCache<string, string[]>({ max: RELEVANCE_CACHE });

  constructor(
    readonly config: WorkspaceConfig,
    private readonly deps: WorkspaceDeps,
  ) {
    this.name = config.name;
    this.servers = scopeServers(config, deps.servers);
    this.filter = nameFilter(config);
    this.pin = new GlobSet(config.pin);
  }

  get catalog(): Catalog {
    return this.deps.catalog;
  }

  get maxActive(): number {
    return this.deps.search.maxActive;
  }

  tools(): ToolScope {
    const version = this.deps.catalog.version('tools');
    if (this.toolCache?.version !== version) {
      const sections = this.deps.catalog.sections('tools');
      this.toolCache = {
        version,
        scope: buildToolScope(sections, this.servers, this.filter, this.config.overrides),
        sections: new Map(sections.map((s) => [s.server, s.items])),
      };
    }
    return this.toolCache.scope;
  }

  prompts(): Section<Prompt>[] {
    const version = this.deps.catalog.version('prompts');
    if (this.promptCache?.version !== version) this.promptCache = { version, sections: filterPrompts(this.deps.catalog.sections('prompts'), this.servers, this.filter) };
    return this.promptCache.sections;
  }

  /**
   * `search: true` always; `search: false` never; unset: once the workspace holds more tools than
   * search.autoThreshold (0 turns the automatic switch off).
   */
  searchMode(): boolean {
    if (this.config.search !== undefined) return this.config.search;
    const threshold = this.deps.search.autoThreshold;
    return threshold > 0 && this.tools().list.length > threshold;
  }

  search(query: string, limit: number): ScopedTool[] {
    const scope = this.tools();
    return this.syncSearchIndex()
      .search(query, { limit })
      .flatMap((r) => scope.byName.get(r.name) ?? []);
  }

  /** Workspace tool names by relevance to the workspace's context plus `extra` words (roots). */
  relevance(extra: readonly string[] = []): string[] {
    const query = [this.config.context ?? '', ...extra].join(' ').trim();
    if (!query) return [];
    const key = `${this.deps.catalog.version('tools')}\u0000${query}`;
    let names = this.relevanceCache.get(key);
    if (!names) {
      names = this.syncSearchIndex()
        .search(query, { limit: this.tools().list.length })
        .map((r) => r.name);
      this.relevanceCache.set(key, names);
    }
    return names;
  }

  recordCall(tool: ScopedTool): void {
    this.deps.usage.record(this.name, tool.catalogName);
  }

  usageSnapshot() {
    return this.deps.usage.snapshot(this.name);
  }

  /**
   * The index, brought up to date incrementally: only backends whose tool section changed are
   * re-indexed. Views call it as soon as a backend's new list reaches them, so that work is done
   * then rather than by the next search.
   */
  syncSearchIndex(): ToolSearchIndex {
    const scope = this.tools();
    this.index ??= new ToolSearchIndex();
    if (this.indexedScope === scope) return this.index;
    const sections = this.toolCache!.sections;
    const byServer = new Map<string, ScopedTool[]>();
    for (const t of scope.list) {
      let list = byServer.get(t.server);
      if (!list) byServer.set(t.server, (list = []));
      list.push(t);
    }
    for (const server of new Set([...this.indexed.keys(), ...this.servers])) {
      const items = sections.get(server);
      const names = (byServer.get(server) ?? []).map((t) => t.name).join('\n');
      const last = this.indexed.get(server);
      if (items !== undefined && last?.items === items && last.names === names) continue;
      const config = this.deps.servers.find((s) => s.name === server);
      const tools = byServer.get(server);
      if (!tools) this.index.removeServer(server);
      else {
        this.index.replaceServer(
          server,
          tools.map((t) => ({
            name: t.name,
            ...(t.tool.title !== undefined && { title: t.tool.title }),
            ...(t.tool.description !== undefined && { description: t.tool.description }),
            inputSchema: t.tool.inputSchema,
            ...(config?.description !== undefined && { serverDescription: config.description }),
            ...(config?.tags.length && { tags: config.tags }),
          })),
        );
      }
      if (items === undefined) this.indexed.delete(server);
      else this.indexed.set(server, { items, names });
    }
    this.indexedScope = scope;
    return this.index;
  }
}
