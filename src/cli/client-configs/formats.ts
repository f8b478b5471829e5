/**
 * The MCP client config files we read and write, recognised by their content rather than their name:
 * users rename, copy and symlink these files, and the three shapes differ in ways we can see.
 *
 * - Claude Desktop (claude_desktop_config.json): `mcpServers` of stdio entries, no variables.
 * - Cursor / Claude Code (mcp.json, .mcp.json): `mcpServers`, plus `type`, `url`, `headers`, and
 *   `${VAR}` / `${VAR:-default}` (Claude Code) or `${env:VAR}` (Cursor) references.
 * - VS Code (.vscode/mcp.json): `servers` with `type: stdio|http|sse`, an `inputs` array whose
 *   `${input:id}` references VS Code prompts for, and `envFile`.
 */
import { SwitchboardError } from '../../errors/index.js';

export type ClientFormat = 'claude-desktop' | 'mcp-json' | 'vscode';

export const FORMAT_LABEL: Record<ClientFormat, string> = {
  'claude-desktop': 'Claude Desktop config',
  'mcp-json': 'Cursor / Claude Code mcp.json',
  vscode: 'VS Code mcp.json',
};

/** One `inputs` entry of a VS Code file: what VS Code asks the user for. */
export interface ClientInput {
  id: string;
  description?: string;
  password?: boolean;
}

export interface ClientFile {
  format: ClientFormat;
  /** The top-level key holding the servers: `servers` (VS Code) or `mcpServers`. */
  serversKey: 'servers' | 'mcpServers';
  /** Entries in file order; values are whatever the file holds (checked by the converter). */
  servers: Array<[name: string, entry: unknown]>;
  inputs: ClientInput[];
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parse a client file's text. Plain JSON only: a file with comments is refused with that reason. */
export function parseClientJson(text: string, source: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    throw new SwitchboardError(
      'SB_CONFIG_INVALID',
      `${source}: not valid JSON (${(err as Error).message}). Comments and trailing commas are not supported; remove them and try again.`,
      { cause: err },
    );
  }
  if (!isRecord(value)) throw new SwitchboardError('SB_CONFIG_INVALID', `${source}: expected a JSON object at the top level`);
  return value;
}

const MCP_JSON_HINTS = ['type', 'url', 'headers', 'envFile'];
const REFERENCE = /\$\{/;

function looksLikeMcpJson(servers: Record<string, unknown>): boolean {
  return Object.values(servers).some(
    (entry) => isRecord(entry) && (MCP_JSON_HINTS.some((k) => k in entry) || REFERENCE.test(JSON.stringify(entry))),
  );
}

function readInputs(raw: unknown): ClientInput[] {
  if (!Array.isArray(raw)) return [];
  return raw.filter(isRecord).flatMap((i) =>
    typeof i['id'] === 'string'
      ? [{ id: i['id'], ...(typeof i['description'] === 'string' ? { description: i['description'] } : {}), ...(i['password'] === true ? { password: true } : {}) }]
      : [],
  );
}

/** Recognise a parsed client file. Throws SB_CONFIG_INVALID when it holds no server map we know. */
export function recognise(json: Record<string, unknown>, source: string): ClientFile {
  const vscode = json['servers'];
  const mcp = json['mcpServers'];
  if (isRecord(vscode) && !isRecord(mcp)) {
    return { format: 'vscode', serversKey: 'servers', servers: Object.entries(vscode), inputs: readInputs(json['inputs']) };
  }
  if (isRecord(mcp)) {
    return { format: looksLikeMcpJson(mcp) ? 'mcp-json' : 'claude-desktop', serversKey: 'mcpServers', servers: Object.entries(mcp), inputs: [] };
  }
  throw new SwitchboardError(
    'SB_CONFIG_INVALID',
    `${source}: not an MCP client config: expected "mcpServers" (Claude Desktop, Cursor, Claude Code) or "servers" (VS Code) holding a mapping of servers`,
  );
}
