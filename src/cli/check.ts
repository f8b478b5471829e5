/**
 * `switchboard check`: is this config good to serve? Loads it (every config problem is reported at
 * once, exit 1), connects every enabled backend once, in parallel, and prints what came up with how
 * many tools, prompts and resources, how long the handshake took, and for what failed the reason and
 * the config field to fix. Exit 0 only when every enabled backend is up, else 4.
 */
import { Backend } from '../backends/backend.js';
import { failureField } from '../backends/start-failure.js';
import { createTransportFactory } from '../backends/transport-factory.js';
import { Watchdog } from '../backends/watchdog.js';
import { loadConfig } from '../config/index.js';
import type { ServerConfig } from '../config/types.js';
import { parseFlags } from './args.js';
import { ProgressLines } from './check-progress.js';
import { cliLogger, LOG_FORMAT_HELP } from './logging.js';
import { table } from './table.js';

export const CHECK_HELP = `Usage: switchboard check [--json] [--config PATH]

Validate the config and connect every enabled backend once: a table of backend, transport, status,
tools, prompts, resources, handshake time, and for each failure the error and the config field to fix.
On a terminal, a progress line per backend is shown on stderr while they connect.

Options:
  -c, --config PATH          router.yaml to check (default: $SWITCHBOARD_CONFIG, else ./router.yaml)
      --json                 print an array of rows instead of the table
      --log-level LEVEL      trace | debug | info | warn | error | fatal | silent (default error)
      ${LOG_FORMAT_HELP}
  -h, --help                 show this help

Exit codes: 0 every enabled backend is up, 1 usage or config error, 4 some backend is down.`;

export interface CheckRow {
  backend: string;
  transport: string;
  status: 'up' | 'down' | 'disabled';
  tools: number | null;
  prompts: number | null;
  resources: number | null;
  resourceTemplates: number | null;
  /** Connect, initialize and the first lists, in ms. */
  handshakeMs: number | null;
  error: string | null;
  /** The config field to look at when it is down. */
  hint: string | null;
}

/** Beyond each server's connectTimeout: listing after the handshake takes a moment too. */
const MARGIN_MS = 2000;

export async function runCheck(argv: string[]): Promise<number> {
  const { values } = parseFlags('check', argv, {
    config: { type: 'string', short: 'c' },
    json: { type: 'boolean' },
    'log-level': { type: 'string' },
    'log-format': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stderr.write(CHECK_HELP + '\n');
    return 0;
  }
  const { config, path } = await loadConfig({ path: values.config, env: process.env, cwd: process.cwd() });
  const log = cliLogger({ level: values['log-level'], format: values['log-format'], defaultLevel: 'error', names: config.servers.map((s) => s.name) });
  const enabled = config.servers.filter((s) => s.enabled);
  const progress = new ProgressLines(process.stderr, enabled.map((s) => s.name));
  const watchdog = new Watchdog({ log });
  const transportFactory = createTransportFactory({ watchdog });
  // One attempt each: a check reports, it does not keep retrying.
  const backends = enabled.map((s) => new Backend(s, { log, transportFactory, retryDelaysMs: [3_600_000] }));
  let rows: CheckRow[];
  try {
    const results = await Promise.all(
      backends.map(async (backend, i) => {
        const row = await checkBackend(backend);
        progress.done(i, progressLine(row, Math.max(...enabled.map((s) => s.name.length))));
        return row;
      }),
    );
    const byName = new Map(results.map((r) => [r.backend, r]));
    rows = config.servers.map((s) => byName.get(s.name) ?? disabledRow(s));
  } finally {
    await Promise.all(backends.map((b) => b.close()));
    await watchdog.close();
  }
  const down = rows.filter((r) => r.status === 'down').length;
  if (values.json) process.stdout.write(JSON.stringify(rows, null, 2) + '\n'); // stdout-ok: the command's printout, never a stdio front
  else process.stdout.write(checkTable(rows)); // stdout-ok: the command's printout, never a stdio front
  const up = rows.filter((r) => r.status === 'up').length;
  process.stderr.write(`switchboard: ${up}/${up + down} backends up (config: ${path})\n`);
  return down === 0 ? 0 : 4;
}

async function checkBackend(backend: Backend): Promise<CheckRow> {
  const started = performance.now();
  const attempts = backend.config.target.kind === 'auto' ? 2 : 1;
  const limit = backend.config.connectTimeoutMs * attempts + MARGIN_MS;
  let timer: NodeJS.Timeout | undefined;
  const finished = await Promise.race([backend.start().then(() => true), new Promise<false>((r) => (timer = setTimeout(() => r(false), limit)))]);
  clearTimeout(timer);
  const handshakeMs = Math.round(performance.now() - started);
  const transport = backend.transportKind ?? targetKind(backend.config);
  if (backend.state === 'ready') {
    const l = backend.lists;
    return { backend: backend.name, transport, status: 'up', tools: l.tools.length, prompts: l.prompts.length, resources: l.resources.length, resourceTemplates: l.resourceTemplates.length, handshakeMs, error: null, hint: null };
  }
  const error = finished ? (backend.lastError ?? 'unknown error') : `did not come up within ${limit} ms`;
  return { backend: backend.name, transport, status: 'down', tools: null, prompts: null, resources: null, resourceTemplates: null, handshakeMs, error, hint: failureField(error, backend.name) };
}

function disabledRow(server: ServerConfig): CheckRow {
  return { backend: server.name, transport: targetKind(server), status: 'disabled', tools: null, prompts: null, resources: null, resourceTemplates: null, handshakeMs: null, error: null, hint: null };
}

function targetKind(server: ServerConfig): string {
  const target = server.target;
  // An `auth: oauth` server without `type` is only tried over Streamable HTTP (transport-factory.ts).
  if (target.kind === 'auto') return target.oauth ? 'http' : 'http/sse';
  return target.kind;
}

function progressLine(row: CheckRow, width: number): string {
  const name = row.backend.padEnd(width);
  if (row.status === 'up') return `✓ ${name}  up    ${row.transport}  ${row.tools} tools  ${row.handshakeMs} ms`;
  return `✗ ${name}  DOWN  ${row.transport}  ${row.error}`;
}

export function checkTable(rows: readonly CheckRow[]): string {
  if (rows.length === 0) return 'no servers configured: add some under "servers:" in the config\n';
  const n = (v: number | null) => (v === null ? '-' : String(v));
  const body = rows.map((r) => [
    r.backend,
    r.transport,
    r.status,
    n(r.tools),
    n(r.prompts),
    n(r.resources),
    r.handshakeMs === null ? '-' : `${r.handshakeMs}`,
    r.hint ?? '',
    r.error ?? '',
  ]);
  return table(['BACKEND', 'TRANSPORT', 'STATUS', 'TOOLS', 'PROMPTS', 'RESOURCES', 'MS', 'FIX', 'ERROR'], body);
}
