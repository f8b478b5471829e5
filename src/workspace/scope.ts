/**
 * A workspace's scope: which backends, tools and prompts it holds, and how overrides reshape them.
 * Pure functions over the catalog's sections, so they are tested without any backend.
 *
 * Globs (include/exclude/pin) and override keys use the catalog's public names, the ones the full
 * catalog lists: they do not change when an override renames a tool, so a rename never silently
 * moves a tool in or out of a workspace.
 */
import type { Prompt, Tool } from '@modelcontextprotocol/client';
import type { Section } from '../catalog/catalog.js';
import type { ServerConfig, ToolOverride, WorkspaceConfig } from '../config/types.js';
import { GlobSet } from './glob.js';

export interface ScopedTool {
  /** The name this workspace lists and resolves (an override may have renamed it). */
  name: string;
  /** The catalog's public name: the key of globs, overrides and usage. */
  catalogName: string;
  server: string;
  /** The tool as listed here: renamed, re-described, argument defaults folded into the schema. */
  tool: Tool;
  defaults?: Record<string, unknown>;
}

export interface ToolScope {
  list: ScopedTool[];
  byName: Map<string, ScopedTool>;
  byCatalogName: Map<string, ScopedTool>;
  /** Catalog names in scope but hidden by an override: never listed, never resolved. */
  hidden: Set<string>;
  /** Renames dropped because the new name was already taken (reported as config warnings). */
  collisions: string[];
}

export interface NameFilter {
  include?: GlobSet;
  exclude: GlobSet;
}

export function nameFilter(ws: WorkspaceConfig): NameFilter {
  return { ...(ws.include && { include: new GlobSet(ws.include) }), exclude: new GlobSet(ws.exclude) };
}

/** include/exclude over one public name; exclude wins. */
export function passes(filter: NameFilter, name: string): boolean {
  if (filter.exclude.matches(name)) return false;
  return !filter.include || filter.include.matches(name);
}

/** The backends a workspace draws on: `servers` and `tags` both narrow (a server must pass each given). */
export function scopeServers(ws: WorkspaceConfig, servers: readonly ServerConfig[]): Set<string> {
  return new Set(
    servers
      .filter((s) => s.enabled)
      .filter((s) => !ws.servers || ws.servers.includes(s.name))
      .filter((s) => !ws.tags || s.tags.some((t) => ws.tags!.includes(t)))
      .map((s) => s.name),
  );
}

export function buildToolScope(sections: readonly Section<Tool>[], servers: ReadonlySet<string>, filter: NameFilter, overrides: Record<string, ToolOverride>): ToolScope {
  const scope: ToolScope = { list: [], byName: new Map(), byCatalogName: new Map(), hidden: new Set(), collisions: [] };
  const candidates: Array<{ server: string; tool: Tool; override?: ToolOverride }> = [];
  for (const section of sections) {
    if (!servers.has(section.server)) continue;
    for (const tool of section.items) {
      if (!passes(filter, tool.name)) continue;
      const override = overrides[tool.name];
      if (override?.hidden) scope.hidden.add(tool.name);
      else candidates.push({ server: section.server, tool, ...(override && { override }) });
    }
  }
  // Original names are reserved first, so a rename can never take the name of another listed tool.
  const taken = new Set(candidates.map((c) => c.tool.name));
  for (const { server, tool, override } of candidates) {
    let name = tool.name;
    const wanted = override?.name;
    if (wanted && wanted !== tool.name) {
      if (taken.has(wanted)) scope.collisions.push(`${tool.name} -> ${wanted}`);
      else {
        name = wanted;
        taken.add(wanted);
        taken.delete(tool.name);
      }
    }
    const entry: ScopedTool = { name, catalogName: tool.name, server, tool: reshape(tool, name, override), ...(override?.defaults && { defaults: override.defaults }) };
    scope.list.push(entry);
    scope.byName.set(name, entry);
    scope.byCatalogName.set(tool.name, entry);
  }
  return scope;
}

/**
 * The listed form of an overridden tool. Arguments with a fixed default are no longer required (the
 * router fills them in) and carry `default` in their schema, so the model knows what it gets.
 */
function reshape(tool: Tool, name: string, override: ToolOverride | undefined): Tool {
  if (!override) return tool;
  const out: Tool = { ...tool, name };
  if (override.description !== undefined) out.description = override.description;
  const defaults = override.defaults;
  if (defaults && Object.keys(defaults).length) {
    const schema = tool.inputSchema as { properties?: Record<string, object>; required?: string[] };
    const properties = { ...schema.properties };
    for (const [arg, value] of Object.entries(defaults)) properties[arg] = { ...properties[arg], default: value };
    const required = schema.required?.filter((r) => !(r in defaults));
    out.inputSchema = { ...tool.inputSchema, properties, ...(required && { required }) } as Tool['inputSchema'];
  }
  return out;
}

export function filterPrompts(sections: readonly Section<Prompt>[], servers: ReadonlySet<string>, filter: NameFilter): Section<Prompt>[] {
  return sections.filter((s) => servers.has(s.server)).map((s) => ({ server: s.server, items: s.items.filter((p) => passes(filter, p.name)) }));
}
