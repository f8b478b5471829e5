/**
 * `switchboard serve`: load router.yaml, start every backend in parallel, and serve the catalog on
 * stdio (the default: what Claude Desktop launches) or Streamable HTTP.
 */
import { resolve } from 'node:path';
import { createTransportFactory } from '../backends/transport-factory.js';
import { Watchdog } from '../backends/watchdog.js';
import { loadConfig } from '../config/index.js';
import type { ListenConfig } from '../config/types.js';
import { Router } from '../router.js';
import { StdioFrontTransport } from '../transports/stdio-front.js';
import { LEGACY_MESSAGE_PATH, LEGACY_SSE_PATH, NetworkFronts } from '../transports/network-fronts.js';
import { WorkspaceHttp } from '../transports/workspace-routes.js';
import { oneOf, parseCors, parseFlags, parsePath, parsePort, parsePositiveInt } from './args.js';
import { assertSafeBind } from './listeners.js';
import { cliLogger, LOG_FORMAT_HELP } from './logging.js';
import { onShutdown } from './shutdown.js';
import { formatSummary } from './summary.js';
import { claudeDesktopSnippet } from './snippet.js';
import { startTracing } from './telemetry.js';
import { createWorkspaces } from './workspaces.js';

export const SERVE_HELP = `Usage: switchboard serve [options]

Serve every backend in the config as one MCP server.

Options:
  -c, --config PATH          router.yaml to load (default: $SWITCHBOARD_CONFIG, else ./router.yaml)
      --http                 serve Streamable HTTP instead of stdio (same as --transport http)
      --transport KIND       stdio | http | sse | ws (default: listen.transport in the config, else stdio)
                             http: Streamable HTTP on /mcp; sse: also legacy HTTP+SSE on /sse + /message;
                             ws: also WebSocket (subprotocol "mcp") on /mcp
      --host HOST            HTTP bind address (default 127.0.0.1)
      --port PORT            HTTP port (default 8765; 0 picks a free one)
      --auth-token TOKEN     require "Authorization: Bearer TOKEN" from HTTP clients
      --allow-unauthenticated  allow a non-loopback --host without --auth-token
      --cors ORIGIN          send CORS headers for ORIGIN (repeatable; "*" for any)
      --health-endpoint PATH answer 200 "ok" on PATH (repeatable; default /healthz)
      --max-body-bytes N     largest request body (default 4194304)
      --log-level LEVEL      trace | debug | info | warn | error | fatal | silent (default info)
      ${LOG_FORMAT_HELP}
  -w, --workspace NAME       serve only workspace NAME from the config (default: $SWITCHBOARD_WORKSPACE;
                             else over HTTP /w/NAME/mcp, the client's roots, or the "default" workspace)
  -h, --help                 show this help

Logs go to stderr only; on stdio, stdout carries MCP messages and nothing else.`;

const FRONT_KINDS = ['stdio', 'http', 'sse', 'ws'] as const;
/** How long list requests wait for backends still on their first start, so first lists are complete. */
const FIRST_LIST_WAIT_MS = 3000;

