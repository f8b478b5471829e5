/**
 * `switchboard call <tool> [JSON-ARGS] [--arg k=v ...]`: one tool call through the router, in this
 * process and through the same pipeline a client of `serve` goes through (an SDK client over an
 * in-memory pair to router.connect), printed for a person or as JSON. With --url it calls one remote
 * MCP server directly instead, without a config: a debugging aid for a server itself.
 *
 * Exit codes: 0 ok; 1 usage, config or invalid arguments; 2 the tool answered with an error (isError,
 * or a JSON-RPC error from its server); 3 unknown tool; 4 backend down, unreachable or timed out.
 */
import { Client, StreamableHTTPClientTransport, type CallToolResult, type Tool } from '@modelcontextprotocol/client';
import { parseHeader } from '../bridge/argv.js';
import { catalogEntry, JsonRpcCode, stripSdkPrefix, SwitchboardError, type SwitchboardErrorCode, type WireError } from '../errors/index.js';
import { suggest } from '../util/suggest.js';
import { parseFlags } from './args.js';
import { buildArguments, checkArguments, type Arguments } from './call-arguments.js';
import { CLIENT_INFO, listAllTools, openLocalRouter, type LocalRouter } from './local-router.js';
import { LOG_FORMAT_HELP } from './logging.js';
import { resultText } from './result-text.js';
import { startTracing } from './telemetry.js';
import { LOCAL_FLAGS } from './tools.js';

export const CALL_HELP = `Usage: switchboard call <tool> [JSON-ARGS] [--arg key=value ...] [--workspace NAME] [--json]
       switchboard call --url URL <tool> [JSON-ARGS] [--arg key=value ...] [--header "Name: value"]

Call one tool and print its result: text as text, images and audio as type, MIME type and size,
resources as their URI. The router runs in this process, with the config and workspace serve would
use; the call takes exactly the path a client's call takes.

Arguments: JSON-ARGS is a JSON object; each --arg key=value sets one argument over it (the value is
parsed as JSON when it is valid JSON, else taken as a string: --arg n=3 is a number, --arg s=hi a
string, --arg 's="3"' the string "3"). They are checked against the tool's input schema first.

Options:
  -c, --config PATH          router.yaml to load (default: $SWITCHBOARD_CONFIG, else ./router.yaml)
  -w, --workspace NAME       call through workspace NAME (default: $SWITCHBOARD_WORKSPACE, else "default")
      --arg KEY=VALUE        one argument (repeatable)
      --json                 print the whole result (or the error) as JSON
      --url URL              call this Streamable HTTP MCP server directly, without the router (debugging aid)
      --header "Name: value" an HTTP header for --url (repeatable), e.g. "Authorization: Bearer TOKEN"
      --log-level LEVEL      trace | debug | info | warn | error | fatal | silent (default error)
      ${LOG_FORMAT_HELP}
  -h, --help                 show this help

Exit codes: 0 ok, 1 usage or config error or invalid arguments, 2 the tool answered with an error
(isError, or a JSON-RPC error), 3 unknown tool, 4 backend down, unreachable or timed out.`;

export const EXIT = { ok: 0, usage: 1, toolError: 2, unknownTool: 3, unreachable: 4 } as const;

const BACKEND_UNAVAILABLE = catalogEntry('SB_BACKEND_UNAVAILABLE').rpc;
/** The router's reasons (error.data.reason) that mean the backend, not the tool, failed. */
const UNREACHABLE: ReadonlySet<string> = new Set<SwitchboardErrorCode>(['SB_BACKEND_UNAVAILABLE', 'SB_BACKEND_TIMEOUT', 'SB_BACKEND_BUSY', 'SB_BACKEND_START_FAILED']);
const UNKNOWN: ReadonlySet<string> = new Set<SwitchboardErrorCode>(['SB_UNKNOWN_TOOL']);

interface CallOptions {
  json: boolean;
  /** Whether the tool was in the list: a refusal of an unlisted name is "unknown tool". */
  listed: boolean;
}

export async function runCall(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    'call',
    argv,
    { ...LOCAL_FLAGS, arg: { type: 'string', multiple: true }, url: { type: 'string' }, header: { type: 'string', multiple: true } },
    true,
  );
  if (values.help) {
    process.stderr.write(CALL_HELP + '\n');
    return EXIT.ok;
  }
  const [tool, json, ...extra] = positionals;
  if (tool === undefined || extra.length > 0) {
    throw new SwitchboardError('SB_USAGE', `call: expected a tool name and at most one JSON-ARGS, got ${positionals.length} arguments. Run "switchboard call --help".`);
  }
  const args = buildArguments(json, values.arg ?? []);
  const asJson = values.json ?? false;
  if (values.url !== undefined) return callRemote(values.url, values.header ?? [], tool, args, asJson);

  const tracing = await startTracing(process.env);
  const local = await openLocalRouter(values, tracing).catch(async (err: unknown) => {
    await tracing?.close();
    throw err;
  });
  try {
    return await callThroughRouter(local, tool, args, asJson);
  } finally {
    await local.close();
    await tracing?.close();
  }
}

