/**
 * The normalized config the rest of the router consumes: every default applied, every path resolved,
 * server and workspace maps turned into ordered arrays that carry their own names. Nothing downstream
 * should ever need to know what router.yaml looked like.
 */
import type { LogLevel } from '../log.js';

/** A backend started as a child process, spoken to over its stdin/stdout. */
export interface StdioTarget {
  kind: 'stdio';
  command: string;
  args: string[];
  env: Record<string, string>;
  /**
   * Absent or true: the router's whole environment, then `env` over it. false: only PATH and HOME
   * from the router (and SYSTEMROOT on Windows), then `env`; for servers that must not see its secrets.
   */
  inheritEnv?: boolean;
  /** Absolute: resolved against the config file's directory at load time. */
  cwd?: string;
}

/**
 * A backend reached over the network. 'auto' means: try Streamable HTTP first and fall back to the
 * legacy HTTP+SSE transport, which is what a user who did not say `type:` most likely wants.
 */
export interface RemoteTarget {
  kind: 'http' | 'sse' | 'auto';
  url: string;
  headers: Record<string, string>;
  /** Present: the router is an OAuth client of this server, with its own tokens (`switchboard login`). */
  oauth?: OAuthSettings;
}

/**
 * How the router identifies itself to a backend's authorization server. All optional: without a
 * client id the router uses the client ID metadata document at `clientMetadataUrl` when the server
 * supports it, else dynamic client registration.
 */
export interface OAuthSettings {
  /**
   * Absent: authorization_code (a person runs `switchboard login`). client_credentials and
   * jwt_bearer need nobody: `serve` gets its tokens itself.
   */
  grant?: OAuthGrant;
  clientId?: string;
  clientSecret?: string;
  /** Absolute path of a PKCS#8 PEM key: the client authenticates with private_key_jwt (RFC 7523). */
  privateKeyFile?: string;
  /** The JWS algorithm for privateKeyFile (default RS256). */
  privateKeyAlgorithm?: string;
  /** Absolute path of the JWT that jwt_bearer presents (RFC 7523 §2.1); read again for every token request. */
  assertionFile?: string;
  /** The authorization server the credentials belong to: they are never sent to another one. */
  issuer?: string;
  /** Sender-constrained tokens (DPoP, RFC 9449): a key pair kept with the tokens signs a proof per request. */
  dpop?: boolean;
  /** Absent: what the server's protected-resource metadata lists (the spec's scope selection). */
  scopes?: string[];
  clientMetadataUrl?: string;
}

export type OAuthGrant = 'authorization_code' | 'client_credentials' | 'jwt_bearer';

export type ServerTarget = StdioTarget | RemoteTarget;

export type Isolation = 'shared' | 'session';

/**
 * Which MCP protocol era to speak to a backend. 'auto' probes with server/discover (time-bounded)
 * and falls back to the 2025 initialize; the result is remembered in the state directory.
 */
export type ProtocolSetting = 'auto' | '2026-07-28' | '2025-11-25';

/**
 * How a backend that fails is restarted: after the n-th failure in a row the router waits a random
 * time between half and all of min(maxDelayMs, initialDelayMs * 2^(n-1)), so many backends (or many
 * routers) that fail together do not restart in lockstep.
 */
export interface RestartConfig {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Restarts in a row after which the backend is marked failed until a reload; absent: never give up. */
  maxRestarts?: number;
  /**
   * A connection that fails sooner than this after it succeeded counts as a failed start (absent:
   * DEFAULT_MIN_UPTIME_MS): a server that crashes right after each handshake backs off and gives up.
   */
  minUptimeMs?: number;
}

/** Ping a connected backend every intervalMs; no answer within timeoutMs restarts it. */
export interface HealthCheckConfig {
  intervalMs: number;
  timeoutMs: number;
}

export interface ServerConfig {
  name: string;
  /** Namespace for this backend's public names; '' means its names are published unprefixed. */
  prefix: string;
  target: ServerTarget;
  enabled: boolean;
  timeoutMs: number;
  connectTimeoutMs: number;
  /** 'shared': one backend session for all clients; 'session': one per front session. */
  isolation: Isolation;
  protocol: ProtocolSetting;
  tags: string[];
  description?: string;
  /** Calls in flight at this server at once; absent: unlimited. */
  maxConcurrency?: number;
  /** Calls waiting beyond maxConcurrency; past it a call is refused at once. Absent: unlimited. */
  maxQueue?: number;
  /** Absent: DEFAULT_RESTART (config/defaults.ts). */
  restart?: RestartConfig;
  /** Absent: no health check. */
  healthCheck?: HealthCheckConfig;
  /** Not started until first used; listed meanwhile from the cache of its last listing. */
  lazy?: boolean;
  /** A lazy server is stopped after this long with no request in flight; absent: it keeps running. */
  idleTimeoutMs?: number;
}

