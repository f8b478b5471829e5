/**
 * `switchboard serve`: load router.yaml, start every backend in parallel, and serve the catalog on
 * stdio (the default: what Claude Desktop launches) or Streamable HTTP.
 */
import { resolve } from 'node:path';
import { loadConfig } from '../config/index.js';
import type { ListenConfig, RouterConfig } from '../config/types.js';
import { SwitchboardError } from '../errors.js';
import { createLogger, LOG_LEVELS, type LogLevel } from '../log.js';
import { Router } from '../router.js';
import { HttpFront } from '../transports/http-front.js';
import { isLoopbackHost } from '../transports/http-guards.js';
import { StdioFrontTransport } from '../transports/stdio-front.js';
import { oneOf, parseFlags, parsePort } from './args.js';
import { onShutdown } from './shutdown.js';
import { formatSummary } from './summary.js';
import { claudeDesktopSnippet } from './snippet.js';

export const SERVE_HELP = `Usage: switchboard serve [options]

Serve every backend in the config as one MCP server.

Options:
  -c, --config PATH          router.yaml to load (default: $SWITCHBOARD_CONFIG, else ./router.yaml)
      --http                 serve Streamable HTTP instead of stdio (same as --transport http)
      --transport KIND       stdio | http (default: listen.transport in the config, else stdio)
      --host HOST            HTTP bind address (default 127.0.0.1)
      --port PORT            HTTP port (default 8765; 0 picks a free one)
      --auth-token TOKEN     require "Authorization: Bearer TOKEN" from HTTP clients
      --allow-unauthenticated  allow a non-loopback --host without --auth-token
      --log-level LEVEL      trace | debug | info | warn | error | fatal | silent (default info)
  -h, --help                 show this help

Logs go to stderr only; on stdio, stdout carries MCP messages and nothing else.`;

const FRONT_KINDS = ['stdio', 'http'] as const;
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
    'log-level': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stderr.write(SERVE_HELP + '\n');
    return;
  }
  const { config, path } = await loadConfig({ path: values.config, env: process.env, cwd: process.cwd() });
  const front = values.http ? 'http' : (oneOf(values.transport, FRONT_KINDS, '--transport') ?? frontFromConfig(config));
  const listen: ListenConfig = {
    ...config.listen,
    host: values.host ?? config.listen.host,
    port: parsePort(values.port, '--port') ?? config.listen.port,
    authToken: values['auth-token'] ?? config.listen.authToken,
    allowUnauthenticated: values['allow-unauthenticated'] ?? config.listen.allowUnauthenticated,
  };
  const level = oneOf(values['log-level'], LOG_LEVELS, '--log-level') ?? config.logLevel ?? 'info';
  const log = createLogger(level as LogLevel);
  const router = new Router({ ...config, listen }, { log, firstListWaitMs: FIRST_LIST_WAIT_MS });

  let httpFront: HttpFront | undefined;
  const shutdown = onShutdown(
    async () => {
      await httpFront?.close();
      await router.close();
    },
    { log: (m) => log.info(m) },
  );

  // The front is up before any backend: clients connect at once, late tools arrive by list_changed.
  if (front === 'stdio') {
    const transport = new StdioFrontTransport();
    const session = await router.connect(transport);
    session.onclose = chainClose(session.onclose, shutdown);
  } else {
    assertSafeBind(listen);
    httpFront = new HttpFront({ router, listen, log });
    const url = await httpFront.listen();
    process.stderr.write(`mcp-switchboard listening on ${url}\n`);
    process.stderr.write(claudeDesktopSnippet(path) + '\n');
  }
  await reportStartup(router, path);
}

function frontFromConfig(config: RouterConfig): (typeof FRONT_KINDS)[number] {
  const kind = config.listen.transport;
  if (kind === 'stdio' || kind === 'http') return kind;
  throw new SwitchboardError('SB_USAGE', `listen.transport: "${kind}" is not available in serve yet; use stdio or http`);
}

function assertSafeBind(listen: ListenConfig): void {
  if (isLoopbackHost(listen.host) || listen.authToken || listen.allowUnauthenticated) return;
  throw new SwitchboardError(
    'SB_USAGE',
    `refusing to serve on ${listen.host} without authentication: anyone who can reach this address could use every backend. Pass --auth-token TOKEN (or listen.authToken), or --allow-unauthenticated if a proxy in front does auth.`,
  );
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

function chainClose(first: (() => void) | undefined, second: () => void): () => void {
  return () => {
    first?.();
    second();
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