async function callThroughRouter(local: LocalRouter, name: string, args: Arguments, json: boolean): Promise<number> {
  const tool = (await local.listTools()).find((t) => t.name === name);
  if (!tool) {
    const down = downOwner(local, name);
    if (down) return fail(json, EXIT.unreachable, { code: BACKEND_UNAVAILABLE, message: down });
  } else {
    checkArguments(name, tool.inputSchema, args);
  }
  return callAndPrint(local.client, name, args, { json, listed: tool !== undefined });
}

/**
 * A tool whose name carries the prefix of a backend that is down is not unknown: its backend is.
 * The catalog forgets a down backend's tools, so this is the CLI's own diagnosis, from the config.
 */
function downOwner(local: LocalRouter, name: string): string | undefined {
  const separator = local.config.separator;
  for (const backend of local.downBackends()) {
    const prefix = backend.config.prefix;
    if (prefix === '' || !name.startsWith(prefix + separator)) continue;
    const why = backend.state === 'starting' ? `it did not finish starting within ${backend.config.connectTimeoutMs} ms` : (backend.lastError ?? 'unknown error');
    return `server "${backend.name}" is not connected, so tool "${name}" cannot be called: ${why}`;
  }
  return undefined;
}

async function callRemote(url: string, headerFlags: readonly string[], name: string, args: Arguments, json: boolean): Promise<number> {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw new SwitchboardError('SB_USAGE', `call: --url: expected an http(s) URL, got "${url}"`);
  }
  const headers = Object.fromEntries(
    headerFlags.map((h) => parseHeader(h) ?? (() => { throw new SwitchboardError('SB_USAGE', `call: --header: expected "Name: value", got "${h}"`); })()),
  );
  const client = new Client(CLIENT_INFO, { capabilities: {} });
  try {
    try {
      await client.connect(new StreamableHTTPClientTransport(target, { requestInit: { headers } }));
    } catch (err) {
      return fail(json, EXIT.unreachable, { code: BACKEND_UNAVAILABLE, message: `cannot reach ${url} over Streamable HTTP: ${errorText(err)}` });
    }
    const tools: Tool[] = await listAllTools(client);
    const tool = tools.find((t) => t.name === name);
    if (!tool) {
      const close = suggest(name, tools.map((t) => t.name), { max: 3, containment: true });
      const hint = close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : '';
      return fail(json, EXIT.unknownTool, { code: JsonRpcCode.InvalidParams, message: `Unknown tool "${name}" at ${url}.${hint}` });
    }
    checkArguments(name, tool.inputSchema, args);
    return await callAndPrint(client, name, args, { json, listed: true });
  } finally {
    await client.close().catch(() => undefined);
  }
}

async function callAndPrint(client: Client, name: string, args: Arguments, options: CallOptions): Promise<number> {
  let result: CallToolResult;
  try {
    result = (await client.callTool(
      { name, arguments: args },
      { onprogress: (p) => process.stderr.write(`… ${p.progress}${p.total !== undefined ? `/${p.total}` : ''}${p.message ? ` ${p.message}` : ''}\n`) },
    )) as CallToolResult;
  } catch (err) {
    const code = typeof (err as { code?: unknown }).code === 'number' ? ((err as { code: number }).code) : undefined;
    const data = (err as { data?: unknown }).data;
    const reason = (data as { reason?: unknown } | undefined)?.reason;
    const error = { code: code ?? JsonRpcCode.InternalError, message: errorText(err), ...(data !== undefined && { data }) };
    return fail(options.json, exitForError(code, typeof reason === 'string' ? reason : undefined, options.listed), error);
  }
  process.stdout.write(options.json ? JSON.stringify(result, null, 2) + '\n' : resultText(result)); // stdout-ok: the command's printout, never a stdio front
  if (!result.isError) return EXIT.ok;
  process.stderr.write(`switchboard: tool "${name}" answered with isError\n`);
  return EXIT.toolError;
}

/**
 * The router says why in `data.reason` (its SB_* code); a server called directly (--url) has only
 * the JSON-RPC code, where -32001 is the SDK's and most servers' timeout.
 */
export function exitForError(code: number | undefined, reason: string | undefined, listed: boolean): number {
  if (reason !== undefined) {
    if (UNREACHABLE.has(reason)) return EXIT.unreachable;
    if (UNKNOWN.has(reason) || (!listed && reason === 'SB_OUTSIDE_WORKSPACE')) return EXIT.unknownTool;
    return EXIT.toolError;
  }
  if (code === BACKEND_UNAVAILABLE || code === JsonRpcCode.RequestTimeout) return EXIT.unreachable;
  if (!listed && code === JsonRpcCode.InvalidParams) return EXIT.unknownTool;
  return EXIT.toolError;
}

function fail(json: boolean, exit: number, error: WireError): number {
  process.stderr.write(`switchboard: ${error.message}\n`);
  if (json) process.stdout.write(JSON.stringify({ error }, null, 2) + '\n'); // stdout-ok: the command's printout, never a stdio front
  return exit;
}

function errorText(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as { cause?: unknown }).cause;
  const text = stripSdkPrefix(err.message);
  return cause instanceof Error && !text.includes(cause.message) ? `${text} (${cause.message})` : text;
}
