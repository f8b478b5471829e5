/**
 * `switchboard bridge`: a drop-in for `supergateway` (same flags, defaults and paths) that keeps each
 * client's messages to that client, reaps children, restarts crashed ones, binds 127.0.0.1 unless
 * told otherwise, and can require a bearer token.
 */
import { Watchdog } from '../backends/watchdog.js';
import { parseHeader, normalizeArgv } from '../bridge/argv.js';
import { startBridge } from '../bridge/bridge.js';
import { bridgeRouterConfig, type BridgeInput, type BridgeOptions, type BridgeOutput } from '../bridge/config.js';
import { defaultListenConfig } from '../config/defaults.js';
import type { ListenConfig } from '../config/types.js';
import { configSecrets, createRedactor } from '../config/redact.js';
import { SwitchboardError } from '../errors/index.js';
import { LOG_LEVELS, type LogLevel } from '../log.js';
import { oneOf, parseCors, parseFlags, parsePath, parsePort, parsePositiveInt } from './args.js';
import { assertSafeBind } from './listeners.js';
import { cliLogger } from './logging.js';
import { onShutdown } from './shutdown.js';
import { startTracing } from './telemetry.js';
import { LEGACY_MESSAGE_PATH, LEGACY_SSE_PATH } from '../transports/network-fronts.js';

export const BRIDGE_HELP = `Usage: switchboard bridge (--stdio "CMD" | --sse URL | --streamableHttp URL) [options]

Put one MCP server on another transport. Accepts supergateway's flags (camelCase or kebab-case).

Input (exactly one):
  --stdio "CMD"               run CMD (through the shell) and speak MCP on its stdin/stdout
  --sse URL                   connect to a legacy HTTP+SSE server
  --streamableHttp URL        connect to a Streamable HTTP server

Output:
  --outputTransport KIND      stdio | sse | ws | streamableHttp
                              (default: sse for --stdio, stdio for URL inputs)
  --host HOST                 bind address (default 127.0.0.1)
  --port PORT                 port (default 8000; 0 picks a free one)
  --baseUrl URL               absolute prefix for the SSE endpoint event (behind a proxy)
  --ssePath PATH              SSE stream path (default /sse)
  --messagePath PATH          SSE POST path, and the WebSocket path (default /message)
  --streamableHttpPath PATH   Streamable HTTP path (default /mcp)
  --stateful                  accepted for compatibility: Streamable HTTP sessions are always stateful
  --sessionTimeout MS         close a session idle this long, open stream or not (default 1800000)
  --healthEndpoint PATH...    answer 200 "ok" on these paths (repeatable)
  --cors [ORIGIN...]          CORS headers; no value allows any origin
  --shared                    one child for all clients (default: one child per client session)
  --maxSessions N             per-client mode: most client sessions (children) at once (default 64)

Security (beyond supergateway):
  --auth-token TOKEN          require "Authorization: Bearer TOKEN" from clients
  --allow-unauthenticated     allow a non-loopback --host without --auth-token
  --allowed-origin ORIGIN...  Origins allowed besides localhost pages (browsers only send one)
  --allowed-host HOST...      Host header values allowed (DNS-rebinding protection)
  --max-body-bytes N          largest request body (default 4194304)

Remote (URL inputs):
  --header "K: V"...          header sent to the remote (in stdio-input modes: added to responses)
  --oauth2Bearer TOKEN        sends "Authorization: Bearer TOKEN" to the remote
  --protocolVersion V         accepted for compatibility; each hop negotiates its own version

  --logLevel LEVEL            debug | info | none (also trace, warn, error); logs go to stderr only
  --logFormat FORMAT          pretty | json (default: pretty when stderr is a terminal, else json); also --log-format
  -h, --help                  show this help`;

const OUTPUTS = ['stdio', 'sse', 'ws', 'streamableHttp'] as const;
const ARRAYS = ['cors', 'healthEndpoint', 'header', 'allowedOrigin', 'allowedHost'] as const;
const BOOLEANS = ['stateful', 'shared', 'allowUnauthenticated', 'help'] as const;
const DEFAULT_BRIDGE_PORT = 8000;

