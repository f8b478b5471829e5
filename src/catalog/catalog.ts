/**
 * The catalog: every backend's tools, prompts, resources and templates under public names.
 *
 * It is a pure data structure: backends push their lists in with setLists(), fronts read merged
 * sections out and resolve public names back to (server, original name). Sections keep config order
 * so that merged lists and cursors are stable.
 */
import { createHash } from 'node:crypto';
import type { Prompt, Resource, ResourceTemplateType as ResourceTemplate, Tool } from '@modelcontextprotocol/client';
import type { BackendLists, ListKind } from '../backends/lists.js';
import { NameTable } from './names.js';
import { PageCache } from './page-cache.js';
import { itemKey, sortSection, type SortedSection } from './paginate.js';
import { mapCallToolResultUris, parsePublicUri, toPublicUri, toPublicUriTemplate } from './uri.js';

export interface CatalogServer {
  name: string;
  prefix: string;
}

export interface Section<T> {
  server: string;
  items: T[];
  /** The items in key order, sorted once per change of this server's list (see paginate.ts). */
  sorted?: () => SortedSection<T>;
}

export interface ResolvedName<T> {
  server: string;
  name: string;
  item: T;
}

interface ServerLists {
  prefix: string;
  original: BackendLists;
  public: BackendLists;
  /** Original tools and prompts by their backend name: resolution is on every call's path. */
  byName: { tools: Map<string, unknown>; prompts: Map<string, unknown> };
  /** Public lists in key order; an entry goes whenever that list is replaced. */
  sorted: Map<ListKind, SortedSection<unknown>>;
}

export class Catalog {
  private readonly servers = new Map<string, ServerLists>();
  private readonly order: string[] = [];
  private readonly tools: NameTable;
  private readonly prompts: NameTable;
  private readonly versions = new Map<ListKind, string>();
  /** Moves on whenever a kind's merged list may have changed: cached pages are checked against it. */
  private readonly generations = new Map<ListKind, number>();
  /** Full-view pages, per cursor codec (one per router in practice), made on first use. */
  private readonly pageCaches = new WeakMap<object, PageCache<unknown>>();

  constructor(
    readonly separator: string,
    servers: readonly CatalogServer[],
  ) {
    this.tools = new NameTable(separator);
    this.prompts = new NameTable(separator);
    for (const s of servers) this.addServer(s);
  }

  /** A server with empty lists, after the others (Router.reload adds servers through this). */
  addServer(server: CatalogServer): void {
    if (this.servers.has(server.name)) return;
    this.order.push(server.name);
    this.bump(['tools', 'prompts', 'resources', 'resourceTemplates']);
    this.servers.set(server.name, { prefix: server.prefix, original: emptyLists(), public: emptyLists(), byName: { tools: new Map(), prompts: new Map() }, sorted: new Map() });
  }

  /**
   * Forget a server and its names (Router.reload removes servers through this). Returns the kinds
   * whose public content changed: its own lists, and other servers' names it no longer collides with.
   */
  removeServer(name: string): ListKind[] {
    if (!this.servers.has(name)) return [];
    const changed = this.setLists(name, emptyLists());
    this.servers.delete(name);
    this.order.splice(this.order.indexOf(name), 1);
    this.bump(['tools', 'prompts', 'resources', 'resourceTemplates']);
    this.tools.removeServer(name);
    this.prompts.removeServer(name);
    return changed;
  }

  serverNames(): readonly string[] {
    return this.order;
  }

  prefixOf(server: string): string | undefined {
    return this.servers.get(server)?.prefix;
  }

  /** Replace a backend's lists; returns the kinds whose public content actually changed. */
  setLists(server: string, lists: Partial<BackendLists>): ListKind[] {
    const entry = this.servers.get(server);
    if (!entry) throw new Error(`catalog: unknown server "${server}"`);
    const changed: ListKind[] = [];
    const original = { ...entry.original, ...lists };
    const pub = { ...entry.public };
    if (lists.tools) {
      const names = this.tools.setServer(server, entry.prefix, lists.tools.map((t) => t.name));
      pub.tools = lists.tools.map((t) => ({ ...t, name: names.get(t.name) ?? t.name }));
    }
    if (lists.prompts) {
      const names = this.prompts.setServer(server, entry.prefix, lists.prompts.map((p) => p.name));
      pub.prompts = lists.prompts.map((p) => ({ ...p, name: names.get(p.name) ?? p.name }));
    }
    if (lists.resources) pub.resources = lists.resources.map((r) => ({ ...r, uri: toPublicUri(entry.prefix, r.uri) }));
    if (lists.resourceTemplates) {
      pub.resourceTemplates = lists.resourceTemplates.map((t) => ({ ...t, uriTemplate: toPublicUriTemplate(entry.prefix, t.uriTemplate) }));
    }
    for (const kind of Object.keys(lists) as ListKind[]) {
      if (JSON.stringify(entry.public[kind]) !== JSON.stringify(pub[kind])) changed.push(kind);
    }
    entry.original = original;
    entry.public = pub;
    for (const kind of Object.keys(lists) as ListKind[]) entry.sorted.delete(kind);
    this.bump(Object.keys(lists) as ListKind[]);
    if (lists.tools) entry.byName.tools = new Map(lists.tools.map((t) => [t.name, t]));
    if (lists.prompts) entry.byName.prompts = new Map(lists.prompts.map((p) => [p.name, p]));
    // A new name can push another server's colliding name to its hashed form (see NameTable).
    if (lists.tools && this.renameOthers('tools', this.tools, server) && !changed.includes('tools')) changed.push('tools');
    if (lists.prompts && this.renameOthers('prompts', this.prompts, server) && !changed.includes('prompts')) changed.push('prompts');
    for (const kind of changed) this.versions.delete(kind);
    return changed;
  }

