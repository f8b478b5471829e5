/** Tool search: public surface of src/workspace/search. */
export { ToolSearchIndex, DEFAULT_RANKER_PARAMS } from './tool-search-index.js';
export { tokenize, splitIdentifier, type TokenizeOptions } from './tokenizer.js';
export { stem } from './stemmer.js';
export { noopReranker, type Reranker, type RerankCandidate } from './reranker.js';
export {
  SEARCH_TOOLS_TOOL,
  CALL_TOOL_TOOL,
  SEARCH_MODE_TOOLS,
  SEARCH_TOOLS_NAME,
  CALL_TOOL_NAME,
  type MetaToolDefinition,
} from './meta-tools.js';
export type { SearchableTool, SearchOptions, SearchResult, RankerParams, ToolField } from './types.js';