export function parseBridgeArgs(argv: string[]): { options: BridgeOptions; logLevel: LogLevel; logFormat?: string } | 'help' {
  const normalized = normalizeArgv(argv, { arrays: ARRAYS, booleans: BOOLEANS, emptyMeans: { cors: '*' } });
  const s = { type: 'string' } as const;
  const many = { type: 'string', multiple: true } as const;
  const { values: v } = parseFlags('bridge', normalized, {
    stdio: s, sse: s, streamableHttp: s, outputTransport: s, host: s, port: s, baseUrl: s, ssePath: s, messagePath: s,
    streamableHttpPath: s, stateful: { type: 'boolean' }, sessionTimeout: s, healthEndpoint: many, cors: many, header: many,
    oauth2Bearer: s, logLevel: s, logFormat: s, protocolVersion: s, authToken: s, allowUnauthenticated: { type: 'boolean' },
    shared: { type: 'boolean' }, maxSessions: s, maxBodyBytes: s, allowedOrigin: many, allowedHost: many, help: { type: 'boolean', short: 'h' },
  });
  if (v.help) return 'help';

  const inputs: BridgeInput[] = [];
  if (v.stdio !== undefined) inputs.push({ kind: 'stdio', commandLine: v.stdio });
  if (v.sse !== undefined) inputs.push({ kind: 'sse', url: httpUrl(v.sse, '--sse') });
  if (v.streamableHttp !== undefined) inputs.push({ kind: 'streamableHttp', url: httpUrl(v.streamableHttp, '--streamableHttp') });
  if (inputs.length !== 1) {
    throw new SwitchboardError('SB_USAGE', `bridge: give exactly one of --stdio "CMD", --sse URL or --streamableHttp URL (got ${inputs.length}). Run "switchboard bridge --help".`);
  }
  const input = inputs[0]!;
  const output: BridgeOutput = oneOf(v.outputTransport, OUTPUTS, '--outputTransport') ?? (input.kind === 'stdio' ? 'sse' : 'stdio');
  if (input.kind === 'stdio' && output === 'stdio') throw new SwitchboardError('SB_USAGE', 'bridge: --stdio with --outputTransport stdio bridges nothing; pick sse, ws or streamableHttp');

  const headers = Object.fromEntries((v.header ?? []).map((h) => parseHeader(h) ?? usage(`--header: expected "Name: value", got "${h}"`)));
  // Lower-case names: HTTP does not care, and the SSE client merges its own (lower-cased) copies
  // with ours, so "Authorization" next to "authorization" would be sent twice and joined.
  const lower = Object.fromEntries(Object.entries(headers).map(([k, val]) => [k.toLowerCase(), val]));
  const remoteHeaders = input.kind === 'stdio' ? {} : { ...lower, ...(v.oauth2Bearer ? { authorization: `Bearer ${v.oauth2Bearer}` } : {}) };
  const defaults = defaultListenConfig();
  const listen: ListenConfig = {
    ...defaults,
    transport: output === 'streamableHttp' ? 'http' : output,
    host: v.host ?? defaults.host,
    port: parsePort(v.port, '--port') ?? DEFAULT_BRIDGE_PORT,
    allowUnauthenticated: v.allowUnauthenticated ?? false,
    allowedOrigins: v.allowedOrigin ?? [],
    allowedHosts: v.allowedHost ?? [],
    sessionIdleMs: parsePositiveInt(v.sessionTimeout, '--sessionTimeout') ?? defaults.sessionIdleMs,
    maxBodyBytes: parsePositiveInt(v.maxBodyBytes, '--max-body-bytes') ?? defaults.maxBodyBytes,
    ...(v.healthEndpoint?.length ? { healthEndpoints: v.healthEndpoint.map((p) => parsePath(p, '--healthEndpoint')) } : {}),
    ...(v.authToken ? { authToken: v.authToken } : {}),
    ...parseCors(v.cors),
  };
  const options: BridgeOptions = {
    input,
    output,
    listen,
    ...(v.baseUrl ? { baseUrl: httpUrl(v.baseUrl, '--baseUrl') } : {}),
    ssePath: parsePath(v.ssePath ?? LEGACY_SSE_PATH, '--ssePath'),
    messagePath: parsePath(v.messagePath ?? LEGACY_MESSAGE_PATH, '--messagePath'),
    streamableHttpPath: parsePath(v.streamableHttpPath ?? '/mcp', '--streamableHttpPath'),
    shared: v.shared ?? false,
    ...(v.maxSessions !== undefined ? { maxSessions: parsePositiveInt(v.maxSessions, '--maxSessions') } : {}),
    remoteHeaders,
    responseHeaders: input.kind === 'stdio' ? headers : {},
    env: Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined)),
  };
  return { options, logLevel: logLevelOf(v.logLevel), ...(v.logFormat !== undefined && { logFormat: v.logFormat }) };
}

