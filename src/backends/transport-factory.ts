/**
 * Builds the client transport for one backend from its config. Remote backends without an explicit
 * `type` try Streamable HTTP first and fall back to legacy SSE, which is what the spec's backwards
 * compatibility section asks clients to do.
 */
import type { Transport } from '@modelcontextprotocol/client';
import type { RemoteTarget, ServerConfig } from '../config/types.js';
import { LazyRemoteTransport, type RemoteOAuthContext } from './remote-transport.js';
import { stateDir } from '../util/state-dir.js';
import { RefreshCoalescer } from './oauth/refresh-coalescer.js';
import { StdioBackendTransport } from './stdio-transport.js';
import { withTraceparentHeader } from './trace-header.js';
import type { ProcessGroupGuard } from './watchdog.js';

export type TransportKind = 'stdio' | 'http' | 'sse';

export interface TransportAttempt {
  kind: TransportKind;
  transport: Transport;
}

/** Injected so tests can put in-memory transports behind a Backend without touching the network. */
export type TransportFactory = (server: ServerConfig, hooks: TransportHooks) => TransportAttempt[];

export interface TransportHooks {
  onStderrLine?: (line: string) => void;
}

function remoteTransport(kind: 'http' | 'sse', target: RemoteTarget, options: TransportFactoryOptions, oauth?: RemoteOAuthContext): Transport {
  return new LazyRemoteTransport(kind, target, options.traceHeaders ? withTraceparentHeader() : undefined, oauth);
}

export interface TransportFactoryOptions {
  /** Guards every stdio backend's process group against the router dying without closing it. */
  watchdog?: ProcessGroupGuard;
  /** Where `auth: oauth` backends' tokens are kept; default: the per-user state directory. */
  stateDir?: string;
  /** Copy a request's `_meta.traceparent` into a `traceparent` HTTP header (set while tracing is on). */
  traceHeaders?: boolean;
}

/** The transports to try, in order. Each attempt gets a fresh transport object. */
export function createTransportFactory(options: TransportFactoryOptions = {}): TransportFactory {
  const refreshes = new RefreshCoalescer();
  return (server, hooks) => transportsFor(server, hooks, options, refreshes);
}

function transportsFor(server: ServerConfig, hooks: TransportHooks, options: TransportFactoryOptions, refreshes: RefreshCoalescer): TransportAttempt[] {
  const target = server.target;
  if (target.kind === 'stdio') {
    return [{ kind: 'stdio', transport: new StdioBackendTransport(target, { onStderrLine: hooks.onStderrLine, watchdog: options.watchdog }) }];
  }
  const oauth = target.oauth ? { serverName: server.name, stateDir: options.stateDir ?? stateDir(), refreshes } : undefined;
  // An OAuth server that wants a login must say so, not add "then legacy SSE: ..." to the sentence;
  // OAuth-protected legacy SSE servers are rare enough to ask for `type: sse`.
  if (target.kind === 'auto' && !oauth) {
    return [
      { kind: 'http', transport: remoteTransport('http', target, options) },
      { kind: 'sse', transport: remoteTransport('sse', target, options) },
    ];
  }
  const kind = target.kind === 'auto' ? 'http' : target.kind;
  return [{ kind, transport: remoteTransport(kind, target, options, oauth) }];
}

/**
 * Without a watchdog: what tests and library users get unless they pass one. Stateless: each
 * connection coalesces its own refreshes (a router from createTransportFactory shares them).
 */
export const defaultTransportFactory: TransportFactory = (server, hooks) => transportsFor(server, hooks, {}, new RefreshCoalescer());
