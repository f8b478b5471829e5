/**
 * What one front session sees of the catalog. The full view shows everything; a workspace view (see
 * src/workspace/) narrows, renames and reorders. Handlers only talk to this interface, so a workspace
 * is a boundary for calls as well as lists.
 */
import type { ListKind } from '../backends/lists.js';
import type { Catalog } from './catalog.js';
import type { CursorCodec } from './cursor.js';
import { itemKey, paginateWithCursor, type PageSection } from './paginate.js';
import type { Result } from '@modelcontextprotocol/server';
import { serializedLength, withSerializedJson } from '../util/encode-message.js';

/**
 * What a router-local tool may do besides answering: run a catalog tool through the same pipeline as
 * a client's own tools/call (so defaults, boundaries, progress and cancellation apply), and tell the
 * client that its lists changed. The engine builds one per call; tools never see a session.
 */
export interface LocalToolHost {
  callTool(name: string, args: Record<string, unknown> | undefined): Promise<Result>;
  listsChanged(kinds: readonly ListKind[]): void;
}

/** A tool the router answers itself (search mode's search_tools and call_tool). */
export type LocalTool = (args: Record<string, unknown>, host: LocalToolHost) => Promise<Result>;

export interface ResolvedTarget {
  server: string;
  /** The backend's own name for the tool or prompt. */
  name: string;
  /** Argument defaults fixed by a workspace override. */
  defaults?: Record<string, unknown>;
  /** Set for router-local tools: run this instead of forwarding (`server` is then ''). */
  local?: LocalTool;
  /**
   * Counts the call for the view's usage ordering. Resolving is not calling (a call may be resolved
   * twice on its way, or refused after), so callers invoke this once, when the call is sent.
   */
  onCall?: () => void;
}

export interface Page {
  items: unknown[];
  nextCursor?: string;
  /**
   * The list result as sent (`{ [kind]: items, nextCursor }`), frozen and serialized once, on pages
   * a view serves again unchanged: the engine answers with it as is.
   */
  result?: Result;
}

export interface CatalogView {
  page(kind: ListKind, cursor?: string): Page;
  /** Changes whenever the visible list of that kind changes. */
  version(kind: ListKind): string;
  resolveTool(publicName: string): ResolvedTarget | undefined;
  resolvePrompt(publicName: string): ResolvedTarget | undefined;
  resolveUri(publicUri: string): { server: string; uri: string } | undefined;
  toolNames(): string[];
  promptNames(): string[];
  /** Whether this view draws on a backend at all; absent means every backend (the full view). */
  includesServer?(server: string): boolean;
  /**
   * Why a name this view does not resolve is refused, when it exists beyond the view (a workspace is
   * a boundary): an error for the client. Undefined: the name is simply unknown.
   */
  refusal?(kind: 'tool' | 'prompt' | 'resource', name: string): Error | undefined;
  /**
   * For a view chosen by default (no flag, env or URL): the view the client's roots select, or
   * undefined to keep this one. Absent: roots do not choose (an explicit choice was made).
   */
  selectByRoots?(rootUris: readonly string[]): CatalogView | undefined;
}

export { itemKey };

/** Paginate merged sections with per-backend positions in an opaque, signed cursor. */
export function pageSections(kind: ListKind | 'tasks', sections: PageSection<unknown>[], pageSize: number, codec: CursorCodec, cursor?: string): Page {
  return paginateWithCursor(codec, sections, { kind, pageSize, cursor, keyOf: (item) => itemKey(kind, item) });
}

export class FullView implements CatalogView {
  constructor(
    private readonly catalog: Catalog,
    private readonly codec: CursorCodec,
    private readonly pageSize: number,
    /** Set when the whole catalog was a default the client's roots may still narrow to a workspace. */
    readonly selectByRoots?: (rootUris: readonly string[]) => CatalogView | undefined,
  ) {}

  page(kind: ListKind, cursor?: string): Page {
    return this.catalog.pageCache<Page>(this.codec).get(kind, this.pageSize, cursor, () => {
      const page = pageSections(kind, this.catalog.sections(kind), this.pageSize, this.codec, cursor);
      const result: Result = page.nextCursor ? { [kind]: page.items, nextCursor: page.nextCursor } : { [kind]: page.items };
      const wire = withSerializedJson(result);
      return { page: { ...page, result: wire }, size: serializedLength(wire) };
    });
  }

  version(kind: ListKind): string {
    return this.catalog.version(kind);
  }

  resolveTool(publicName: string): ResolvedTarget | undefined {
    const hit = this.catalog.resolveTool(publicName);
    return hit && { server: hit.server, name: hit.name };
  }

  resolvePrompt(publicName: string): ResolvedTarget | undefined {
    const hit = this.catalog.resolvePrompt(publicName);
    return hit && { server: hit.server, name: hit.name };
  }

  resolveUri(publicUri: string) {
    return this.catalog.resolveUri(publicUri);
  }

  toolNames(): string[] {
    return this.catalog.publicToolNames();
  }

  promptNames(): string[] {
    return this.catalog.publicPromptNames();
  }
}
