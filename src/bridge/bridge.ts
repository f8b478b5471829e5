/**
 * `switchboard bridge` as a library: one MCP server (a stdio command or a remote URL) served on one
 * output (stdio, Streamable HTTP, legacy SSE or WebSocket). Built from the router and the fronts;
 * see sessions.ts for who owns which child.
 */
import type { Readable, Writable } from 'node:stream';
import { createTransportFactory } from '../backends/transport-factory.js';
import type { ProcessGroupGuard } from '../backends/watchdog.js';
import type { ForwardObserver } from '../engine/engine.js';
import type { Logger, Redactor } from '../log.js';
import { Router, type RouterOptions } from '../router.js';
import { NetworkFronts, type FrontUrls } from '../transports/network-fronts.js';
import { StdioFrontTransport } from '../transports/stdio-front.js';
import { bridgeRouterConfig, type BridgeOptions } from './config.js';
import { isolatedSessions, sharedSessions, type BridgeSessions } from './sessions.js';

export interface BridgeDeps {
  log: Logger;
  /** Restart delays after the child crashes or the remote drops; the last one repeats. */
  retryDelaysMs?: number[];
  /** Kills the children's process groups if this process dies without closing the bridge. */
  watchdog?: ProcessGroupGuard;
  /** Replaces secret values (headers, URL credentials, the auth token) in errors clients get. */
  redact?: Redactor;
  /** Watchers of every forward (traces): passed to each router the bridge builds. */
  observers?: ForwardObserver[];
  /** Copy the trace context into a `traceparent` header for a remote server (while tracing is on). */
  traceHeaders?: boolean;
}

export interface Bridge {
  urls: FrontUrls;
  /** The bound port (0 for the stdio output). */
  port: number;
  sessions: BridgeSessions;
  /** Resolves when the stdio client hangs up (never for network outputs). */
  done: Promise<void>;
  close(): Promise<void>;
}

/** Fast first restarts: a bridge client is usually waiting on the other end. */
const BRIDGE_RETRY_DELAYS_MS = [200, 1000, 2000, 5000, 10_000];

export async function startBridge(options: BridgeOptions, deps: BridgeDeps): Promise<Bridge> {
  const config = bridgeRouterConfig(options);
  const routerOptions: RouterOptions = {
    log: deps.log,
    retryDelaysMs: deps.retryDelaysMs ?? BRIDGE_RETRY_DELAYS_MS,
    // The first tools/list waits for the child, so clients that ignore list_changed see its tools.
    waitForFirstStart: true,
    ...(deps.watchdog || deps.traceHeaders ? { transportFactory: createTransportFactory({ watchdog: deps.watchdog, traceHeaders: deps.traceHeaders }) } : {}),
    ...(deps.observers && { observers: deps.observers }),
    ...(deps.redact ? { redact: deps.redact } : {}),
  };

  if (options.output === 'stdio') {
    const router = new Router(config, routerOptions);
    const sessions = sharedSessions(router);
    const session = await router.connect(new StdioFrontTransport());
    const done = new Promise<void>((resolve) => session.onClose(resolve));
    void router.start();
    return { urls: {}, port: 0, sessions, done, close: () => sessions.close() };
  }

  let sessions: BridgeSessions;
  if (options.shared) {
    const router = new Router(config, routerOptions);
    sessions = sharedSessions(router);
    void router.start();
  } else {
    sessions = isolatedSessions(config, routerOptions, options.maxSessions);
  }
  const fronts = new NetworkFronts({
    listen: { ...options.listen, path: options.streamableHttpPath },
    log: deps.log,
    // The bridge serves one backend, no workspaces: a view is never chosen per client.
    connect: (t) => sessions.connect(t),
    streamableHttp: options.output === 'streamableHttp',
    ...(options.output === 'sse' ? { sse: { ssePath: options.ssePath, messagePath: options.messagePath, ...(options.baseUrl ? { baseUrl: options.baseUrl } : {}) } } : {}),
    // supergateway serves WebSocket on --messagePath; its users' clients point there.
    ...(options.output === 'ws' ? { wsPath: options.messagePath } : {}),
    responseHeaders: options.responseHeaders,
  });
  let urls: FrontUrls;
  try {
    urls = await fronts.listen();
  } catch (err) {
    await sessions.close();
    throw err;
  }
  return {
    urls,
    port: fronts.port,
    sessions,
    done: new Promise(() => undefined),
    async close() {
      await fronts.close();
      await sessions.close();
    },
  };
}
