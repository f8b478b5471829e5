/**
 * Logging: pino on stderr (fd 2) only. stdout belongs to the MCP protocol on a stdio front,
 * so nothing in src/ may write there except the stdio transport itself.
 *
 * Two formats: JSON (one object per line, for log pipelines; the default when stderr is not a
 * terminal) and pretty (one readable line per event, for people; the default on a terminal).
 *
 * Secrets: pino's redaction censors the fields known to hold them (env, headers, authToken,
 * authorization), and a redactor built from the config's secret VALUES (config/redact.ts) rewrites
 * every finished line, so a token that arrives inside free text (a backend's stderr at debug, an
 * error message quoting a URL) is replaced with "***" too.
 */
import { pino, type DestinationStream, type Logger, type Level } from 'pino';
import { PrettyLogStream } from './util/pretty-log.js';

export type { Logger };
export type LogLevel = Level | 'silent';
export type LogFormat = 'json' | 'pretty';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

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
  format?: LogFormat;
  /** Pretty only: ANSI colours. */
  color?: boolean;
  /** Pretty only: width of the backend column (the longest configured server name). */
  nameWidth?: number;
}

/** Output options alone (format, colour, width), as the CLI's flags give them. */
export type LogOutput = Omit<LoggerOptions, 'redact'>;

export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | number = 2, options: LoggerOptions = {}): Logger {
  const settings = { level, base: { name: 'switchboard' }, timestamp: pino.stdTimeFunctions.isoTime, redact: { paths: REDACT_PATHS, censor: REDACTED } };
  const dest: DestinationStream =
    options.format === 'pretty'
      ? new PrettyLogStream(destination, { color: options.color ?? false, nameWidth: options.nameWidth })
      : typeof destination === 'number'
        ? pino.destination({ fd: destination, sync: true })
        : destination;
  return pino(settings, options.redact ? redactingDestination(dest, options.redact) : dest);
}

/** Every finished line passes through the redactor on its way to the real destination. */
function redactingDestination(dest: DestinationStream, redact: Redactor): DestinationStream {
  return { write: (line: string) => dest.write(redact(line)) };
}

/** The format when none is asked for: pretty for a person at a terminal, JSON for everything else. */
export function defaultLogFormat(stream: { isTTY?: boolean } = process.stderr): LogFormat {
  return stream.isTTY ? 'pretty' : 'json';
}

/** Colours only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function colorAllowed(stream: { isTTY?: boolean } = process.stderr, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR;
}

/** A logger that drops everything: for tests and library use where the caller does not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
