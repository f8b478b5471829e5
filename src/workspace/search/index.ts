/** Tool search: public surface of src/workspace/search. */
export { ToolSearchIndex } from './tool-search-index.js';
export { DEFAULT_RANKER_PARAMS, type RankerParams } from './parameters.js';
export {
  SEARCH_TOOLS_TOOL,
  CALL_TOOL_TOOL,
  SEARCH_MODE_TOOLS,
  SEARCH_TOOLS_NAME,
  CALL_TOOL_NAME,
  type MetaToolDefinition,
} from './meta-tools.js';
export type { SearchableTool, SearchOptions, SearchResult, ToolField } from './types.js';
