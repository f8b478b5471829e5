/**
 * search_tools and call_tool, the two tools a workspace in search mode lists instead of its catalog.
 *
 * search_tools answers with the matches (name, description, input schema) and activates them: they
 * join this session's list and list_changed goes out, so clients that refresh call them directly.
 * call_tool is for clients that do not refresh: it runs the same tools/call path as a direct call,
 * so argument defaults, URI rewriting, progress and cancellation all apply unchanged.
 */
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../errors/index.js';
import type { LocalTool } from '../catalog/view.js';
import { CALL_TOOL_NAME, SEARCH_TOOLS_NAME } from './search/index.js';
import type { ScopedTool } from './scope.js';

const DEFAULT_LIMIT = 5;
const MAX_LIMIT = 50;

export interface SearchHost {
  search(query: string, limit: number): ScopedTool[];
  /** Adds tools to the session's list; true when the list changed. */
  activate(tools: readonly ScopedTool[]): boolean;
}

export function searchToolsTool(host: SearchHost): LocalTool {
  return async (args, client) => {
    const query = args.query;
    if (typeof query !== 'string' || query.trim() === '') throw new SwitchboardError('SB_INVALID_PARAMS', 'search_tools: "query" must be a non-empty string');
    const limit = clampLimit(args.limit);
    const hits = host.search(query, limit);
    if (host.activate(hits)) client.listsChanged(['tools']);
    if (hits.length === 0) return textResult(`No tools matched "${query}". Try other words, or describe the task more generally.`);
    const tools = hits.map(({ tool }) => ({
      name: tool.name,
      ...(tool.title !== undefined && { title: tool.title }),
      description: tool.description ?? '',
      inputSchema: tool.inputSchema,
    }));
    const note = `Found ${tools.length} tool(s). Call one directly by name, or with call_tool {"name": ..., "arguments": {...}}.`;
    return { content: [{ type: 'text', text: `${note}\n${JSON.stringify(tools, null, 1)}` }], structuredContent: { tools } };
  };
}

export const callToolTool: LocalTool = async (args, client) => {
  const name = args.name;
  if (typeof name !== 'string' || name === '') throw new SwitchboardError('SB_INVALID_PARAMS', 'call_tool: "name" must be a tool name from search_tools');
  if (name === SEARCH_TOOLS_NAME || name === CALL_TOOL_NAME) return errorResult(`call_tool runs catalog tools; call ${name} directly.`);
  const inner = args.arguments;
  if (inner !== undefined && (inner === null || typeof inner !== 'object' || Array.isArray(inner))) {
    throw new SwitchboardError('SB_INVALID_PARAMS', 'call_tool: "arguments" must be an object');
  }
  try {
    return await client.callTool(name, inner as Record<string, unknown> | undefined);
  } catch (err) {
    // A wrong name is the model's mistake: as a tool error it reads it and can search again. Errors
    // from the backend itself pass through unchanged.
    if (err instanceof SwitchboardError && (err.code === 'SB_UNKNOWN_TOOL' || err.code === 'SB_OUTSIDE_WORKSPACE')) return errorResult(err.message);
    throw err;
  }
};

function clampLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_LIMIT;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new SwitchboardError('SB_INVALID_PARAMS', 'search_tools: "limit" must be a number');
  return Math.min(MAX_LIMIT, Math.max(1, Math.floor(value)));
}

function textResult(text: string): Result {
  return { content: [{ type: 'text', text }] };
}

function errorResult(text: string): Result {
  return { content: [{ type: 'text', text }], isError: true };
}
