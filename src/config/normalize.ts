/**
 * From the validated file shape to the RouterConfig the router runs on: maps become ordered arrays
 * that carry their names, prefixes get their default, and relative paths become absolute so nothing
 * later depends on the process's working directory.
 */
import { sanitizePrefix } from './prefix.js';
import { resolve } from 'node:path';
import type { LogLevel } from '../log.js';
import type { RouterFile, ServerFile, WorkspaceFile } from './schema.js';
import type { ClusterConfig, ListenConfig, OAuthSettings, RemoteTarget, RestartConfig, RouterConfig, ServerConfig, ServerTarget, WorkspaceAllow, WorkspaceConfig } from './types.js';

export interface NormalizeOptions {
  /** Directory relative `cwd:` values are resolved against: the config file's directory. */
  baseDir: string;
}

function targetOf(server: ServerFile, baseDir: string): ServerTarget {
  if (server.command !== undefined) {
    return {
      kind: 'stdio',
      command: server.command,
      args: server.args ?? [],
      env: server.env ?? {},
      ...(server.inheritEnv === undefined ? {} : { inheritEnv: server.inheritEnv }),
      ...(server.cwd === undefined ? {} : { cwd: resolve(baseDir, server.cwd) }),
    };
  }
  // crossCheck guarantees exactly one of command/url before we get here.
  const target: RemoteTarget = { kind: server.type ?? 'auto', url: server.url as string, headers: server.headers ?? {} };
  if (server.auth !== undefined) target.oauth = oauthOf(server.auth, baseDir);
  return target;
}

function oauthOf(auth: NonNullable<ServerFile['auth']>, baseDir: string): OAuthSettings {
  if (auth === 'oauth') return {};
  const { type: _type, ...settings } = auth;
  const files = {
    ...(settings.privateKeyFile === undefined ? {} : { privateKeyFile: resolve(baseDir, settings.privateKeyFile) }),
    ...(settings.assertionFile === undefined ? {} : { assertionFile: resolve(baseDir, settings.assertionFile) }),
  };
  return Object.fromEntries(Object.entries({ ...settings, ...files }).filter(([, v]) => v !== undefined)) as OAuthSettings;
}

function serverOf(name: string, s: ServerFile, baseDir: string): ServerConfig {
  return {
    name,
    prefix: s.prefix ?? sanitizePrefix(name),
    target: targetOf(s, baseDir),
    enabled: s.enabled,
    timeoutMs: s.timeout,
    connectTimeoutMs: s.connectTimeout,
    isolation: s.isolation,
    protocol: s.protocol,
    tags: s.tags,
    ...(s.description === undefined ? {} : { description: s.description }),
    ...(s.maxConcurrency === undefined ? {} : { maxConcurrency: s.maxConcurrency }),
    ...(s.maxQueue === undefined ? {} : { maxQueue: s.maxQueue }),
    ...(s.restart === undefined ? {} : { restart: restartOf(s.restart) }),
    ...(s.healthCheck === undefined ? {} : { healthCheck: { ...s.healthCheck } }),
    // Absent unless on, so configs that do not use these options normalize exactly as before.
    ...(s.lazy ? { lazy: true } : {}),
    ...(s.idleTimeout === undefined ? {} : { idleTimeoutMs: s.idleTimeout }),
  };
}

function restartOf(r: NonNullable<ServerFile['restart']>): RestartConfig {
  return {
    initialDelayMs: r.initialDelayMs,
    maxDelayMs: r.maxDelayMs,
    ...(r.maxRestarts === undefined ? {} : { maxRestarts: r.maxRestarts }),
    ...(r.minUptimeMs === undefined ? {} : { minUptimeMs: r.minUptimeMs }),
  };
}

function workspaceOf(name: string, w: WorkspaceFile): WorkspaceConfig {
  const ws: WorkspaceConfig = { name, exclude: w.exclude ?? [], pin: w.pin ?? [], overrides: w.overrides ?? {} };
  // Copy optional fields only when present: "absent" means "no filter", which differs from [].
  if (w.servers !== undefined) ws.servers = w.servers;
  if (w.tags !== undefined) ws.tags = w.tags;
  if (w.include !== undefined) ws.include = w.include;
  if (w.maxTools !== undefined) ws.maxTools = w.maxTools;
  if (w.roots !== undefined) ws.roots = w.roots;
  if (w.context !== undefined) ws.context = w.context;
  if (w.search !== undefined) ws.search = w.search;
  if (w.allow !== undefined) ws.allow = allowOf(w.allow);
  return ws;
}

/** Copies only the claims listed: a claim left out admits nobody by itself. */
function allowOf(a: NonNullable<WorkspaceFile['allow']>): WorkspaceAllow {
  return { ...(a.sub && { sub: a.sub }), ...(a.groups && { groups: a.groups }), ...(a.scope && { scope: a.scope }) };
}

function clusterOf(c: NonNullable<RouterFile['cluster']>): ClusterConfig {
  return {
    redisUrl: c.redis,
    secret: c.secret,
    events: { ...c.events },
    ...(c.replicaId !== undefined && { replicaId: c.replicaId }),
    ...(c.advertiseUrl !== undefined && { advertiseUrl: c.advertiseUrl }),
  };
}

function listenOf(l: RouterFile['listen']): ListenConfig {
  const { authToken, cors, auth, ...rest } = l;
  return {
    ...rest,
    ...(authToken === undefined ? {} : { authToken }),
    ...(auth === undefined ? {} : { auth: { issuer: auth.issuer, audience: auth.audience, scopes: auth.scopes, ...(auth.jwksUrl && { jwksUrl: auth.jwksUrl }) } }),
    // `cors: false` is the same as leaving it out.
    ...(cors === undefined || cors === false ? {} : { cors: cors === true ? true : cors }),
  };
}

export function normalizeConfig(file: RouterFile, opts: NormalizeOptions): RouterConfig {
  const config: RouterConfig = {
    separator: file.namespace.separator,
    pageSize: file.pagination.pageSize,
    servers: Object.entries(file.servers).map(([name, s]) => serverOf(name, s, opts.baseDir)),
    listen: listenOf(file.listen),
    shutdownGraceMs: file.shutdownGraceMs,
    search: { ...file.search },
    workspaces: Object.entries(file.workspaces ?? {}).map(([name, w]) => workspaceOf(name, w)),
  };
  if (file.logLevel !== undefined) config.logLevel = file.logLevel as LogLevel;
  if (file.cluster !== undefined) config.cluster = clusterOf(file.cluster);
  return config;
}