  private renameOthers(kind: 'tools' | 'prompts', table: NameTable, except: string): boolean {
    let renamed = false;
    for (const other of table.changedByLastUpdate()) {
      const entry = this.servers.get(other);
      if (!entry || other === except) continue;
      const items = entry.original[kind] as Array<{ name: string }>;
      entry.public = { ...entry.public, [kind]: items.map((i) => ({ ...i, name: table.publicFor(other, i.name) ?? i.name })) };
      entry.sorted.delete(kind);
      this.bump([kind]);
      renamed = true;
    }
    return renamed;
  }

  private bump(kinds: readonly ListKind[]): void {
    for (const kind of kinds) this.generations.set(kind, (this.generations.get(kind) ?? 0) + 1);
  }

  /** The cache of full-view pages made with `codec` (whose cursors those pages hold). */
  pageCache<P>(codec: object): PageCache<P> {
    let cache = this.pageCaches.get(codec);
    if (!cache) {
      cache = new PageCache((kind) => this.generations.get(kind) ?? 0);
      this.pageCaches.set(codec, cache);
    }
    return cache as PageCache<P>;
  }

  /** Merged public items of one kind, one section per server in config order. */
  sections<K extends ListKind>(kind: K): Section<BackendLists[K][number]>[] {
    return this.order.map((server) => {
      const entry = this.servers.get(server)!;
      const items = entry.public[kind] as BackendLists[K][number][];
      return { server, items, sorted: () => this.sortedOf(entry, kind) as SortedSection<BackendLists[K][number]> };
    });
  }

  private sortedOf(entry: ServerLists, kind: ListKind): SortedSection<unknown> {
    let sorted = entry.sorted.get(kind);
    if (!sorted) {
      sorted = sortSection<unknown>(entry.public[kind], (item) => itemKey(kind, item));
      entry.sorted.set(kind, sorted);
    }
    return sorted;
  }

  all<K extends ListKind>(kind: K): BackendLists[K][number][] {
    return this.sections(kind).flatMap((s) => s.items);
  }

  /** A short digest of a merged list: fronts compare it to decide whether list_changed is due. */
  version(kind: ListKind): string {
    let v = this.versions.get(kind);
    if (v === undefined) {
      v = createHash('sha1').update(JSON.stringify(this.all(kind))).digest('base64url').slice(0, 16);
      this.versions.set(kind, v);
    }
    return v;
  }

  resolveTool(publicName: string): ResolvedName<Tool> | undefined {
    return this.resolveIn(this.tools, 'tools', publicName);
  }

  resolvePrompt(publicName: string): ResolvedName<Prompt> | undefined {
    return this.resolveIn(this.prompts, 'prompts', publicName);
  }

  private resolveIn<K extends 'tools' | 'prompts'>(table: NameTable, kind: K, publicName: string): ResolvedName<BackendLists[K][number]> | undefined {
    const hit = table.resolve(publicName);
    if (!hit) return undefined;
    const item = this.servers.get(hit.server)?.byName[kind].get(hit.name);
    return item ? { server: hit.server, name: hit.name, item: item as BackendLists[K][number] } : undefined;
  }

  /**
   * Which backend owns a public URI. Prefixed URIs name their server; a server with an empty prefix
   * (no namespace) owns every URI that carries no known prefix.
   */
  resolveUri(publicUri: string): { server: string; uri: string } | undefined {
    const parsed = parsePublicUri(publicUri);
    if (parsed) {
      const server = this.order.find((s) => this.servers.get(s)!.prefix === parsed.prefix);
      if (server) return { server, uri: parsed.uri };
    }
    const unprefixed = this.order.find((s) => this.servers.get(s)!.prefix === '');
    return unprefixed ? { server: unprefixed, uri: publicUri } : undefined;
  }

  /** The function that maps one backend's URIs to public ones, for rewriting results. */
  uriMapper(server: string): (uri: string) => string {
    const prefix = this.servers.get(server)?.prefix ?? '';
    return (uri) => toPublicUri(prefix, uri);
  }

  /** A tools/call (or tasks/result) result with the backend's URIs made public (uncopied when none). */
  mapToolResult<T extends object>(server: string, result: T): T {
    return mapCallToolResultUris(result, this.uriMapper(server));
  }

  publicToolNames(): string[] {
    return this.all('tools').map((t) => t.name);
  }

  publicPromptNames(): string[] {
    return this.all('prompts').map((p) => p.name);
  }
}

export type { Tool, Prompt, Resource, ResourceTemplate };

function emptyLists(): BackendLists {
  return { tools: [], prompts: [], resources: [], resourceTemplates: [] };
}
