/**
 * Traces are off unless OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set,
 * and off means free: no OpenTelemetry module is even loaded (it is imported here, on demand), no
 * observer joins the pipeline, no header is added.
 */
import type { Tracing } from '../engine/tracing.js';

export type { Tracing };

export function tracingWanted(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) && env.OTEL_SDK_DISABLED !== 'true';
}

export async function startTracing(env: NodeJS.ProcessEnv): Promise<Tracing | undefined> {
  if (!tracingWanted(env)) return undefined;
  const { createTracing } = await import('../engine/tracing.js');
  return createTracing();
}
