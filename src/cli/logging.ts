/**
 * The logger every command builds from its flags: --log-level, and --log-format (pretty for a person
 * at a terminal, JSON otherwise, unless asked). Logs go to stderr whatever the format.
 */
import { colorAllowed, createLogger, defaultLogFormat, LOG_FORMATS, LOG_LEVELS, type Logger, type LogLevel, type Redactor } from '../log.js';
import { oneOf } from './args.js';

export const LOG_FORMAT_HELP = `--log-format FORMAT    pretty | json (default: pretty when stderr is a terminal, else json)`;

export interface LoggerFlags {
  level?: string;
  format?: string;
  /** The level when neither the flag nor the config sets one. */
  defaultLevel: LogLevel;
  /** Names shown in the pretty backend column, so it is aligned from the first line. */
  names?: readonly string[];
  levelFlag?: string;
  formatFlag?: string;
  /** Replaces the config's secret values in every line (config/redact.ts). */
  redact?: Redactor;
}

export function parseLogLevel(value: string | undefined, flag = '--log-level'): LogLevel | undefined {
  return oneOf(value, LOG_LEVELS, flag);
}

export function cliLogger(flags: LoggerFlags): Logger {
  const level = parseLogLevel(flags.level, flags.levelFlag) ?? flags.defaultLevel;
  const format = oneOf(flags.format, LOG_FORMATS, flags.formatFlag ?? '--log-format') ?? defaultLogFormat();
  const nameWidth = Math.max(0, ...(flags.names ?? []).map((n) => n.length));
  return createLogger(level, 2, { format, color: format === 'pretty' && colorAllowed(), nameWidth, ...(flags.redact && { redact: flags.redact }) });
}