export async function runServe(argv: string[]): Promise<void> {
  const { values } = parseFlags('serve', argv, {
    config: { type: 'string', short: 'c' },
    http: { type: 'boolean' },
    transport: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    'auth-token': { type: 'string' },
    'allow-unauthenticated': { type: 'boolean' },
    cors: { type: 'string', multiple: true },
    'health-endpoint': { type: 'string', multiple: true },
    'max-body-bytes': { type: 'string' },
    'log-level': { type: 'string' },
    'log-format': { type: 'string' },
    workspace: { type: 'string', short: 'w' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stderr.write(SERVE_HELP + '\n');
    return;
  }
  const { config, path } = await loadConfig({ path: values.config, env: process.env, cwd: process.cwd() });
  const front = values.http ? 'http' : (oneOf(values.transport, FRONT_KINDS, '--transport') ?? config.listen.transport);
  const listen: ListenConfig = {
    ...config.listen,
    host: values.host ?? config.listen.host,
    port: parsePort(values.port, '--port') ?? config.listen.port,
    authToken: values['auth-token'] ?? config.listen.authToken,
    allowUnauthenticated: values['allow-unauthenticated'] ?? config.listen.allowUnauthenticated,
    ...listenFlags(values),
  };
  const log = cliLogger({ level: values['log-level'], format: values['log-format'], defaultLevel: config.logLevel ?? 'info', names: config.servers.map((s) => s.name) });
  // Before any backend starts: every stdio backend's group is registered with it as it spawns.
  const watchdog = new Watchdog({ log });
  // Off (and no OpenTelemetry module loaded) unless an OTLP endpoint is set.
  const tracing = await startTracing(process.env);
  const router = new Router(
    { ...config, listen },
    {
      log,
      firstListWaitMs: FIRST_LIST_WAIT_MS,
      transportFactory: createTransportFactory({ watchdog, traceHeaders: tracing !== undefined }),
      ...(tracing && { observers: [tracing.observer] }),
    },
  );
  const workspaces = createWorkspaces(router, log, values.workspace);

  let fronts: NetworkFronts | undefined;
  let workspaceHttp: WorkspaceHttp | undefined;
  const shutdown = onShutdown(
    async () => {
      // Usage first: it is a quick synchronous write, and must not wait on backends that hang.
      workspaces.close();
      await fronts?.close();
      await workspaceHttp?.close();
      await router.close();
      await tracing?.close();
      // Last: it reaps only what router.close() failed to stop.
      await watchdog.close();
    },
    { log: (m) => log.info(m) },
  );

  // The front is up before any backend: clients connect at once, late tools arrive by list_changed.
  if (front === 'stdio') {
    const transport = new StdioFrontTransport();
    const session = await router.connect(transport, workspaces.initialView());
    session.onClose(shutdown);
  } else {
    assertSafeBind(listen);
    workspaceHttp = new WorkspaceHttp({ workspaces, listen, log, connect: (t, view) => router.connect(t, view) });
    fronts = new NetworkFronts({
      listen,
      log,
      // Sessions without a view of their own (legacy SSE, WebSocket) start where a new client would.
      connect: (t, view) => router.connect(t, view ?? workspaces.initialView()),
      route: workspaceHttp.route,
      extraRoutes: [workspaceHttp.extraRoute],
      ...(front === 'sse' ? { sse: { ssePath: LEGACY_SSE_PATH, messagePath: LEGACY_MESSAGE_PATH } } : {}),
      ...(front === 'ws' ? { wsPath: listen.path } : {}),
    });
    const urls = await fronts.listen();
    for (const url of Object.values(urls)) process.stderr.write(`mcp-switchboard listening on ${url}\n`);
    process.stderr.write(claudeDesktopSnippet(path) + '\n');
  }
  await reportStartup(router, path);
  // Names in workspace globs and overrides exist only once the backends are up.
  workspaces.warnConfig();
}

/** --cors, --health-endpoint and --max-body-bytes over listen: in the config. */
function listenFlags(values: { cors?: string[]; 'health-endpoint'?: string[]; 'max-body-bytes'?: string }): Partial<ListenConfig> {
  const health = values['health-endpoint'];
  const maxBodyBytes = parsePositiveInt(values['max-body-bytes'], '--max-body-bytes');
  return {
    ...parseCors(values.cors),
    ...(health?.length ? { healthEndpoints: health.map((p) => parsePath(p, '--health-endpoint')) } : {}),
    ...(maxBodyBytes !== undefined ? { maxBodyBytes } : {}),
  };
}

/** Print the summary once every backend has come up or failed, or after a few seconds with what is known. */
async function reportStartup(router: Router, configPath: string): Promise<void> {
  const started = router.start();
  const early = await Promise.race([started.then(() => true), delay(5000).then(() => false)]);
  process.stderr.write(formatSummary(router.allBackends(), resolve(configPath)) + '\n');
  if (!early) {
    await started;
    process.stderr.write(formatSummary(router.allBackends(), undefined) + '\n');
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
