/** Public types of the tool search index. */

/** One tool as the router exposes it. `name` is the public (router-unique) name. */
export interface SearchableTool {
  name: string;
  title?: string;
  description?: string;
  /** JSON Schema of the arguments; property names and descriptions are indexed, nested too. */
  inputSchema?: object;
  /** Backend server id: tools of one server are re-indexed together and routed on together. */
  server?: string;
  serverDescription?: string;
  tags?: string[];
}

export interface SearchOptions {
  /** Maximum number of results. Default 5. */
  limit?: number;
}

export interface SearchResult {
  name: string;
  /** Relevance on an arbitrary, query-relative scale: only the order is meaningful. */
  score: number;
}

/** The indexed text fields of a tool, each with its own weight in BM25F. */
export type ToolField = 'name' | 'title' | 'description' | 'params' | 'server' | 'tags';

export const TOOL_FIELDS: readonly ToolField[] = ['name', 'title', 'description', 'params', 'server', 'tags'];
