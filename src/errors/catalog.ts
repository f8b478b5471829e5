/**
 * Every error mcp-switchboard reports, declared once: the JSON-RPC code a client sees, the HTTP
 * status when the error refuses an HTTP request, and what to do about it. docs/errors.md is this
 * table for people; test/unit/errors-catalog.test.ts keeps the two in step.
 *
 * How codes are chosen:
 * - JSON-RPC's own codes (-32700..-32600) are broad categories, shared by every error of that kind
 *   (an unknown tool and a forged cursor are both "invalid params", as the MCP spec asks).
 * - A code MCP or its SDK defines keeps that meaning: -32001 is a timeout, -32022 an unsupported
 *   protocol version. -32002 (resource not found in MCP 2025-11-25) is not used: SEP-2164 (final)
 *   replaced it with -32602, and the MCP SDK sends -32602 even when a handler throws -32002, so
 *   clients built on it expect -32602.
 * - Our codes in the server range (-32099..-32000) each mean exactly one failure, grouped by tens:
 *   -32003..-32006 sessions and requests, -3201x backends, -3203x access, -3206x HTTP, -3207x capacity,
 *   -3208x workspaces.
 *   -32042 (URL elicitation required) and -32021 (missing client capability) stay free for the spec;
 *   -32020 is the spec's HeaderMismatch (2026-07-28).
 * - `data.reason` on the wire is the SB_* code, so a shared JSON-RPC code never hides which error it was.
 */
import { JsonRpcCode } from './json-rpc-codes.js';

export interface CatalogEntry {
  /** JSON-RPC error code on the wire. */
  readonly rpc: number;
  /** HTTP status when this error refuses an HTTP request (or upgrade). */
  readonly http: number;
  /** One sentence: what the reader should do. */
  readonly fix: string;
}

