/**
 * Fetching a backend's complete lists. Backends paginate; we follow nextCursor to the end, and guard
 * against servers that echo a cursor back (a bug that made peers loop forever).
 */
import type { Client, Prompt, Resource, ResourceTemplateType as ResourceTemplate, Tool } from '@modelcontextprotocol/client';
import { passthroughResult } from './passthrough.js';

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

export async function listAll<K extends ListKind>(client: Client, kind: K, timeoutMs: number): Promise<BackendLists[K]> {
  const items: unknown[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const params = cursor === undefined ? {} : { cursor };
    const result = (await client.request({ method: LIST_METHOD[kind], params } as never, passthroughResult, { timeout: timeoutMs })) as Record<string, unknown>;
    const pageItems = result[kind];
    if (Array.isArray(pageItems)) items.push(...pageItems);
    const next = result.nextCursor;
    if (typeof next !== 'string' || next === '' || seen.has(next)) break;
    seen.add(next);
    cursor = next;
  }
  return items as BackendLists[K];
}
