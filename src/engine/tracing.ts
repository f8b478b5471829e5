/**
 * OpenTelemetry traces of the pipeline: for each forwarded request a SERVER span for the client's
 * request (method, public name, client request id, session) and a CLIENT span under it for the
 * request to the backend (backend, original name), both ended with the outcome. The backend span's
 * W3C trace context goes to the backend in the request's `params._meta.traceparent` (MCP's place
 * for it), so a traced server continues the same trace; a client that sent its own traceparent
 * becomes the parent of the front span.
 *
 * Only ever loaded through a dynamic import (cli/telemetry.ts), when an OTLP endpoint is set: with
 * tracing off, no OpenTelemetry module is in the process. Spans are exported over OTLP/HTTP (JSON)
 * in batches; close() flushes what is left.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, defaultTextMapGetter, defaultTextMapSetter, trace, type Context, type Span } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, TracerProvider, type SpanExporter } from '@opentelemetry/sdk-trace';
import { SwitchboardError } from '../errors/index.js';
import { VERSION } from '../version.js';
import { requestId, type RequestContext } from './context.js';
import type { ForwardEnd, ForwardObserver } from './engine.js';
import type { Forward } from './services.js';

export interface Tracing {
  observer: ForwardObserver;
  /** Export what is still buffered and stop. */
  close(): Promise<void>;
}

export interface TracingOptions {
  /** Default: OTLP/HTTP JSON to OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, the exporter's own reading of the env. */
  exporter?: SpanExporter;
  serviceName?: string;
}

export function createTracing(options: TracingOptions = {}): Tracing {
  const provider = new TracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? process.env.OTEL_SERVICE_NAME ?? 'mcp-switchboard', 'service.version': VERSION }),
    spanProcessors: [new BatchSpanProcessor({ exporter: options.exporter ?? new OTLPTraceExporter() })],
  });
  const observer = new TraceObserver(provider.getTracer('mcp-switchboard', VERSION));
  return { observer, close: () => provider.shutdown() };
}

type Carrier = Record<string, string>;
const propagator = new W3CTraceContextPropagator();

class TraceObserver implements ForwardObserver {
  constructor(private readonly tracer: ReturnType<TracerProvider['getTracer']>) {}

  start(ctx: RequestContext, plan: Forward): ForwardEnd {
    const original = typeof plan.params.name === 'string' ? plan.params.name : undefined;
    const front = this.tracer.startSpan(
      spanName(ctx.method, plan.publicName),
      {
        kind: SpanKind.SERVER,
        attributes: {
          'mcp.method.name': ctx.method,
          'jsonrpc.request.id': String(ctx.id),
          'mcp.session.id': ctx.session.id,
          'switchboard.request.id': requestId(ctx),
          'switchboard.backend': plan.server,
          ...(plan.publicName !== undefined && { 'gen_ai.tool.name': plan.publicName }),
          ...(original !== undefined && { 'switchboard.original.name': original }),
        },
      },
      clientContext(plan),
    );
    const backend = this.tracer.startSpan(
      spanName(plan.method, original),
      {
        kind: SpanKind.CLIENT,
        attributes: {
          'mcp.method.name': plan.method,
          'switchboard.backend': plan.server,
          ...(original !== undefined && { 'gen_ai.tool.name': original }),
        },
      },
      trace.setSpan(ROOT_CONTEXT, front),
    );
    const carrier: Carrier = {};
    propagator.inject(trace.setSpan(ROOT_CONTEXT, backend), carrier, defaultTextMapSetter);
    plan.meta = { ...plan.meta, ...carrier };
    return (error, result) => {
      const outcome = error === undefined && (result as { isError?: unknown } | undefined)?.isError === true ? 'tool_error' : 'ok';
      finish(backend, error, outcome);
      finish(front, error, outcome);
    };
  }
}

/** The client's own trace context, when it sent one in `_meta` (else the front span starts a trace). */
function clientContext(plan: Forward): Context {
  const meta = plan.params._meta as Record<string, unknown> | undefined;
  if (typeof meta?.traceparent !== 'string') return ROOT_CONTEXT;
  const carrier: Carrier = { traceparent: meta.traceparent, ...(typeof meta.tracestate === 'string' && { tracestate: meta.tracestate }) };
  return propagator.extract(ROOT_CONTEXT, carrier, defaultTextMapGetter);
}

function spanName(method: string, target: string | undefined): string {
  return target === undefined ? method : `${method} ${target}`;
}

/** `ok`, `tool_error` (a result with isError: the protocol succeeded, the tool did not), or `error`. */
function finish(span: Span, error: unknown, outcome: 'ok' | 'tool_error'): void {
  if (error === undefined) {
    span.setAttribute('switchboard.outcome', outcome);
  } else {
    const code = error instanceof SwitchboardError ? error.code : (error as { code?: unknown })?.code;
    const rpcCode = error instanceof SwitchboardError ? error.rpcCode : typeof code === 'number' ? code : undefined;
    span.setAttributes({
      'switchboard.outcome': 'error',
      'error.type': typeof code === 'string' ? code : rpcCode !== undefined ? String(rpcCode) : 'error',
      ...(rpcCode !== undefined && { 'rpc.jsonrpc.error_code': rpcCode }),
    });
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
  }
  span.end();
}