export type ListenTransport = 'stdio' | 'http' | 'sse' | 'ws';

export interface ListenConfig {
  transport: ListenTransport;
  host: string;
  port: number;
  path: string;
  /** Bearer token clients must present; absent means none was configured. */
  authToken?: string;
  allowUnauthenticated: boolean;
  /** true: allow any origin; a list: allow those origins; absent: no CORS headers. */
  cors?: true | string[];
  allowedOrigins: string[];
  allowedHosts: string[];
  healthEndpoints: string[];
  maxBodyBytes: number;
  sessionIdleMs: number;
  /** Most Streamable HTTP sessions at once; past it the oldest idle one is closed, else 503. */
  maxSessions: number;
  /** OAuth: the HTTP fronts are a protected resource that accepts this issuer's JWT access tokens. */
  auth?: ListenAuthConfig;
}

export interface ListenAuthConfig {
  /** The authorization server: tokens must carry exactly this `iss`. */
  issuer: string;
  /** This gateway's resource URL: tokens must name it in `aud` (RFC 8707 resource indicator). */
  audience: string;
  /** Absent: found in the issuer's metadata (OpenID discovery, else RFC 8414). */
  jwksUrl?: string;
  /** Scopes every token must carry; a token without one of them gets 403 insufficient_scope. */
  scopes: string[];
}

/** Which token claims may use a workspace: any listed value of any listed claim admits. */
export interface WorkspaceAllow {
  sub?: string[];
  groups?: string[];
  scope?: string[];
}

export interface ToolOverride {
  /** New public name for the tool inside this workspace. */
  name?: string;
  description?: string;
  hidden?: boolean;
  /** Argument values filled in when the client leaves them out. */
  defaults?: Record<string, unknown>;
}

export interface WorkspaceConfig {
  name: string;
  /** Absent: no filter by server (every backend is in scope, subject to `tags`). */
  servers?: string[];
  /** Absent: no filter by tag. */
  tags?: string[];
  /** Absent: everything is included (subject to `exclude`). */
  include?: string[];
  exclude: string[];
  pin: string[];
  /** Keyed by public tool name (as the catalog publishes it, before the override's rename). */
  overrides: Record<string, ToolOverride>;
  maxTools?: number;
  roots?: string[];
  context?: string;
  /** Absent: decided by `search.autoThreshold`. */
  search?: boolean;
  /** Absent: open to every authenticated client. Enforced on HTTP fronts with listen.auth. */
  allow?: WorkspaceAllow;
}

export interface SearchConfig {
  autoThreshold: number;
  maxActive: number;
}

/** Several replicas sharing state through Redis (docs/scaling.md). */
export interface ClusterConfig {
  redisUrl: string;
  /** Absent: the hostname plus a random suffix, chosen at start. */
  replicaId?: string;
  /** How the other replicas reach this one; absent: http://HOSTNAME:PORT of the HTTP front. */
  advertiseUrl?: string;
  /** Shared by every replica: signs session ids, cursors and requestState so any replica accepts them. */
  secret: string;
  /** Bounds of each resumable stream kept in Redis. */
  events: { maxLength: number; maxAgeMs: number };
}

export interface RouterConfig {
  separator: string;
  pageSize: number;
  /** In file order. */
  servers: ServerConfig[];
  listen: ListenConfig;
  logLevel?: LogLevel;
  /**
   * On SIGTERM/SIGINT, how long requests already in flight may still finish (ms); then each is
   * answered with SB_SHUTTING_DOWN. Absent: DEFAULT_SHUTDOWN_GRACE_MS.
   */
  shutdownGraceMs?: number;
  search: SearchConfig;
  /** In file order. */
  workspaces: WorkspaceConfig[];
  /** Absent: a single process, nothing shared. */
  cluster?: ClusterConfig;
}

/** One problem found in a config file: `path` is a display path such as `servers.github.args[0]`. */
export interface ConfigIssue {
  path: string;
  message: string;
}
