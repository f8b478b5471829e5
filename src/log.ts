/**
 * Logging: pino JSON on stderr (fd 2) only. stdout belongs to the MCP protocol on a stdio front,
 * so nothing in src/ may write there except the stdio transport itself.
 *
 * Secrets: pino's redaction censors the fields known to hold them (env, headers, authToken,
 * authorization), and a redactor built from the config's secret VALUES (config/redact.ts) rewrites
 * every finished line, so a token that arrives inside free text (a backend's stderr at debug, an
 * error message quoting a URL) is replaced with "***" too.
 */
import { pino, type DestinationStream, type Logger, type Level } from 'pino';

export type { Logger };
export type LogLevel = Level | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

const REDACTED = '***';

/** Fields whose values are secrets wherever they appear in a log object (two levels deep). */
const REDACT_PATHS = [
  'authToken', '*.authToken', 'authorization', '*.authorization', 'Authorization', '*.Authorization',
  'headers.*', '*.headers.*', 'env.*', '*.env.*',
];

/** Replaces every occurrence of a known secret in a text (config/redact.ts builds it). */
export type Redactor = (text: string) => string;

export interface LoggerOptions {
  /** Applied to every finished line: replaces the config's secret values with "***". */
  redact?: Redactor;
}

export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | number = 2, options: LoggerOptions = {}): Logger {
  const dest: DestinationStream = typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
  const out: DestinationStream = options.redact ? redactingDestination(dest, options.redact) : dest;
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
