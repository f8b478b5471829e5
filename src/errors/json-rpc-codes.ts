/**
 * JSON-RPC error codes with a meaning fixed outside this project: JSON-RPC 2.0's own, and the ones
 * MCP and its SDK give a meaning to. Our own server-range codes live only in the catalog.
 */
export const JsonRpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  /** The SDK's and most MCP servers' "request timed out". */
  RequestTimeout: -32001,
  /** MCP 2025-11-25 "resource not found"; replaced by -32602 (SEP-2164), which the SDK sends instead. */
  ResourceNotFound: -32002,
  /** MCP revision 2026-07-28: the Mcp-Method / Mcp-Name headers disagree with the body. */
  HeaderMismatch: -32020,
  /** MCP revision 2026-07-28: the request needs a client capability its envelope did not declare. */
  MissingClientCapability: -32021,
  /** MCP revision 2026-07-28 (per the SDK): the protocol version is unknown or unsupported. */
  UnsupportedProtocolVersion: -32022,
} as const;

/** The part of JSON-RPC 2.0's reserved codes (-32768..-32000) left to the server. */
export const SERVER_RANGE = { min: -32099, max: -32000 } as const;
