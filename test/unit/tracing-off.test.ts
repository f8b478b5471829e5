/**
 * Tracing off costs nothing: OpenTelemetry is imported by one module only, and that module is only
 * ever imported dynamically, after the endpoint variable was found. Plus the header copy's parsing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { traceparentOf, withTraceparentHeader } from '../../src/backends/trace-header.js';
import { startTracing, tracingWanted } from '../../src/cli/telemetry.js';
import { PROJECT_ROOT } from '../helpers/cli.js';

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

const SRC = join(PROJECT_ROOT, 'src');
const files = sources(SRC).map((f) => ({ path: relative(PROJECT_ROOT, f), text: readFileSync(f, 'utf8') }));

describe('tracing off', () => {
  it('only src/engine/tracing.ts imports @opentelemetry, and nothing imports it statically except for types', () => {
    expect(files.filter((f) => /from '@opentelemetry\//.test(f.text)).map((f) => f.path)).toEqual(['src/engine/tracing.ts']);
    const staticImports = files.filter((f) => /^import (?!type ).*from '[./]*(engine\/)?tracing\.js';$/m.test(f.text)).map((f) => f.path);
    expect(staticImports).toEqual([]);
    expect(files.find((f) => f.path === 'src/cli/telemetry.ts')!.text).toContain("await import('../engine/tracing.js')");
  });

  it('is on only with an OTLP endpoint, and not with OTEL_SDK_DISABLED=true', async () => {
    expect(tracingWanted({})).toBe(false);
    expect(await startTracing({})).toBeUndefined();
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' })).toBe(true);
    expect(tracingWanted({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://x', OTEL_SDK_DISABLED: 'true' })).toBe(false);
  });
});

describe('traceparent header', () => {
  const ours = '00-0123456789abcdef0123456789abcdef-0123456789abcdef-01';
  const theirs = '00-ffffffffffffffffffffffffffffffff-ffffffffffffffff-01';

  it('takes the last traceparent in the body: the engine appends its _meta after the arguments', () => {
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x', arguments: { traceparent: theirs }, _meta: { traceparent: ours } } });
    expect(traceparentOf(body)).toBe(ours);
    expect(traceparentOf('{"jsonrpc":"2.0","id":1,"method":"ping"}')).toBeUndefined();
  });

  it('sets the header from the body, keeping the configured headers', async () => {
    const seen: Headers[] = [];
    const traced = withTraceparentHeader(async (_url, init) => {
      seen.push(new Headers(init?.headers));
      return new Response('{}');
    });
    await traced('http://x/mcp', { method: 'POST', headers: { authorization: 'Bearer t' }, body: JSON.stringify({ params: { _meta: { traceparent: ours } } }) });
    await traced('http://x/mcp', { method: 'GET', headers: { authorization: 'Bearer t' } });
    expect(seen.map((h) => [h.get('traceparent'), h.get('authorization')])).toEqual([[ours, 'Bearer t'], [null, 'Bearer t']]);
  });
});
