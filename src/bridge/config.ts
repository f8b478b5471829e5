/**
 * The bridge is the router with one backend and no namespace: this turns bridge options into the
 * RouterConfig that Router runs on, so the bridge reuses backends/ and front/ instead of being a
 * second stack. Prefix '' publishes tool and prompt names and resource URIs unchanged.
 */
import { configFromServers, makeServerConfig } from '../config/defaults.js';
import type { ListenConfig, RouterConfig, ServerTarget } from '../config/types.js';

export type BridgeInput = { kind: 'stdio'; commandLine: string } | { kind: 'sse' | 'streamableHttp'; url: string };
export type BridgeOutput = 'stdio' | 'sse' | 'ws' | 'streamableHttp';

export interface BridgeOptions {
  input: BridgeInput;
  output: BridgeOutput;
  listen: ListenConfig;
  /** Absolute prefix for the SSE endpoint event, for clients that reach us through a proxy. */
  baseUrl?: string;
  ssePath: string;
  messagePath: string;
  streamableHttpPath: string;
  /** One child for all clients instead of one per client (see sessions.ts). */
  shared: boolean;
  /** Per-client mode: how many client sessions (each with its own child) may be open at once. */
  maxSessions?: number;
  /** Sent to the remote server in URL-input modes (--header, --oauth2Bearer). */
  remoteHeaders: Record<string, string>;
  /** Added to our HTTP responses in stdio-input modes (what supergateway does with --header there). */
  responseHeaders: Record<string, string>;
  /** Environment of the child; supergateway passes its whole environment, and so do we. */
  env: Record<string, string>;
}

const BRIDGE_SERVER_NAME = 'bridge';

/**
 * A bridge is transparent: it has no business timing out a tool call the client is still waiting
 * for (clients cancel when they give up). A day bounds what a lost response can pin.
 */
const BRIDGE_REQUEST_TIMEOUT_MS = 24 * 60 * 60 * 1000;

/**
 * supergateway runs --stdio through a shell, and its users' command lines rely on that (quotes,
 * `VAR=x cmd`, `&&`). The child runs in its own process group, so the shell and whatever it starts
 * are reaped together.
 */
function shellTarget(commandLine: string, env: Record<string, string>): ServerTarget {
  return process.platform === 'win32'
    ? { kind: 'stdio', command: process.env.ComSpec ?? 'cmd.exe', args: ['/d', '/s', '/c', commandLine], env }
    : { kind: 'stdio', command: '/bin/sh', args: ['-c', commandLine], env };
}

function bridgeTarget(options: Pick<BridgeOptions, 'input' | 'env' | 'remoteHeaders'>): ServerTarget {
  const { input } = options;
  if (input.kind === 'stdio') return shellTarget(input.commandLine, options.env);
  return { kind: input.kind === 'sse' ? 'sse' : 'http', url: input.url, headers: options.remoteHeaders };
}

export function bridgeRouterConfig(options: BridgeOptions): RouterConfig {
  const server = makeServerConfig(BRIDGE_SERVER_NAME, bridgeTarget(options), { prefix: '', timeoutMs: BRIDGE_REQUEST_TIMEOUT_MS });
  return configFromServers([server], { listen: options.listen });
}
