/**
 * Traces end to end: `switchboard call` with OTEL_EXPORTER_OTLP_ENDPOINT pointing at an OTLP/HTTP
 * receiver in this test (node:http on loopback, JSON bodies). Asserted: span names, kinds,
 * attributes, the front -> backend parent link, and that the HTTP fixture backend received a
 * traceparent (in _meta and as a header) naming the backend span of the same trace. Without the
 * variable: nothing is exported and nothing is propagated.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, tempDir } from '../helpers/cli.js';
import { spawnFixture, type SpawnedFixture } from '../helpers/spawn-fixture.js';
import { cleanEnv, fixtureYaml, run } from './cli-commands-helpers.js';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes: Array<{ key: string; value: Record<string, unknown> }>;
  status?: { code?: number; message?: string };
}

const SERVER = 2;
const CLIENT = 3;
const tmp = tempDir('sb-traces-');
let receiver: Server;
let endpoint: string;
const exported: Array<{ resource: Record<string, unknown>; spans: OtlpSpan[] }> = [];
let http: SpawnedFixture;
let config: string;

beforeAll(async () => {
  assertBuilt();
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { resourceSpans: Array<{ resource: Record<string, unknown>; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
        for (const rs of body.resourceSpans) exported.push({ resource: rs.resource, spans: rs.scopeSpans.flatMap((s) => s.spans) });
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  http = await spawnFixture({ name: 'web', transport: 'http', tools: ['echo', 'trace_context'] });
  config = tmp.write('router.yaml', `servers:\n  web:\n    url: ${http.url}\n    type: http\n${fixtureYaml('fix', ['--tools', 'fail'])}`);
});
afterAll(async () => {
  await http?.close();
  await new Promise<void>((resolve) => receiver?.close(() => resolve()));
  tmp.remove();
});

const attrs = (span: OtlpSpan) => Object.fromEntries(span.attributes.map((a) => [a.key, Object.values(a.value)[0]]));
const spansNamed = (name: string) => exported.flatMap((e) => e.spans).filter((s) => s.name === name);
const tracedEnv = () => cleanEnv(tmp.dir, { OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });

describe('OpenTelemetry traces', () => {
  it('a call is a SERVER span with a CLIENT span under it, and the HTTP backend gets the same trace', async () => {
    const { code, stdout } = await run(['call', '--config', config, 'web__trace_context'], tracedEnv());
    expect(code).toBe(0);
    const seen = JSON.parse(stdout) as { meta: string; header: string };

    const [front] = spansNamed('tools/call web__trace_context');
    const [backend] = spansNamed('tools/call trace_context');
    expect(front).toBeDefined();
    expect(backend).toBeDefined();
    expect(front!.kind).toBe(SERVER);
    expect(backend!.kind).toBe(CLIENT);
    expect(front!.parentSpanId ?? '').toBe('');
    expect(backend!.parentSpanId).toBe(front!.spanId);
    expect(backend!.traceId).toBe(front!.traceId);
    expect(attrs(front!)).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'web__trace_context',
      'switchboard.original.name': 'trace_context',
      'switchboard.backend': 'web',
      'switchboard.outcome': 'ok',
      'jsonrpc.request.id': expect.any(String),
      'switchboard.request.id': expect.stringMatching(/^[0-9a-f]{8}-\d+$/),
    });
    expect(attrs(backend!)).toMatchObject({ 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'trace_context', 'switchboard.backend': 'web', 'switchboard.outcome': 'ok' });
    // The backend continues the trace under the backend span: in _meta (MCP's place) and as the HTTP header.
    expect(seen.meta).toBe(`00-${backend!.traceId}-${backend!.spanId}-01`);
    expect(seen.header).toBe(seen.meta);
    expect(exported[0]!.resource).toMatchObject({ attributes: expect.arrayContaining([{ key: 'service.name', value: { stringValue: 'mcp-switchboard' } }]) });
  });

  it('a backend error ends both spans with status ERROR and the JSON-RPC code', async () => {
    const { code } = await run(['call', '--config', config, 'fix__fail', '{"code":-32050,"message":"quota exceeded"}'], tracedEnv());
    expect(code).toBe(2);
    const [front] = spansNamed('tools/call fix__fail');
    const [backend] = spansNamed('tools/call fail');
    for (const span of [front!, backend!]) {
      expect(span.status).toMatchObject({ code: 2, message: 'quota exceeded' });
      expect(attrs(span)).toMatchObject({ 'switchboard.outcome': 'error', 'rpc.jsonrpc.error_code': -32050, 'error.type': '-32050' });
    }
    expect(backend!.parentSpanId).toBe(front!.spanId);
  });

  it('without OTEL_EXPORTER_OTLP_ENDPOINT nothing is exported and no trace context is sent', async () => {
    const before = exported.length;
    const { code, stdout } = await run(['call', '--config', config, 'web__trace_context'], cleanEnv(tmp.dir));
    expect(code).toBe(0);
    expect(JSON.parse(stdout)).toEqual({ meta: null, header: null });
    expect(exported.length).toBe(before);
  });
});