export async function runBridge(argv: string[]): Promise<void> {
  const parsed = parseBridgeArgs(argv);
  if (parsed === 'help') {
    process.stderr.write(BRIDGE_HELP + '\n');
    return;
  }
  const { options, logLevel, logFormat } = parsed;
  // Header values, URL credentials and the auth token never reach logs or clients; the child's env is
  // the whole process environment here, not secrets from a config, so it is left out.
  const secrets = configSecrets(bridgeRouterConfig(options), { env: false, minLength: 6 });
  const redact = secrets.length > 0 ? createRedactor(secrets) : undefined;
  const log = cliLogger({ level: logLevel, format: logFormat, defaultLevel: 'info', formatFlag: '--logFormat', ...(redact && { redact }) });
  if (options.output !== 'stdio') assertSafeBind(options.listen);
  // One per process, shared by every per-client router: it guards all their children.
  const watchdog = new Watchdog({ log });
  // Off (and no OpenTelemetry module loaded) unless an OTLP endpoint is set.
  const tracing = await startTracing(process.env);
  const bridge = await startBridge(options, { log, watchdog, ...(redact ? { redact } : {}), ...(tracing && { observers: [tracing.observer], traceHeaders: true }) }).catch(async (err: unknown): Promise<never> => {
    await tracing?.close();
    await watchdog.close();
    throw err;
  });
  const shutdown = onShutdown(
    async () => {
      await bridge.close();
      await tracing?.close();
      await watchdog.close();
    },
    { log: (m) => log.info(m) },
  );
  void bridge.done.then(shutdown);
  const say = (line: string) => logLevel !== 'silent' && process.stderr.write(`${line}\n`);
  const { urls } = bridge;
  if (urls.streamableHttp) say(`mcp-switchboard bridge listening on ${urls.streamableHttp} (Streamable HTTP)`);
  if (urls.sse) say(`mcp-switchboard bridge listening on ${urls.sse} (SSE; POST ${options.messagePath})`);
  if (urls.ws) say(`mcp-switchboard bridge listening on ${urls.ws} (WebSocket)`);
  const isolation = options.shared ? 'one child shared by all clients' : 'one child per client session';
  if (options.output !== 'stdio') say(`  ${isolation}; sessions idle ${options.listen.sessionIdleMs} ms are closed${options.listen.authToken ? '; bearer token required' : ''}`);
}

function logLevelOf(value: string | undefined): LogLevel {
  if (value === undefined) return 'info';
  if (value === 'none') return 'silent';
  return oneOf(value, LOG_LEVELS, '--logLevel') ?? 'info';
}

function httpUrl(value: string, flag: string): string {
  try {
    const u = new URL(value);
    if (u.protocol === 'http:' || u.protocol === 'https:') return value;
  } catch {
    /* fall through */
  }
  return usage(`${flag}: expected an http(s) URL, got "${value}"`);
}

function usage(message: string): never {
  throw new SwitchboardError('SB_USAGE', `bridge: ${message}`);
}
