/**
 * Which backends a merged list result draws on, and what each said about caching its part. A
 * backend contributes to a list when the endpoint's view includes it and it lists something of that
 * kind: a server with no prompts does not make prompts/list less cacheable. Each contributor's hint
 * is the one its own list came with (`Backend.cacheHints`, the first page's; undefined from a 2025
 * server); cache-fields.ts merges them.
 */
import type { Backend } from '../../backends/backend.js';
import { LIST_KINDS, LIST_METHOD, type ListKind } from '../../backends/lists.js';
import type { CatalogView } from '../../catalog/view.js';
import type { CacheHint } from './cache-fields.js';

const KIND_OF_METHOD = new Map<string, ListKind>(LIST_KINDS.map((kind) => [LIST_METHOD[kind], kind]));

export function contributorHints(backends: readonly Backend[], method: string, view: CatalogView): Array<CacheHint | undefined> {
  const kind = KIND_OF_METHOD.get(method);
  if (!kind) return [];
  return backends.filter((b) => (view.includesServer?.(b.name) ?? true) && b.lists[kind].length > 0).map((b) => b.cacheHints[kind]);
}
