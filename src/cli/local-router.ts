/**
 * A router inside the CLI process for one-shot commands (tools, call): the config loaded as serve
 * loads it, every backend started and waited for (each bounded by its connectTimeout), and an SDK
 * client connected to it over an in-memory pair, through the workspace serve would give a client.
 * What the command reads or calls is therefore exactly what an MCP client of `serve` gets.
 */
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import type { Tool } from '@modelcontextprotocol/client';
import type { Backend } from '../backends/backend.js';
import { createTransportFactory } from '../backends/transport-factory.js';
import { Watchdog } from '../backends/watchdog.js';
import type { CatalogView } from '../catalog/view.js';
import { loadConfig } from '../config/index.js';
import type { RouterConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { Router } from '../router.js';
import { VERSION } from '../version.js';
import { cliLogger } from './logging.js';
import type { Tracing } from './telemetry.js';
import { createWorkspaces } from './workspaces.js';
import type { Workspaces } from '../workspace/workspaces.js';

export const CLIENT_INFO = { name: 'switchboard-cli', version: VERSION };

export interface LocalRouterFlags {
  config?: string;
  workspace?: string;
  'log-level'?: string;
  'log-format'?: string;
}

export interface LocalRouter {
  readonly config: RouterConfig;
  readonly router: Router;
  readonly view: CatalogView;
  readonly client: Client;
  readonly log: Logger;
  /** Every tool of the view, all pages. */
  listTools(): Promise<Tool[]>;
  /** Backends that are not up, with why. */
  downBackends(): Backend[];
  /** Client, router, backends and the watchdog, in that order; no child process is left. */
  close(): Promise<void>;
}

/** Extra margin over the slowest connectTimeout: listing after the handshake takes a moment too. */
const START_MARGIN_MS = 2000;

export async function openLocalRouter(flags: LocalRouterFlags, tracing?: Tracing): Promise<LocalRouter> {
  const { config } = await loadConfig({ path: flags.config, env: process.env, cwd: process.cwd() });
  // Quiet by default: these commands print their own account of what is down.
  const log = cliLogger({ level: flags['log-level'], format: flags['log-format'], defaultLevel: 'error', names: config.servers.map((s) => s.name) });
  const watchdog = new Watchdog({ log });
  const router = new Router(config, {
    log,
    transportFactory: createTransportFactory({ watchdog, traceHeaders: tracing !== undefined }),
    retryDelaysMs: [60_000],
    ...(tracing && { observers: [tracing.observer] }),
  });
  let workspaces: Workspaces | undefined;
  let client: Client | undefined;
  const close = async (): Promise<void> => {
    await client?.close().catch(() => undefined);
    workspaces?.close();
    await router.close();
    await watchdog.close();
  };
  try {
    workspaces = await createWorkspaces(router, log, flags.workspace);
    await startBounded(router, config);
    const view = workspaces.initialView();
    const [clientSide, routerSide] = InMemoryTransport.createLinkedPair();
    await router.connect(routerSide, view);
    client = new Client(CLIENT_INFO, { capabilities: {} });
    await client.connect(clientSide);
    const connected = client;
    return {
      config,
      router,
      view,
      client: connected,
      log,
      listTools: () => listAllTools(connected),
      downBackends: () => router.allBackends().filter((b) => b.state !== 'ready'),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Start every backend and wait for each to come up or fail; a hung one never holds the command. */
async function startBounded(router: Router, config: RouterConfig): Promise<void> {
  // A remote server without `type` may try Streamable HTTP, then legacy SSE: two connect timeouts.
  const slowest = Math.max(0, ...config.servers.filter((s) => s.enabled).map((s) => s.connectTimeoutMs * (s.target.kind === 'auto' ? 2 : 1)));
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([router.start(), new Promise((resolve) => (timer = setTimeout(resolve, slowest + START_MARGIN_MS)))]);
  clearTimeout(timer);
}

export async function listAllTools(client: Client): Promise<Tool[]> {
  const tools: Tool[] = [];
  let cursor: string | undefined;
  do {
    const page = await client.listTools(cursor === undefined ? {} : { cursor });
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  return tools;
}
