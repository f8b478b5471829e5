/**
 * Paging through merged lists with per-backend positions.
 *
 * Guarantee: a client that follows nextCursor sees every item that exists on every one of its fetches
 * exactly once, whatever is added, removed or reordered between pages.
 *
 * How: inside a section (one backend) the walk goes in key order (code units), not in the backend's
 * order, and a section's position is "every key <= after has been emitted". That statement stays
 * true when items come and go, and when `after` itself disappears the resume point is still exact:
 * the first key greater than it. Resuming by index or by "the item after `after` in backend order"
 * cannot offer this (a removal before the position skips an item; a vanished `after` loses the place).
 * Side benefit: list order no longer depends on the order a backend happens to report, which keeps
 * the tool list stable for clients that cache prompts.
 * Sections are visited in the caller's order; a section with no position starts from its beginning
 * (so one added between pages is listed whole), `done` sections are skipped, and positions of servers
 * that are absent on this fetch are carried over unchanged (a restarting backend is not relisted).
 */
import { SwitchboardError } from '../errors/index.js';
import type { CursorCodec, CursorKind, CursorState, SectionPosition } from './cursor.js';

export interface PageSection<T> {
  server: string;
  items: readonly T[];
  /**
   * The section in key order, when its owner keeps it (the catalog does, per backend and kind,
   * until that backend's list changes). Without it every page re-sorted the whole section: for a
   * 1,500-tool backend read in pages of 100 that was 15 sorts of 1,500 items per full listing.
   */
  sorted?: () => SortedSection<T>;
}

/** A section's items in ascending key order, with the keys alongside for binary search. */
export interface SortedSection<T> {
  keys: readonly string[];
  items: readonly T[];
}

/** Sort a section once, for callers that keep the result (see PageSection.sorted). */
export function sortSection<T>(items: readonly T[], keyOf: (item: T) => string): SortedSection<T> {
  const keyed = items.map((item) => ({ item, key: keyOf(item) }));
  keyed.sort((a, b) => compareKeys(a.key, b.key));
  return { keys: keyed.map((k) => k.key), items: keyed.map((k) => k.item) };
}

export interface PaginateOptions<T> {
  kind: CursorKind;
  /** Items per page: a positive integer, or Infinity for "everything in one page". */
  pageSize: number;
  /** Decoded cursor of the request; undefined for the first page. */
  cursor?: CursorState;
  /** Key of an item (public name or public URI); defaults to `item.key`. */
  keyOf?: (item: T) => string;
}

export interface Page<T> {
  items: T[];
  /** Position after this page; undefined when the list is complete. */
  next?: CursorState;
}

function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The key an item is paginated and de-duplicated by. */
export function itemKey(kind: CursorKind, item: unknown): string {
  const i = item as { name?: string; uri?: string; uriTemplate?: string; taskId?: string };
  if (kind === 'tasks') return i.taskId ?? '';
  if (kind === 'resources') return i.uri ?? '';
  if (kind === 'resourceTemplates') return i.uriTemplate ?? '';
  return i.name ?? '';
}

function defaultKey(item: unknown): string {
  const key = (item as { key?: unknown } | null)?.key;
  if (typeof key !== 'string') throw new TypeError('paginateMerged: item has no string key; pass keyOf');
  return key;
}

/** Index of the first key strictly greater than `after` in an ascending array (binary search). */
function firstAfter(keys: readonly string[], after: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareKeys(keys[mid] ?? '', after) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

export function paginateMerged<T>(sections: readonly PageSection<T>[], opts: PaginateOptions<T>): Page<T> {
  const { kind, pageSize, cursor } = opts;
  const keyOf = opts.keyOf ?? defaultKey;
  if (!(pageSize === Infinity || (Number.isInteger(pageSize) && pageSize >= 1))) {
    throw new RangeError(`paginateMerged: pageSize must be a positive integer or Infinity, got ${pageSize}`);
  }
  if (cursor && cursor.kind !== kind) {
    throw new SwitchboardError('SB_BAD_CURSOR', `Invalid cursor: issued for ${cursor.kind}, not ${kind}`);
  }
  const previous = new Map<string, SectionPosition>(Object.entries(cursor?.positions ?? {}));
  const positions = new Map(previous);
  const items: T[] = [];
  let more = false;

  for (const section of sections) {
    const { server } = section;
    const pos = previous.get(server);
    if (pos?.done) continue;
    const sorted = section.sorted?.() ?? sortSection(section.items, keyOf);
    const start = pos?.after === undefined ? 0 : firstAfter(sorted.keys, pos.after);
    const remaining = sorted.items.length - start;
    if (remaining === 0) {
      positions.set(server, { done: true });
      continue;
    }
    const room = pageSize - items.length;
    if (room <= 0) {
      more = true;
      break;
    }
    const end = start + Math.min(room, remaining);
    for (let i = start; i < end; i++) items.push(sorted.items[i]!);
    if (end === sorted.items.length) {
      positions.set(server, { done: true });
    } else {
      positions.set(server, { ...pos, after: sorted.keys[end - 1], done: undefined });
      more = true;
      break;
    }
  }

  if (!more) return { items };
  const next: Record<string, SectionPosition> = {};
  for (const [server, pos] of positions) {
    const clean: SectionPosition = {};
    if (pos.after !== undefined) clean.after = pos.after;
    if (pos.backendCursor !== undefined) clean.backendCursor = pos.backendCursor;
    if (pos.done) clean.done = true;
    Object.defineProperty(next, server, { value: clean, enumerable: true, writable: true, configurable: true });
  }
  return { items, next: { kind, positions: next } };
}

export interface CursorPage<T> {
  items: T[];
  nextCursor?: string;
}

/** decode -> paginate -> encode, the whole job of a list handler's paging. Throws SB_BAD_CURSOR (-32602). */
export function paginateWithCursor<T>(
  codec: CursorCodec,
  sections: readonly PageSection<T>[],
  opts: Omit<PaginateOptions<T>, 'cursor'> & { cursor?: string },
): CursorPage<T> {
  const state = opts.cursor === undefined ? undefined : codec.decode(opts.cursor, opts.kind);
  const page = paginateMerged(sections, { ...opts, cursor: state });
  return page.next ? { items: page.items, nextCursor: codec.encode(page.next) } : { items: page.items };
}
