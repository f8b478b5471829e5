/**
 * Fetching a backend's complete lists. Backends paginate; we follow nextCursor to the end, and guard
 * against servers that echo a cursor back (a bug that made peers loop forever).
 */
import type { Prompt, Resource, ResourceTemplateType as ResourceTemplate, ServerCapabilities, Tool } from '@modelcontextprotocol/client';

export interface BackendLists {
  tools: Tool[];
  prompts: Prompt[];
  resources: Resource[];
  resourceTemplates: ResourceTemplate[];
}

export type ListKind = keyof BackendLists;

export const LIST_KINDS: readonly ListKind[] = ['tools', 'prompts', 'resources', 'resourceTemplates'];

export const LIST_METHOD: Record<ListKind, string> = {
  tools: 'tools/list',
  prompts: 'prompts/list',
  resources: 'resources/list',
  resourceTemplates: 'resources/templates/list',
};

/** A backend that needs more pages than this is broken or hostile; stop and keep what we have. */
const MAX_PAGES = 1000;

/** Sends one list request under the backend's own names; the result comes back untouched. */
export type ListRequest = (method: string, params: Record<string, unknown>) => Promise<Record<string, unknown>>;

/**
 * Every page of one list, and the cache hint a 2026-07-28 server put on it (the first page's speaks
 * for the list: a server gives every page the same one).
 */
export async function listAll<K extends ListKind>(request: ListRequest, kind: K): Promise<{ items: BackendLists[K]; hint?: CacheHint }> {
  const items: unknown[] = [];
  let hint: CacheHint | undefined;
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = cursor === undefined ? {} : { cursor };
    const result = await request(LIST_METHOD[kind], params);
    hint ??= cacheHintOf(result);
    const pageItems = result[kind];
    if (Array.isArray(pageItems)) items.push(...pageItems);
    const next = result.nextCursor;
    if (typeof next !== 'string' || next === '' || seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return { items: items as BackendLists[K], ...(hint && { hint }) };
}

export function cacheHintOf(result: Record<string, unknown>): CacheHint | undefined {
  const { ttlMs, cacheScope } = result;
  if (typeof ttlMs !== 'number' || !Number.isFinite(ttlMs) || ttlMs < 0) return undefined;
  return { ttlMs, cacheScope: cacheScope === 'public' ? 'public' : 'private' };
}

/** How long a 2026-07-28 server says a result may be cached, and by whom. */
export interface CacheHint {
  ttlMs: number;
  cacheScope: 'public' | 'private';
}

/** `hints` with kind's hint replaced (or dropped when the list came without one). */
export function withHint(hints: Partial<Record<ListKind, CacheHint>>, kind: ListKind, hint: CacheHint | undefined): Partial<Record<ListKind, CacheHint>> {
  const { [kind]: _old, ...others } = hints;
  return hint ? { ...others, [kind]: hint } : others;
}

export function emptyLists(): BackendLists {
  return { tools: [], prompts: [], resources: [], resourceTemplates: [] };
}

export function nonEmptyKinds(lists: BackendLists): ListKind[] {
  return LIST_KINDS.filter((k) => lists[k].length > 0);
}

/** Which lists a backend's list_changed notification covers (templates ride on resources'). */
export const LIST_CHANGED: Record<string, readonly ListKind[] | undefined> = {
  'notifications/tools/list_changed': ['tools'],
  'notifications/prompts/list_changed': ['prompts'],
  'notifications/resources/list_changed': ['resources', 'resourceTemplates'],
};

/**
 * Every page of each of `kinds`; a list the server does not offer (by its capabilities) is empty.
 * `onHint` hears each fetched list's cache hint (undefined: none, as from every 2025 server).
 */
export async function fetchLists(
  request: ListRequest,
  caps: ServerCapabilities,
  kinds: readonly ListKind[],
  onHint?: (kind: ListKind, hint: CacheHint | undefined) => void,
): Promise<Partial<BackendLists>> {
  const out: Partial<Record<ListKind, unknown[]>> = {};
  await Promise.all(
    kinds.map(async (kind) => {
      const offered = kind === 'resourceTemplates' ? caps.resources : caps[kind];
      const { items, hint } = offered ? await listAll(request, kind) : { items: [], hint: undefined };
      out[kind] = items;
      onHint?.(kind, hint);
    }),
  );
  return out as Partial<BackendLists>;
}
