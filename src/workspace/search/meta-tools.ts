/**
 * The two tools a client sees in search mode, instead of the full catalog.
 *
 * Their descriptions are the only guidance a model gets about the hidden catalog, so they say
 * when to search, how to phrase the query, and that call_tool takes a name from the results.
 * The bench measures listing cost with these exact objects.
 */

export interface MetaToolDefinition {
  name: string;
  title: string;
  description: string;
  inputSchema: {
    type: 'object';
    properties: Record<string, object>;
    required: string[];
    additionalProperties: boolean;
  };
}

export const SEARCH_TOOLS_NAME = 'search_tools';
export const CALL_TOOL_NAME = 'call_tool';

export const SEARCH_TOOLS_TOOL: MetaToolDefinition = {
  name: SEARCH_TOOLS_NAME,
  title: 'Search available tools',
  description:
    'Find tools for a task among the many tools this router provides (they are not listed directly). ' +
    'Describe what you want to do in plain words, e.g. "create a GitHub issue" or "current stock price"; ' +
    'for a multi-step task, search once per step. Returns the best-matching tools, best first, each with ' +
    'its name, description and input schema. Then run one with call_tool.',
  inputSchema: {
    type: 'object',
    properties: {
      query: {
        type: 'string',
        description: 'What the tool should do, in natural language or keywords.',
        minLength: 1,
      },
      limit: {
        type: 'integer',
        description: 'Maximum number of tools to return (default 5).',
        minimum: 1,
        maximum: 50,
        default: 5,
      },
    },
    required: ['query'],
    additionalProperties: false,
  },
};

export const CALL_TOOL_TOOL: MetaToolDefinition = {
  name: CALL_TOOL_NAME,
  title: 'Call a tool found with search_tools',
  description:
    'Run a tool by its exact name as returned by search_tools, passing arguments that match that ' +
    "tool's input schema. Returns the tool's result unchanged, including its errors.",
  inputSchema: {
    type: 'object',
    properties: {
      name: {
        type: 'string',
        description: 'Exact tool name from a search_tools result.',
        minLength: 1,
      },
      arguments: {
        type: 'object',
        description: "Arguments for the tool, as described by its input schema. Omit or pass {} if it takes none.",
        additionalProperties: true,
      },
    },
    required: ['name'],
    additionalProperties: false,
  },
};

/** Both definitions, in the order a tools/list response in search mode lists them. */
export const SEARCH_MODE_TOOLS: readonly MetaToolDefinition[] = [SEARCH_TOOLS_TOOL, CALL_TOOL_TOOL];
