/**
 * Logging: pino JSON on stderr (fd 2) only. stdout belongs to the MCP protocol on a stdio front,
 * so nothing in src/ may write there except the stdio transport itself.
 *
 * Secrets: pino's redaction censors the fields known to hold them (env, headers, authToken,
 * authorization), and a redactor built from the config's secret VALUES (config/secrets.ts) rewrites
 * every finished line, so a token that arrives inside free text (a backend's stderr at debug, an
 * error message quoting a URL) is replaced with "***" too.
 */
import { pino, type DestinationStream, type Logger, type Level } from 'pino';

export type { Logger };
export type LogLevel = Level | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export const REDACTED = '***';

/** Fields whose values are secrets wherever they appear in a log object (two levels deep). */
const REDACT_PATHS = [
  'authToken', '*.authToken', 'authorization', '*.authorization', 'Authorization', '*.Authorization',
  'headers.*', '*.headers.*', 'env.*', '*.env.*',
];

/** Replaces every occurrence of a known secret in a text; the identity when there are none. */
export type Redactor = (text: string) => string;

/**
 * A redactor for these secret values: each is replaced with "***" as it is, and as it appears inside
 * a JSON string (quotes and backslashes escaped), which is how it shows up in a log line.
 */
export function createRedactor(secrets: readonly string[]): Redactor {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  if (forms.size === 0) return (text) => text;
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = new RegExp(alternatives.join('|'), 'g');
  return (text) => (typeof text === 'string' ? text.replace(pattern, REDACTED) : text);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export interface LoggerOptions {
  /** Secret values to replace with "***" in every line (see config/secrets.ts). */
  secrets?: readonly string[];
}

export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | number = 2, options: LoggerOptions = {}): Logger {
  const dest: DestinationStream = typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
  const secrets = options.secrets ?? [];
  const out: DestinationStream = secrets.length ? redactingDestination(dest, createRedactor(secrets)) : dest;
  return pino({ level, base: { name: 'switchboard' }, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT_PATHS, censor: REDACTED } }, out);
}

/** Every finished line passes through the redactor on its way to the real destination. */
function redactingDestination(dest: DestinationStream, redact: Redactor): DestinationStream {
  return { write: (line: string) => dest.write(redact(line)) };
}

/** A logger that drops everything: for tests and library use where the caller does not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
