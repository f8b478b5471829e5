/**
 * `switchboard tools`: the merged catalog as a client of `serve` would list it (workspaces applied),
 * as a table for people or as JSON for scripts.
 */
import type { Tool } from '@modelcontextprotocol/client';
import type { CatalogView } from '../catalog/view.js';
import { parseFlags } from './args.js';
import { LOG_FORMAT_HELP } from './logging.js';
import { openLocalRouter, type LocalRouter } from './local-router.js';
import { cut, table } from './table.js';

export const TOOLS_HELP = `Usage: switchboard tools [--workspace NAME] [--json] [--config PATH]

List every tool the router serves: public name, backend and description. Backends are started,
waited for (each at most its connectTimeout) and stopped again.

Options:
  -c, --config PATH          router.yaml to load (default: $SWITCHBOARD_CONFIG, else ./router.yaml)
  -w, --workspace NAME       list what workspace NAME shows (default: $SWITCHBOARD_WORKSPACE, else the
                             "default" workspace, else everything)
      --json                 print an array of { name, server, title, description, inputSchema }
      --log-level LEVEL      trace | debug | info | warn | error | fatal | silent (default error)
      ${LOG_FORMAT_HELP}
  -h, --help                 show this help

Exit codes: 0 ok (a backend that is down is reported on stderr), 1 usage or config error.`;

export const LOCAL_FLAGS = {
  config: { type: 'string', short: 'c' },
  workspace: { type: 'string', short: 'w' },
  json: { type: 'boolean' },
  'log-level': { type: 'string' },
  'log-format': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The name shown for tools the router answers itself (a workspace's search_tools and call_tool). */
const ROUTER_ITSELF = '(router)';
const DEFAULT_COLUMNS = 100;

export interface ToolEntry {
  name: string;
  server: string;
  title: string | null;
  description: string | null;
  inputSchema: Tool['inputSchema'];
}

export async function runTools(argv: string[]): Promise<number> {
  const { values } = parseFlags('tools', argv, LOCAL_FLAGS);
  if (values.help) {
    process.stderr.write(TOOLS_HELP + '\n');
    return 0;
  }
  const local = await openLocalRouter(values);
  try {
    const entries = toolEntries(await local.listTools(), local.view);
    reportDown(local);
    process.stdout.write(values.json ? JSON.stringify(entries, null, 2) + '\n' : toolsTable(entries, process.stdout.isTTY ? (process.stdout.columns ?? DEFAULT_COLUMNS) : DEFAULT_COLUMNS)); // stdout-ok: the command's printout, never a stdio front
    return 0;
  } finally {
    await local.close();
  }
}

export function toolEntries(tools: readonly Tool[], view: CatalogView): ToolEntry[] {
  return tools.map((tool) => {
    const target = view.resolveTool(tool.name);
    return {
      name: tool.name,
      server: target && !target.local ? target.server : ROUTER_ITSELF,
      title: tool.title ?? null,
      description: tool.description ?? null,
      inputSchema: tool.inputSchema,
    };
  });
}

/** One row per tool; the description's first line, cut so no row is wider than the terminal. */
export function toolsTable(entries: readonly ToolEntry[], columns: number): string {
  if (entries.length === 0) return 'no tools: no backend is up, or the workspace selects none\n';
  const rows = entries.map((e) => [e.name, e.server, firstLine(e.description ?? '')]);
  return table(['TOOL', 'BACKEND', 'DESCRIPTION'], rows, { lastColumn: (text, used) => cut(text, columns - used) });
}

function firstLine(text: string): string {
  return text.split('\n').find((l) => l.trim() !== '')?.trim().replace(/\s+/g, ' ') ?? '';
}

/** A backend that is down lists no tools; say so, or the table reads as if it had none. */
export function reportDown(local: LocalRouter): void {
  for (const b of local.downBackends()) {
    const why = b.state === 'starting' ? `did not finish starting within its connectTimeout (${b.config.connectTimeoutMs} ms)` : (b.lastError ?? 'unknown error');
    process.stderr.write(`switchboard: backend "${b.name}" is down, its tools are missing: ${why}\n`);
  }
}