export const ERROR_CATALOG = {
  // JSON-RPC's own errors.
  SB_PARSE_ERROR: { rpc: JsonRpcCode.ParseError, http: 400, fix: 'Send valid JSON: one JSON-RPC message per line, frame or request body.' },
  SB_INVALID_REQUEST: { rpc: JsonRpcCode.InvalidRequest, http: 400, fix: 'Send a JSON-RPC 2.0 object with "jsonrpc": "2.0" and a method, or a response to one of our requests.' },
  SB_METHOD_NOT_FOUND: { rpc: JsonRpcCode.MethodNotFound, http: 404, fix: 'Call only methods the server declared in its initialize capabilities.' },
  SB_INVALID_PARAMS: { rpc: JsonRpcCode.InvalidParams, http: 400, fix: 'Fix the parameter the message names; the method\'s params schema is in the MCP specification.' },
  SB_INTERNAL: { rpc: JsonRpcCode.InternalError, http: 500, fix: 'Retry; if it persists, report it with the server log (stderr), which has the details.' },

  // Malformed or refused messages.
  SB_MESSAGE_TOO_LARGE: { rpc: JsonRpcCode.InvalidRequest, http: 413, fix: 'Send smaller messages: the limit is per stdio line or WebSocket frame (for WebSocket, listen.maxBodyBytes).' },
  SB_BODY_TOO_LARGE: { rpc: JsonRpcCode.InvalidRequest, http: 413, fix: 'Send a smaller request body, or raise listen.maxBodyBytes (--max-body-bytes).' },
  SB_ALREADY_INITIALIZED: { rpc: JsonRpcCode.InvalidRequest, http: 400, fix: 'Send initialize once per session, alone; start a new session to initialize again.' },
  SB_DUPLICATE_REQUEST_ID: { rpc: JsonRpcCode.InvalidRequest, http: 400, fix: 'Give each request in flight its own id.' },

  // Names and cursors a client sent that the router cannot resolve.
  SB_UNKNOWN_TOOL: { rpc: JsonRpcCode.InvalidParams, http: 404, fix: 'Call tools/list and use a name from it; names are PREFIX__TOOL.' },
  SB_UNKNOWN_PROMPT: { rpc: JsonRpcCode.InvalidParams, http: 404, fix: 'Call prompts/list and use a name from it.' },
  SB_UNKNOWN_RESOURCE: { rpc: JsonRpcCode.InvalidParams, http: 404, fix: 'Call resources/list or resources/templates/list and use a URI from them (sb://PREFIX/...).' },
  SB_UNKNOWN_TASK: { rpc: JsonRpcCode.InvalidParams, http: 404, fix: 'Use a task id this session received from a task-augmented request; tasks/list shows them.' },
  SB_BAD_REQUEST_STATE: { rpc: JsonRpcCode.InvalidParams, http: 400, fix: 'Retry with the requestState of the latest input_required result, unchanged, once, before it expires; or send the request again without it.' },
  SB_BAD_CURSOR: { rpc: JsonRpcCode.InvalidParams, http: 400, fix: 'Pass nextCursor back unchanged to the same list method, or list again from the start.' },
  SB_OUTSIDE_WORKSPACE: { rpc: JsonRpcCode.InvalidParams, http: 403, fix: 'Use what the workspace lists, or connect to a workspace (or /mcp) that includes it.' },
  SB_CAPABILITY_MISSING: { rpc: JsonRpcCode.MethodNotFound, http: 400, fix: 'Use a client that declares the capability the message names, or a server that does not need it.' },

  // Sessions.
  SB_BACKEND_TIMEOUT: { rpc: JsonRpcCode.RequestTimeout, http: 504, fix: 'Retry later, or raise servers.NAME.timeout if the server legitimately needs longer.' },
  SB_UNKNOWN_SESSION: { rpc: -32003, http: 404, fix: 'Start a new session: send initialize without Mcp-Session-Id (or open a new SSE stream).' },
  SB_SESSION_REQUIRED: { rpc: -32004, http: 400, fix: 'Send initialize first, then send the Mcp-Session-Id header it returns with every request.' },
  SB_NOT_INITIALIZED: { rpc: -32005, http: 400, fix: 'Send initialize and wait for its result (then notifications/initialized) before other requests.' },
  // 499 is the de-facto "client closed request" (nginx); HTTP has no standard status for it.
  SB_CLIENT_TIMEOUT: { rpc: -32007, http: 504, fix: 'Answer the router\'s request (roots/list, sampling, elicitation) sooner, or leave the capability undeclared.' },
  SB_CANCELLED: { rpc: -32006, http: 499, fix: 'Nothing to fix if the cancellation was intended; otherwise keep the connection open until the answer arrives.' },

  // Backends.
  SB_BACKEND_UNAVAILABLE: { rpc: -32010, http: 503, fix: 'Retry in a moment: the router reconnects on its own; check servers.NAME and its stderr if it stays down.' },
  SB_BACKEND_BUSY: { rpc: -32011, http: 503, fix: 'Retry in a moment: that server\'s request queue is full; send fewer requests at once.' },
  SB_BACKEND_START_FAILED: { rpc: -32012, http: 502, fix: 'Fix the servers.NAME entry the message names (command, args, url, headers); the router keeps retrying.' },
  SB_AMBIGUOUS_OWNER: { rpc: -32013, http: 409, fix: 'Set servers.NAME.isolation: session so each client has its own connection to that server.' },

  // Protocol version.
  SB_HEADER_MISMATCH: { rpc: -32020, http: 400, fix: 'Send Mcp-Method (and Mcp-Name for tools/call, prompts/get, resources/read) equal to the body\'s method and params.name / params.uri, and MCP-Protocol-Version equal to the _meta envelope\'s.' },
  SB_UNSUPPORTED_PROTOCOL_VERSION: { rpc: JsonRpcCode.UnsupportedProtocolVersion, http: 400, fix: 'Send an MCP-Protocol-Version header the server supports (the message lists them), or omit it.' },

  // Access.
  SB_UNAUTHORIZED: { rpc: -32030, http: 401, fix: 'Send "Authorization: Bearer TOKEN": the token given to --auth-token / listen.authToken, or (listen.auth) an access token from the authorization server that the resource_metadata of WWW-Authenticate names.' },
  SB_FORBIDDEN_ORIGIN: { rpc: -32031, http: 403, fix: 'Add the page\'s origin to listen.allowedOrigins (or --cors) if it is legitimate.' },
  // 403, not 421: the request did reach the server it meant; the name is refused as untrusted (DNS
  // rebinding), as the SDK's own Host check answers. A 421 invites clients to retry elsewhere.
  SB_FORBIDDEN_HOST: { rpc: -32032, http: 403, fix: 'Add the hostname to listen.allowedHosts if it is legitimate.' },
  SB_INSUFFICIENT_SCOPE: { rpc: -32033, http: 403, fix: 'Ask the authorization server for a token with the scope the WWW-Authenticate header names (listen.auth.scopes).' },

  // HTTP.
  SB_UNKNOWN_PATH: { rpc: -32060, http: 404, fix: 'Use the endpoint the message names (by default /mcp; /sse and /message for legacy SSE).' },
  SB_METHOD_NOT_ALLOWED: { rpc: -32061, http: 405, fix: 'Use an HTTP method from the Allow header.' },
  SB_NOT_ACCEPTABLE: { rpc: -32062, http: 406, fix: 'Send Accept: application/json, text/event-stream (a GET stream needs text/event-stream).' },
  SB_STREAM_CONFLICT: { rpc: -32063, http: 409, fix: 'Close the session\'s open GET stream before opening another.' },
  SB_UNSUPPORTED_MEDIA_TYPE: { rpc: -32064, http: 415, fix: 'Send Content-Type: application/json.' },

  // Capacity and lifecycle.
  SB_TOO_MANY_SESSIONS: { rpc: -32070, http: 503, fix: 'Close an idle session and retry, or raise the session limit (bridge: --maxSessions, or --shared).' },
  SB_SHUTTING_DOWN: { rpc: -32071, http: 503, fix: 'Reconnect in a moment, once the server is back.' },

  // Workspaces.
  SB_UNKNOWN_WORKSPACE: { rpc: -32080, http: 404, fix: 'Use a workspace name from router.yaml (the message lists them).' },
  SB_WORKSPACE_FORBIDDEN: { rpc: -32081, http: 403, fix: 'Use a workspace your token allows (workspaces.NAME.allow: sub, groups, scope), or ask for a token that carries one of its values.' },

  // Cluster (several replicas sharing Redis).
  SB_CLUSTER_UNAVAILABLE: { rpc: -32090, http: 503, fix: 'Retry in a moment: this needs the cluster\'s shared state and Redis (cluster.redis) is unreachable; check Redis.' },
  SB_REPLICA_UNREACHABLE: { rpc: -32091, http: 502, fix: 'Start over without the state that names the lost replica (a new session, or the request without requestState): the replica that held it is gone.' },

  // Start-up only: these end the process with a message on stderr and never reach a client.
  SB_CONFIG_INVALID: { rpc: JsonRpcCode.InternalError, http: 500, fix: 'Fix the router.yaml field the message names.' },
  SB_CONFIG_NOT_FOUND: { rpc: JsonRpcCode.InternalError, http: 500, fix: 'Pass --config PATH, set $SWITCHBOARD_CONFIG, or create ./router.yaml.' },
  SB_CONFIG_UNSET_VAR: { rpc: JsonRpcCode.InternalError, http: 500, fix: 'Set the environment variable the message names, or give a default with ${VAR:-default}.' },
  SB_USAGE: { rpc: JsonRpcCode.InternalError, http: 500, fix: 'Fix the command line; switchboard COMMAND --help lists the flags.' },
} as const satisfies Record<`SB_${string}`, CatalogEntry>;

export type SwitchboardErrorCode = keyof typeof ERROR_CATALOG;

export function catalogEntry(code: SwitchboardErrorCode): CatalogEntry {
  return ERROR_CATALOG[code];
}
