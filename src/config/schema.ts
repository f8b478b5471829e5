/**
 * The zod schema of router.yaml, applied to the YAML after `${VAR}` interpolation.
 *
 * Every schema carries its own error text, written for someone reading it in a terminal: the loader
 * prefixes the field path and appends the value it got, so a message here only says what was expected.
 * Objects are strict so typos surface instead of being silently ignored. Numbers and booleans also
 * accept their string forms, because `${PORT:-8765}` always interpolates to a string.
 */
import { z } from 'zod';
import { LOG_LEVELS } from '../log.js';
import { crossCheck } from './checks.js';
import * as D from './defaults.js';

const numeric = (v: unknown): unknown => (typeof v === 'string' && /^\s*-?\d+\s*$/.test(v) ? Number(v) : v);
const boolish = (v: unknown): unknown => (v === 'true' ? true : v === 'false' ? false : v);
// YAML turns `PORT: 8080` into a number; env values and headers are strings on the wire anyway.
const scalarToString = (v: unknown): unknown => (typeof v === 'number' || typeof v === 'boolean' ? String(v) : v);

function int(min: number, max: number, message: string) {
  const e = { error: message };
  return z.preprocess(numeric, z.number(e).int(e).min(min, e).max(max, e));
}

const positiveMs = int(1, Number.MAX_SAFE_INTEGER, 'expected a positive whole number of milliseconds');
const count = (min: number) => int(min, Number.MAX_SAFE_INTEGER, min === 0 ? 'expected a whole number >= 0' : 'expected a positive whole number');
const bool = z.preprocess(boolish, z.boolean({ error: 'expected true or false' }));
const text = z.string({ error: 'expected a string' });
const nonEmpty = z.string({ error: 'expected a string' }).min(1, { error: 'must not be empty' });
const scalarString = z.preprocess(scalarToString, z.string({ error: 'expected a string (quote it in YAML)' }));
const stringList = z.array(nonEmpty, { error: 'expected array of strings' });
const scalarList = z.array(scalarString, { error: 'expected array of strings' });
const stringMap = z.record(z.string(), scalarString, { error: 'expected a mapping of names to string values' });
const urlPath = nonEmpty.startsWith('/', { error: 'expected a path starting with "/"' });

function oneOf<const T extends readonly [string, ...string[]]>(values: T) {
  return z.enum(values, { error: `expected one of: ${values.join(', ')}` });
}

/**
 * oneOf as a refinement: inside a union (`auth:`), a failed enum aborts that option and the user
 * reads zod's bare "Invalid input"; a failed refinement keeps its message. The JSON Schema still
 * lists the values.
 */
function oneOfInUnion<const T extends readonly [string, ...string[]]>(values: T) {
  const message = `expected one of: ${values.join(', ')}`;
  return z
    .string({ error: message })
    .refine((v) => (values as readonly string[]).includes(v), { error: message })
    .meta({ enum: [...values] });
}

/** A strict object whose "not an object" message names what kind of mapping was expected. */
function mapping<T extends z.core.$ZodLooseShape>(shape: T, what: string) {
  return z.strictObject(shape, { error: (iss) => (iss.code === 'invalid_type' ? `expected a mapping of ${what}` : undefined) });
}

function isHttpUrl(value: string): boolean {
  try {
    const u = new URL(value);
    return u.protocol === 'http:' || u.protocol === 'https:';
  } catch {
    return false;
  }
}

const httpUrl = nonEmpty.refine(isHttpUrl, { error: 'expected an http(s) URL such as https://example.com/mcp' });

// Public tool names: what Claude and most clients accept (the spec allows more; clients do not).
const toolName = z
  .string({ error: 'expected a string' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'expected a tool name of 1-64 letters, digits, "_" or "-"' });

/** `https://...` with a path: a client ID metadata document URL is itself the client_id, so "/" alone is not one. */
const clientMetadataUrl = nonEmpty.refine(
  (v) => {
    try {
      const u = new URL(v);
      return u.protocol === 'https:' && u.pathname !== '/';
    } catch {
      return false;
    }
  },
  { error: 'expected an https URL with a path, such as https://example.com/switchboard/client.json' },
);

