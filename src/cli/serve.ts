/**
 * `switchboard serve`: load router.yaml, start every backend in parallel, and serve the catalog on
 * stdio (the default: what Claude Desktop launches) or Streamable HTTP.
 */
import { resolve } from 'node:path';
import { createTransportFactory } from '../backends/transport-factory.js';
import { Watchdog } from '../backends/watchdog.js';
import { loadConfig } from '../config/index.js';
import { DEFAULT_SHUTDOWN_GRACE_MS } from '../config/defaults.js';
import { SecretRedactor } from '../config/redact.js';
import type { ListenConfig, RouterConfig } from '../config/types.js';
import { SwitchboardError } from '../errors/index.js';
import { LOG_LEVELS, type LogLevel } from '../log.js';
import { Router } from '../router.js';
import { StdioFrontTransport } from '../transports/stdio-front.js';
import type { NetworkFronts } from '../transports/network-fronts.js';
import type { WorkspaceHttp } from '../transports/workspace-routes.js';
import type { Observability } from '../status/observability.js';
import type { CatalogView } from '../catalog/view.js';
import type { Transport } from '@modelcontextprotocol/server';
import type { Workspaces } from '../workspace/workspaces.js';
import type { Principal } from '../util/principal.js';
import { oneOf, parseCors, parseFlags, parsePath, parsePort, parsePositiveInt } from './args.js';
import { cliLogger, LOG_FORMAT_HELP } from './logging.js';
import { CLOSE_DEADLINE_MS, onShutdown } from './shutdown.js';
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
      --status-path PATH     serve the status page on PATH (default /); its data is /status.json,
                             Prometheus metrics are /metrics (HTTP fronts; same bearer token as MCP)
      --max-body-bytes N     largest request body (default 4194304)
      --log-level LEVEL      trace | debug | info | warn | error | fatal | silent (default info)
      ${LOG_FORMAT_HELP}
  -w, --workspace NAME       serve only workspace NAME from the config (default: $SWITCHBOARD_WORKSPACE;
                             else over HTTP /w/NAME/mcp, the client's roots, or the "default" workspace)
      --watch                reload the config whenever the file changes (SIGHUP reloads it always):
                             servers and workspaces change without dropping clients; an invalid file
                             is reported and the running config kept
  -h, --help                 show this help

Logs go to stderr only; on stdio, stdout carries MCP messages and nothing else.`;

const FRONT_KINDS = ['stdio', 'http', 'sse', 'ws'] as const;
/** After the last answers of a shutdown are written, before sockets are closed under them. */
const FLUSH_MS = 50;
/**
 * Shorter config values are not redacted in logs and client errors: nothing that short is a
 * credential, and replacing "1" or "true" would garble every JSON log line that has such a token.
 */
const MIN_REDACTED_LENGTH = 6;

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
    'status-path': { type: 'string' },
    'max-body-bytes': { type: 'string' },
    'log-level': { type: 'string' },
    'log-format': { type: 'string' },
    workspace: { type: 'string', short: 'w' },
    watch: { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stderr.write(SERVE_HELP + '\n');
    return;
  }
  const loaded = await loadConfig({ path: values.config, env: process.env, cwd: process.cwd() });
  const path = loaded.path;
  // Flags win over the file, at start-up and on every reload alike.
  const withFlags = flagsOver(values);
  const config = withFlags(loaded.config);
  const front = config.listen.transport;
  const listen = config.listen;
  // Every secret value the config holds never leaves the process: not in logs, not in the summary,
  // not in an error a client gets (docs/operations.md, "Secrets in logs and errors").
  // A reload adds its config's secrets (ConfigReloader), so a redactor is in place even with none yet.
  const secrets = new SecretRedactor({ minLength: MIN_REDACTED_LENGTH });
  secrets.add(config);
  const redact = secrets.redact;
  // The status page hides short values too: it shows no JSON lines a "1" would garble.
  const statusSecrets = new SecretRedactor();
  statusSecrets.add(config);
  const log = cliLogger({ format: values['log-format'], defaultLevel: config.logLevel ?? 'info', names: config.servers.map((s) => s.name), redact });
  const say = (text: string): void => void process.stderr.write(redact(text) + '\n');
  // Before any backend starts: every stdio backend's group is registered with it as it spawns.
  const watchdog = new Watchdog({ log });
  const http = front !== 'stdio';
  // Before any child is spawned: a refused bind or a bad --status-path leaves nothing behind.
  if (http) {
    const { assertAuthConsistent, assertSafeBind } = await import('./listeners.js');
    assertSafeBind(listen);
    assertAuthConsistent(listen, config.workspaces);
  }
  const statusPath = http ? await parseStatusPath(values['status-path'], listen) : rejectStatusPathOnStdio(values['status-path']);
  // Replicas share Redis and a secret (docs/scaling.md); one process on stdio has nobody to share with.
  const cluster = config.cluster && http ? new (await import('../cluster/cluster.js')).Cluster(config.cluster, { log }) : undefined;
  if (config.cluster && !http) log.warn('cluster: is ignored on a stdio front (serve --http to run as a replica)');
  // Only an HTTP front has a port to show metrics and status on; stdio loads none of it. They read
  // the router and workspaces only when asked (a scrape, a status poll): both exist by then.
  let observability: Observability | undefined;
  if (http) {
    const [{ Observability }, { VERSION }] = await Promise.all([import('../status/observability.js'), import('../version.js')]);
    observability = new Observability({
      config,
      version: VERSION,
      backends: () => router.allBackends(),
      workspaces: () => workspaces.listings(),
      ...(cluster && { replica: cluster.replicaId, clusterCalls: () => shared?.calls?.list() }),
      redact: statusSecrets.redact,
    });
  }
  // Off (and no OpenTelemetry module loaded) unless an OTLP endpoint is set.
  const tracing = await startTracing(process.env);
  // A gateway shared through OAuth logs who called what (the audit trail); one user's does not need to.
  const audit = listen.auth && http ? new (await import('../status/audit-log.js')).AuditLog(log) : undefined;
  const observed = observability?.routerOptions();
  const router = new Router(config, {
    log,
    waitForFirstStart: true,
    transportFactory: createTransportFactory({ watchdog, traceHeaders: tracing !== undefined }),
    ...observed,
    observers: [...(observed?.observers ?? []), ...(tracing ? [tracing.observer] : []), ...(audit ? [audit] : [])],
    redact,
    ...(cluster && { signing: cluster.signing, heldCalls: cluster.heldCalls }),
  });
  // Pub/sub of list changes and resource updates, shared counters (docs/scaling.md).
  const shared = cluster ? new (await import('./cluster-wiring.js')).ClusterWiring(cluster, router, observability) : undefined;
  const graceMs = config.shutdownGraceMs ?? DEFAULT_SHUTDOWN_GRACE_MS;
  // On an HTTP front, children first: they take the longest to be ready, and everything below
  // (workspaces, search, the HTTP fronts) is loaded while they start. On stdio the client is already
  // waiting for its initialize answer, so the front comes first and the children right after it:
  // twenty children starting at once starved the router of CPU for the rest of its own loading, and
  // initialize took seconds. Either way a client's first list waits for them (each backend bounded by
  // its own connectTimeout; a list that comes before they were started starts them).
  let started = front === 'stdio' ? undefined : router.start();
  let workspaces: Workspaces;
  try {
    workspaces = await createWorkspaces(router, log, values.workspace, shared?.usage);
  } catch (err) {
    await router.close();
    shared?.close();
    await cluster?.close();
    await tracing?.close();
    await watchdog.close();
    throw err;
  }
  const frontKindOf = http ? (await import('../transports/front-kind.js')).frontKindOf : undefined;
  // Every session, whichever front and path it came through, is counted under its front.
  const connect = async (t: Transport, view: CatalogView, principal?: Principal) => {
    const session = shared ? shared.track(await router.connect(t, view, principal)) : await router.connect(t, view, principal);
    return observability && frontKindOf ? observability.track(session, frontKindOf(t)) : session;
  };
  const [{ ConfigReloader }, { ConfigWatcher }] = await Promise.all([import('./reload.js'), import('./config-watch.js')]);
  // The start-up rule holds for reloads too: allow lists an HTTP front without listen.auth would ignore are refused.
  const check = http ? (await import('./listeners.js')).assertAuthConsistent : undefined;
  const reloader = new ConfigReloader({
    path,
    env: process.env,
    withFlags,
    router,
    workspaces,
    write: say,
    secrets: [secrets, statusSecrets],
    ...(check && { check: (c: RouterConfig) => check(c.listen, c.workspaces) }),
  });
  // SIGHUP's default action would end the process. Windows raises SIGHUP when its console closes, and
  // the process is ended moments later: there it still shuts down.
  const reloadOnHangup = process.platform !== 'win32';
  if (reloadOnHangup) process.on('SIGHUP', () => void reloader.request('SIGHUP'));
  const watcher = values.watch ? new ConfigWatcher(path, () => void reloader.request('watch'), { onError: (err) => log.warn({ err: String(err) }, 'watching the config failed') }) : undefined;

  let fronts: NetworkFronts | undefined;
  let workspaceHttp: WorkspaceHttp | undefined;
  const shutdown = onShutdown(
    async (why) => {
      // First, and synchronously: from this moment new requests are refused. Requests in flight get
      // the grace period to finish meanwhile.
      const drained = router.drain(why, graceMs);
      watcher?.close();
      await reloader.close();
      await drained;
      await delay(FLUSH_MS);
      // Usage first: it is a quick synchronous write, and must not wait on backends that hang.
      workspaces.close();
      // 2026 listeners get their graceful result while their streams are still open.
      router.modern.close();
      await fronts?.close();
      await workspaceHttp?.close();
      shared?.close();
      await cluster?.close();
      await router.close();
      observability?.close();
      await tracing?.close();
      // Last: it reaps only what router.close() failed to stop.
      await watchdog.close();
    },
    { log: (m) => log.info(m), deadlineMs: graceMs + CLOSE_DEADLINE_MS, ...(reloadOnHangup && { signals: ['SIGINT', 'SIGTERM'] }) },
  );

  // The front is up before any backend: clients connect at once, late tools arrive by list_changed.
  if (front === 'stdio') {
    const transport = new StdioFrontTransport(process.stdin, process.stdout, { log });
    const session = await connect(transport, workspaces.initialView());
    session.onClose(shutdown);
    // Two loop turns later: stdin is polled in between, so an initialize already waiting there is
    // answered before twenty spawns (one turn was not enough: this code runs in a phase after poll).
    started = new Promise<void>((resolve) => setImmediate(() => setImmediate(() => resolve(router.start()))));
  } else if (observability /* always, on an HTTP front */) {
    const [{ WorkspaceHttp }, { LEGACY_MESSAGE_PATH, LEGACY_SSE_PATH, NetworkFronts }, { claudeDesktopSnippet }, { statusRoutes }, { ModernHttp }] = await Promise.all([
      import('../transports/workspace-routes.js'),
      import('../transports/network-fronts.js'),
      import('./snippet.js'),
      import('../transports/status-routes.js'),
      import('../transports/modern-http.js'),
    ]);
    // One access-token verifier for every route of the port (one JWKS cache).
    const tokens = listen.auth ? { tokens: new (await import('../transports/access-tokens.js')).AccessTokens(listen.auth) } : {};
    workspaceHttp = new WorkspaceHttp({ workspaces, listen, log, connect, ...tokens });
    fronts = new NetworkFronts({
      listen,
      log,
      // Sessions without a view of their own (legacy SSE, WebSocket) start where a new client would.
      connect: (t, view, principal) => connect(t, view ?? workspaces.initialView(principal), principal),
      route: workspaceHttp.route,
      modern: { http: new ModernHttp(router.modern, redact, cluster), defaultView: (principal) => workspaces.initialView(principal) },
      extraRoutes: [
        workspaceHttp.extraRoute,
        statusRoutes({ listen, statusPath, snapshot: () => observability.snapshot(), metrics: () => observability.metrics.render(), ...tokens }),
      ],
      ...tokens,
      ...(cluster && { cluster }),
      ...(front === 'sse' ? { sse: { ssePath: LEGACY_SSE_PATH, messagePath: LEGACY_MESSAGE_PATH } } : {}),
      ...(front === 'ws' ? { wsPath: listen.path } : {}),
    });
    const urls = await fronts.listen();
    for (const url of Object.values(urls)) say(`mcp-switchboard listening on ${url}`);
    if (cluster) say(`replica ${cluster.replicaId} of the cluster, reached at ${await cluster.announce(listen.host, fronts.http.port)}`);
    say(claudeDesktopSnippet(path));
  }
  await reportStartup(router, started ?? router.start(), path, say);
  // Names in workspace globs and overrides exist only once the backends are up.
  workspaces.warnConfig();
}

/** The command line's settings over a config's (validated once, applied to every config loaded). */
function flagsOver(values: FlagValues): (config: RouterConfig) => RouterConfig {
  const transport = values.http ? 'http' : oneOf(values.transport, FRONT_KINDS, '--transport');
  const port = parsePort(values.port, '--port');
  const level = oneOf(values['log-level'], LOG_LEVELS, '--log-level') as LogLevel | undefined;
  const listen: Partial<ListenConfig> = {
    ...(transport !== undefined && { transport }),
    ...(values.host !== undefined && { host: values.host }),
    ...(port !== undefined && { port }),
    ...(values['auth-token'] !== undefined && { authToken: values['auth-token'] }),
    ...(values['allow-unauthenticated'] !== undefined && { allowUnauthenticated: values['allow-unauthenticated'] }),
    ...listenFlags(values),
  };
  return (config) => ({ ...config, listen: { ...config.listen, ...listen }, ...(level !== undefined && { logLevel: level }) });
}

interface FlagValues {
  http?: boolean;
  transport?: string;
  host?: string;
  port?: string;
  'auth-token'?: string;
  'allow-unauthenticated'?: boolean;
  'log-level'?: string;
  cors?: string[];
  'health-endpoint'?: string[];
  'max-body-bytes'?: string;
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

/** --status-path on stdio: refused, since the status page is served over HTTP. */
function rejectStatusPathOnStdio(value: string | undefined): undefined {
  if (value !== undefined) throw new SwitchboardError('SB_USAGE', '--status-path: the status page is served over HTTP; add --http (or --transport http, sse or ws)');
  return undefined;
}

/** --status-path on an HTTP front: never a path something else answers. */
async function parseStatusPath(value: string | undefined, listen: ListenConfig): Promise<string> {
  const { DEFAULT_STATUS_PATH, reservedPaths } = await import('../transports/status-routes.js');
  if (value === undefined) return DEFAULT_STATUS_PATH;
  const path = parsePath(value, '--status-path');
  if (reservedPaths(listen).includes(path) || path.startsWith('/w/') || path.startsWith('/.well-known/')) {
    throw new SwitchboardError('SB_USAGE', `--status-path: ${path} is already served (MCP, health, /metrics, /status.json, /w/NAME/ or /.well-known/); pick another path`);
  }
  return path;
}

/** Print the summary once every backend has come up or failed, or after a few seconds with what is known. */
async function reportStartup(router: Router, started: Promise<void>, configPath: string, say: (text: string) => void): Promise<void> {
  const { formatSummary } = await import('./summary.js');
  const early = await Promise.race([started.then(() => true), delay(5000).then(() => false)]);
  say(formatSummary(router.allBackends(), resolve(configPath)));
  if (!early) {
    await started;
    say(formatSummary(router.allBackends(), undefined));
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
