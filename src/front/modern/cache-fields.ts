/**
 * `ttlMs` and `cacheScope` (2026-07-28) on list results and resources/read. A merged result is only
 * as fresh as its stalest part and only as shareable as its most private part:
 *
 * - ttlMs: the minimum over the backends that contributed;
 * - cacheScope: "private" wins over "public" (the spec's two values; "private" is the restrictive one:
 *   the result may differ per user, so a shared cache must not serve it to someone else).
 *
 * A 2025 backend gives neither. For those the router answers ttlMs 0 (no freshness promise: it learns
 * of changes by list_changed and tells listeners) and cacheScope "private" (what a client sees
 * depends on its endpoint's workspace and credentials).
 */
export type CacheScope = 'public' | 'private';

export interface CacheHint {
  ttlMs?: number;
  cacheScope?: CacheScope;
}

export const DEFAULT_CACHE_HINT: Required<CacheHint> = { ttlMs: 0, cacheScope: 'private' };

/** The methods whose results carry the fields. */
export const CACHEABLE_METHODS: ReadonlySet<string> = new Set(['tools/list', 'prompts/list', 'resources/list', 'resources/templates/list', 'resources/read']);

/** Merge the hints of every contributing backend (undefined: that backend gave none). */
export function mergeCacheHints(hints: ReadonlyArray<CacheHint | undefined>): Required<CacheHint> {
  if (hints.length === 0) return { ...DEFAULT_CACHE_HINT };
  let ttlMs = Infinity;
  let cacheScope: CacheScope = 'public';
  for (const hint of hints) {
    const ttl = typeof hint?.ttlMs === 'number' && hint.ttlMs >= 0 ? Math.floor(hint.ttlMs) : DEFAULT_CACHE_HINT.ttlMs;
    ttlMs = Math.min(ttlMs, ttl);
    if ((hint?.cacheScope ?? DEFAULT_CACHE_HINT.cacheScope) === 'private') cacheScope = 'private';
  }
  return { ttlMs, cacheScope };
}

/** The hint a backend's own result carried (a 2026 backend), if any. */
export function hintOf(result: Record<string, unknown>): CacheHint | undefined {
  const ttl = result.ttlMs;
  const scope = result.cacheScope;
  if (typeof ttl !== 'number' && scope !== 'public' && scope !== 'private') return undefined;
  return { ...(typeof ttl === 'number' && { ttlMs: ttl }), ...((scope === 'public' || scope === 'private') && { cacheScope: scope }) };
}