const OAuthSchema = mapping(
  {
    type: z.literal('oauth', { error: 'expected "oauth"' }),
    grant: oneOfInUnion(['authorization_code', 'client_credentials', 'jwt_bearer']).optional(),
    clientId: nonEmpty.optional(),
    clientSecret: nonEmpty.optional(),
    privateKeyFile: nonEmpty.optional(),
    privateKeyAlgorithm: oneOfInUnion(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512']).optional(),
    assertionFile: nonEmpty.optional(),
    issuer: httpUrl.optional(),
    dpop: bool.optional(),
    scopes: stringList.optional(),
    clientMetadataUrl: clientMetadataUrl.optional(),
  },
  'auth settings (type: oauth, grant:, clientId:, clientSecret:, privateKeyFile:, assertionFile:, issuer:, dpop:, scopes:, clientMetadataUrl:)',
);

/** `auth: oauth`, or the mapping form when a client id, scopes or a metadata document URL are needed. */
const AuthSchema = z.union([z.literal('oauth'), OAuthSchema], {
  error: (iss) => (typeof iss.input === 'string' ? 'expected "oauth"' : undefined),
});

/** One backend. stdio fields and remote fields share one object; `crossCheck` enforces exactly one form. */
const ServerSchema = mapping(
  {
    command: nonEmpty.optional(),
    args: scalarList.optional(),
    env: stringMap.optional(),
    inheritEnv: bool.optional(),
    cwd: nonEmpty.optional(),
    url: httpUrl.optional(),
    type: oneOf(['http', 'sse']).optional(),
    headers: stringMap.optional(),
    auth: AuthSchema.optional(),
    // Public names must fit ^[A-Za-z0-9_-]{1,64}$; a prefix outside that set would hash every name.
    prefix: z.string({ error: 'expected a string' }).regex(/^[A-Za-z0-9_-]{0,32}$/, { error: 'expected letters, digits, "_" or "-" (at most 32), or "" for no namespace' }).optional(),
    enabled: bool.default(true),
    timeout: positiveMs.default(D.DEFAULT_TIMEOUT_MS),
    connectTimeout: positiveMs.default(D.DEFAULT_CONNECT_TIMEOUT_MS),
    isolation: oneOf(['shared', 'session']).default('shared'),
    protocol: oneOf(['auto', '2026-07-28', '2025-11-25']).default(D.DEFAULT_PROTOCOL),
    tags: stringList.default([]),
    description: text.optional(),
    maxConcurrency: count(1).optional(),
    maxQueue: count(0).optional(),
    restart: mapping(
      {
        initialDelayMs: positiveMs.default(D.DEFAULT_RESTART.initialDelayMs),
        maxDelayMs: positiveMs.default(D.DEFAULT_RESTART.maxDelayMs),
        maxRestarts: count(0).optional(),
        minUptimeMs: int(0, Number.MAX_SAFE_INTEGER, 'expected a whole number of milliseconds >= 0').optional(),
      },
      'restart settings (initialDelayMs:, maxDelayMs:, maxRestarts:, minUptimeMs:)',
    ).optional(),
    healthCheck: mapping(
      { intervalMs: positiveMs, timeoutMs: positiveMs.default(D.DEFAULT_HEALTH_TIMEOUT_MS) },
      'health check settings (intervalMs:, timeoutMs:)',
    ).optional(),
    lazy: bool.default(false),
    idleTimeout: positiveMs.optional(),
  },
  'server settings (command: or url:, and options)',
);

const ListenAuthSchema = mapping(
  {
    issuer: httpUrl,
    audience: httpUrl,
    jwksUrl: httpUrl.optional(),
    scopes: stringList.default([]),
  },
  'OAuth settings (issuer:, audience:, jwksUrl:, scopes:)',
);

const WorkspaceAllowSchema = mapping(
  { sub: stringList.optional(), groups: stringList.optional(), scope: stringList.optional() },
  'token claims allowed to use the workspace (sub:, groups:, scope:)',
);

const ListenSchema = mapping(
  {
    transport: oneOf(['stdio', 'http', 'sse', 'ws']).default('stdio'),
    host: nonEmpty.default(D.DEFAULT_HOST),
    port: int(0, 65535, 'expected a port number from 0 to 65535').default(D.DEFAULT_PORT),
    path: urlPath.default(D.DEFAULT_PATH),
    authToken: nonEmpty.optional(),
    allowUnauthenticated: bool.default(false),
    cors: z.union([z.preprocess(boolish, z.boolean()), stringList], { error: 'expected true, false, or a list of allowed origins' }).optional(),
    allowedOrigins: stringList.default([]),
    allowedHosts: stringList.default([]),
    healthEndpoints: z.array(urlPath, { error: 'expected array of strings' }).default([...D.DEFAULT_HEALTH_ENDPOINTS]),
    maxBodyBytes: int(1, Number.MAX_SAFE_INTEGER, 'expected a positive whole number of bytes').default(D.DEFAULT_MAX_BODY_BYTES),
    sessionIdleMs: positiveMs.default(D.DEFAULT_SESSION_IDLE_MS),
    maxSessions: int(1, Number.MAX_SAFE_INTEGER, 'expected a positive whole number of sessions').default(D.DEFAULT_MAX_SESSIONS),
    auth: ListenAuthSchema.optional(),
  },
  'listener settings (transport:, host:, port:, ...)',
);

/** `redis://` or `rediss://` (TLS), as ioredis and every managed Redis hand them out. */
const redisUrl = nonEmpty.refine(
  (v) => {
    try {
      return ['redis:', 'rediss:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  },
  { error: 'expected a Redis URL such as redis://redis:6379 (rediss:// for TLS)' },
);

/** Several replicas behind one load balancer (docs/scaling.md). Absent: one process, no Redis. */
const ClusterSchema = mapping(
  {
    redis: redisUrl,
    // Visible in session ids and replica keys: keep it to characters that need no escaping anywhere.
    replicaId: z.string({ error: 'expected a string' }).regex(/^[A-Za-z0-9_.-]{1,63}$/, { error: 'expected 1-63 letters, digits, ".", "_" or "-"' }).optional(),
    advertiseUrl: httpUrl.optional(),
    secret: z.string({ error: 'expected a string' }).min(32, { error: 'must be at least 32 characters (e.g. `openssl rand -hex 32`), the same on every replica; give it as ${VAR}' }),
    events: mapping(
      {
        maxLength: int(1, Number.MAX_SAFE_INTEGER, 'expected a positive whole number of events').default(D.DEFAULT_CLUSTER_EVENTS.maxLength),
        maxAgeMs: positiveMs.default(D.DEFAULT_CLUSTER_EVENTS.maxAgeMs),
      },
      'event store settings (maxLength:, maxAgeMs:)',
    ).prefault({}),
  },
  'cluster settings (redis:, secret:, replicaId:, advertiseUrl:, events:)',
);

const ToolOverrideSchema = mapping(
  {
    name: toolName.optional(),
    description: text.optional(),
    hidden: bool.optional(),
    defaults: z.record(z.string(), z.unknown(), { error: 'expected a mapping of argument names to values' }).optional(),
  },
  'override settings (name:, description:, hidden:, defaults:)',
);

const WorkspaceSchema = mapping(
  {
    servers: stringList.optional(),
    tags: stringList.optional(),
    include: stringList.optional(),
    exclude: stringList.optional(),
    pin: stringList.optional(),
    overrides: z.record(z.string(), ToolOverrideSchema, { error: 'expected a mapping of tool names to overrides' }).optional(),
    maxTools: int(1, Number.MAX_SAFE_INTEGER, 'expected a positive whole number').optional(),
    roots: stringList.optional(),
    context: text.optional(),
    search: bool.optional(),
    allow: WorkspaceAllowSchema.optional(),
  },
  'workspace settings (servers:, include:, exclude:, ...)',
);

const nameKey = (what: string) => z.string().min(1, { error: `${what} name must not be empty` });

export const RouterFileSchema = mapping(
  {
    namespace: mapping(
      {
        separator: z
          .string({ error: 'expected a string' })
          .regex(/^[A-Za-z0-9_-]{1,8}$/, { error: 'expected 1-8 letters, digits, "_" or "-"' })
          .default(D.DEFAULT_SEPARATOR),
      },
      'namespace settings (separator:)',
    ).prefault({}),
    pagination: mapping(
      { pageSize: int(1, 10_000, 'expected a whole number from 1 to 10000').default(D.DEFAULT_PAGE_SIZE) },
      'pagination settings (pageSize:)',
    ).prefault({}),
    servers: z.record(nameKey('server'), ServerSchema, {
      error: (iss) =>
        iss.input === undefined
          ? 'missing; list the MCP servers to route to, e.g. servers: { everything: { command: npx, args: [-y, "@modelcontextprotocol/server-everything"] } }'
          : 'expected a mapping of server names to server settings',
    }),
    listen: ListenSchema.prefault({}),
    logLevel: oneOf(LOG_LEVELS as unknown as readonly [string, ...string[]]).optional(),
    shutdownGraceMs: int(0, 600_000, 'expected a whole number of milliseconds from 0 to 600000').default(D.DEFAULT_SHUTDOWN_GRACE_MS),
    search: mapping(
      {
        autoThreshold: int(0, Number.MAX_SAFE_INTEGER, 'expected a whole number >= 0').default(D.DEFAULT_AUTO_THRESHOLD),
        maxActive: int(1, Number.MAX_SAFE_INTEGER, 'expected a positive whole number').default(D.DEFAULT_MAX_ACTIVE),
      },
      'search settings (autoThreshold:, maxActive:)',
    ).prefault({}),
    cluster: ClusterSchema.optional(),
    workspaces: z
      .record(nameKey('workspace'), WorkspaceSchema, { error: 'expected a mapping of workspace names to workspace settings' })
      .optional(),
  },
  'settings (servers:, listen:, workspaces:, ...)',
).superRefine(
  (value, ctx) => {
    // Marked `complete`: these messages already say everything, the loader must not append "got ...".
    for (const issue of crossCheck(value)) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message, params: { complete: true } });
  },
  // Run even when other fields failed, so one pass reports every problem in the file.
  { when: () => true },
);

export type RouterFile = z.output<typeof RouterFileSchema>;
export type ServerFile = z.output<typeof ServerSchema>;
export type WorkspaceFile = z.output<typeof WorkspaceSchema>;
