/**
 * Defaults in one place, shared by the YAML schema and by code that builds a config without YAML
 * (the bridge), so both paths agree on what "unset" means.
 */
import { sanitizePrefix } from './prefix.js';
import { SwitchboardError } from '../errors/index.js';
import type { ListenConfig, ProtocolSetting, RestartConfig, RouterConfig, SearchConfig, ServerConfig, ServerTarget } from './types.js';

export const DEFAULT_SEPARATOR = '__';
/**
 * Items per page of a merged list. Large on purpose: of the common clients, those that follow
 * nextCursor fetch every page at once (Claude Code, the SDK clients' listTools), and many do not
 * follow it at all (Codex, Claude.ai connectors, Copilot CLI until recently), so every tool past
 * the first page is lost to them. Pages cost round trips and lose tools, and buy nothing; 1,000
 * keeps any catalog a model can use directly in one page (docs/architecture.md, "Pagination").
 */
export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
/**
 * The 2025 handshake unless a server says otherwise: every server in use today speaks it, and 'auto'
 * costs a probe (up to 3 s, once, for a stdio server that ignores unknown methods).
 */
export const DEFAULT_PROTOCOL: ProtocolSetting = '2025-11-25';
export const DEFAULT_AUTO_THRESHOLD = 60;
export const DEFAULT_MAX_ACTIVE = 20;
export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 8765;
export const DEFAULT_PATH = '/mcp';
export const DEFAULT_HEALTH_ENDPOINTS: readonly string[] = ['/healthz'];
export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;
export const DEFAULT_SESSION_IDLE_MS = 30 * 60 * 1000;
/** Today's behaviour for a server with no `restart:`: retry forever, about 1 s first, 30 s at most. */
export const DEFAULT_RESTART: Readonly<RestartConfig> = { initialDelayMs: 1000, maxDelayMs: 30_000 };
/** How long a connection must stay up before its failure starts a new count of restarts in a row. */
export const DEFAULT_MIN_UPTIME_MS = 10_000;
export const DEFAULT_HEALTH_TIMEOUT_MS = 5000;
/** An idle session costs about 1 KB (docs/benchmarks.md, Scale); the cap is against floods, not use. */
export const DEFAULT_MAX_SESSIONS = 1000;
/**
 * A 2025 session's resumable stream events in Redis: enough for a client that reconnects after a
 * network blip or a replica's death, not a history (each stream is trimmed by both bounds).
 */
export const DEFAULT_CLUSTER_EVENTS = { maxLength: 1000, maxAgeMs: 5 * 60_000 } as const;
/** How long in-flight requests may finish after SIGTERM before they are answered with SB_SHUTTING_DOWN. */
export const DEFAULT_SHUTDOWN_GRACE_MS = 5000;

/** A fresh object each call: callers may mutate what they get. */
export function defaultListenConfig(): ListenConfig {
  return {
    transport: 'stdio',
    host: DEFAULT_HOST,
    port: DEFAULT_PORT,
    path: DEFAULT_PATH,
    allowUnauthenticated: false,
    allowedOrigins: [],
    allowedHosts: [],
    healthEndpoints: [...DEFAULT_HEALTH_ENDPOINTS],
    maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
    sessionIdleMs: DEFAULT_SESSION_IDLE_MS,
    maxSessions: DEFAULT_MAX_SESSIONS,
  };
}

function defaultSearchConfig(): SearchConfig {
  return { autoThreshold: DEFAULT_AUTO_THRESHOLD, maxActive: DEFAULT_MAX_ACTIVE };
}

export type ServerOptions = Partial<Omit<ServerConfig, 'name' | 'target'>>;

/** A ServerConfig with every default applied; the prefix defaults to the name, as in router.yaml. */
export function makeServerConfig(name: string, target: ServerTarget, opts: ServerOptions = {}): ServerConfig {
  return {
    name,
    prefix: opts.prefix ?? sanitizePrefix(name),
    target,
    enabled: opts.enabled ?? true,
    timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    connectTimeoutMs: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    isolation: opts.isolation ?? 'shared',
    protocol: opts.protocol ?? DEFAULT_PROTOCOL,
    tags: opts.tags ?? [],
    ...(opts.description === undefined ? {} : { description: opts.description }),
    ...(opts.maxConcurrency === undefined ? {} : { maxConcurrency: opts.maxConcurrency }),
    ...(opts.maxQueue === undefined ? {} : { maxQueue: opts.maxQueue }),
    ...(opts.restart === undefined ? {} : { restart: opts.restart }),
    ...(opts.healthCheck === undefined ? {} : { healthCheck: opts.healthCheck }),
    ...(opts.lazy ? { lazy: true } : {}),
    ...(opts.idleTimeoutMs === undefined ? {} : { idleTimeoutMs: opts.idleTimeoutMs }),
  };
}

export type ConfigOverrides = Partial<Omit<RouterConfig, 'servers' | 'listen' | 'search'>> & {
  listen?: Partial<ListenConfig>;
  search?: Partial<SearchConfig>;
};

/**
 * Build a RouterConfig in code. Checks the one invariant the YAML path also enforces and the catalog
 * relies on: names and prefixes are unique.
 */
export function configFromServers(servers: ServerConfig[], overrides: ConfigOverrides = {}): RouterConfig {
  const byName = new Set<string>();
  const byPrefix = new Map<string, string>();
  for (const s of servers) {
    if (byName.has(s.name)) throw new SwitchboardError('SB_CONFIG_INVALID', `duplicate server name "${s.name}"`);
    byName.add(s.name);
    const other = byPrefix.get(s.prefix);
    if (other !== undefined) {
      throw new SwitchboardError('SB_CONFIG_INVALID', `servers "${other}" and "${s.name}" both use prefix "${s.prefix}"; each server needs its own prefix`);
    }
    byPrefix.set(s.prefix, s.name);
  }
  const { listen, search, ...rest } = overrides;
  return {
    separator: DEFAULT_SEPARATOR,
    pageSize: DEFAULT_PAGE_SIZE,
    shutdownGraceMs: DEFAULT_SHUTDOWN_GRACE_MS,
    workspaces: [],
    ...rest,
    servers,
    listen: { ...defaultListenConfig(), ...listen },
    search: { ...defaultSearchConfig(), ...search },
  };
}
