/**
 * Logging: pino on stderr (fd 2) only. stdout belongs to the MCP protocol on a stdio front,
 * so nothing in src/ may write there except the stdio transport itself.
 *
 * Two formats: JSON (one object per line, for log pipelines; the default when stderr is not a
 * terminal) and pretty (one readable line per event, for people; the default on a terminal).
 */
import { pino, type Logger, type Level } from 'pino';
import { PrettyLogStream } from './util/pretty-log.js';

export type { Logger };
export type LogLevel = Level | 'silent';
export type LogFormat = 'json' | 'pretty';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];
export const LOG_FORMATS: readonly LogFormat[] = ['pretty', 'json'];

export interface LogOutput {
  format?: LogFormat;
  /** Pretty only: ANSI colours. */
  color?: boolean;
  /** Pretty only: width of the backend column (the longest configured server name). */
  nameWidth?: number;
}

export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | number = 2, output: LogOutput = {}): Logger {
  const options = { level, base: { name: 'switchboard' }, timestamp: pino.stdTimeFunctions.isoTime };
  if (output.format === 'pretty') return pino(options, new PrettyLogStream(destination, { color: output.color ?? false, nameWidth: output.nameWidth }));
  const dest = typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
  return pino(options, dest);
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
