/** MCP logging levels (RFC 5424 severities), least to most severe. */
import type { LoggingLevel } from '@modelcontextprotocol/server';

export const LOGGING_LEVELS: readonly LoggingLevel[] = ['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency'];

const RANK = new Map(LOGGING_LEVELS.map((level, i) => [level, i]));

/** Whether a message at `level` passes a client that asked for `threshold` and above. */
export function logLevelAllows(threshold: LoggingLevel, level: LoggingLevel): boolean {
  return (RANK.get(level) ?? LOGGING_LEVELS.length) >= (RANK.get(threshold) ?? 0);
}

/** The most verbose of several thresholds: a shared backend must emit what its chattiest client wants. */
export function mostVerbose(levels: Iterable<LoggingLevel>): LoggingLevel | undefined {
  let best: LoggingLevel | undefined;
  for (const level of levels) if (best === undefined || (RANK.get(level) ?? 0) < (RANK.get(best) ?? 0)) best = level;
  return best;
}
