/**
 * Pages of the full view, kept between requests: a client that reads a 1,500-tool list page by page
 * (and every other client after it) gets each page computed and serialized once per change of the
 * catalog, instead of once per request. A page is fully determined by the list kind, the page size,
 * the cursor and the catalog's content, so an entry is valid until the catalog's generation for its
 * kind moves on. A cursor is only ever a key here after it was verified once, so a hit skips the
 * cursor's HMAC too. Bounded by the JSON it holds (lru-cache).
 */
import { LRUCache } from 'lru-cache';
import type { ListKind } from '../backends/lists.js';

/** Far above one big catalog's full listing (1,500 tools are about 300 KB of JSON). */
const MAX_CACHED_CHARS = 4 * 1024 * 1024;

export interface CachedPage<P> {
  page: P;
  /** Characters of JSON the page holds, for the bound. */
  size: number;
}

export class PageCache<P> {
  private readonly entries = new LRUCache<string, { generation: number; cached: CachedPage<P> }>({
    maxSize: MAX_CACHED_CHARS,
    sizeCalculation: (entry) => Math.max(1, entry.cached.size),
  });

  constructor(private readonly generation: (kind: ListKind) => number) {}

  get(kind: ListKind, pageSize: number, cursor: string | undefined, compute: () => CachedPage<P>): P {
    const key = `${kind}\u0000${pageSize}\u0000${cursor ?? ''}`;
    const generation = this.generation(kind);
    const hit = this.entries.get(key);
    if (hit && hit.generation === generation) return hit.cached.page;
    const cached = compute();
    if (cached.size <= MAX_CACHED_CHARS) this.entries.set(key, { generation, cached });
    return cached.page;
  }
}
