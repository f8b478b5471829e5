/**
 * Builds the client transport for one backend from its config. Remote backends without an explicit
 * `type` try Streamable HTTP first and fall back to legacy SSE, which is what the spec's backwards
 * compatibility section asks clients to do.
 */
import type { Transport } from '@modelcontextprotocol/client';
import type { RemoteTarget, ServerConfig } from '../config/types.js';
import { LazyRemoteTransport } from './remote-transport.js';
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

function remoteTransport(kind: 'http' | 'sse', target: RemoteTarget, options: TransportFactoryOptions): Transport {
  return new LazyRemoteTransport(kind, target, options.traceHeaders ? withTraceparentHeader() : undefined);
}

export interface TransportFactoryOptions {
  /** Guards every stdio backend's process group against the router dying without closing it. */
  watchdog?: ProcessGroupGuard;
  /** Copy a request's `_meta.traceparent` into a `traceparent` HTTP header (set while tracing is on). */
  traceHeaders?: boolean;
}

/** The transports to try, in order. Each attempt gets a fresh transport object. */
export function createTransportFactory(options: TransportFactoryOptions = {}): TransportFactory {
  return (server, hooks) => transportsFor(server, hooks, options);
}

function transportsFor(server: ServerConfig, hooks: TransportHooks, options: TransportFactoryOptions): TransportAttempt[] {
  const target = server.target;
  if (target.kind === 'stdio') {
    return [{ kind: 'stdio', transport: new StdioBackendTransport(target, { onStderrLine: hooks.onStderrLine, watchdog: options.watchdog }) }];
  }
  if (target.kind === 'auto') {
    return [
      { kind: 'http', transport: remoteTransport('http', target, options) },
      { kind: 'sse', transport: remoteTransport('sse', target, options) },
    ];
  }
  return [{ kind: target.kind, transport: remoteTransport(target.kind, target, options) }];
}

/** Without a watchdog: what tests and library users get unless they pass one. */
export const defaultTransportFactory: TransportFactory = createTransportFactory();
