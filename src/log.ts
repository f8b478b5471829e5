/**
 * Logging: pino JSON on stderr (fd 2) only. stdout belongs to the MCP protocol on a stdio front,
 * so nothing in src/ may write there except the stdio transport itself.
 */
import { pino, type Logger, type Level } from 'pino';

export type { Logger };
export type LogLevel = Level | 'silent';

export const LOG_LEVELS: readonly LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'];

export function createLogger(level: LogLevel = 'info', destination: NodeJS.WritableStream | number = 2): Logger {
  const dest = typeof destination === 'number' ? pino.destination({ fd: destination, sync: true }) : destination;
  return pino({ level, base: { name: 'switchboard' }, timestamp: pino.stdTimeFunctions.isoTime }, dest);
}

/** A logger that drops everything: for tests and library use where the caller does not care. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
