import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { ProtocolError, SdkError, SdkErrorCode } from '@modelcontextprotocol/client';
import {
  ERROR_CATALOG,
  JsonRpcCode,
  SERVER_RANGE,
  SwitchboardError,
  UpstreamError,
  httpErrorBody,
  sendHttpError,
  toWireError,
  type SwitchboardErrorCode,
} from '../../src/errors/index.js';

const CODES = Object.keys(ERROR_CATALOG) as SwitchboardErrorCode[];
const STANDARD = new Set<number>([JsonRpcCode.ParseError, JsonRpcCode.InvalidRequest, JsonRpcCode.MethodNotFound, JsonRpcCode.InvalidParams, JsonRpcCode.InternalError]);
const inServerRange = (rpc: number) => rpc >= SERVER_RANGE.min && rpc <= SERVER_RANGE.max;

describe('the error catalog', () => {
  it.each(CODES)('%s has a JSON-RPC code, an HTTP error status and one sentence saying what to do', (code) => {
    const { rpc, http, fix } = ERROR_CATALOG[code];
    expect(Number.isInteger(rpc)).toBe(true);
    expect(STANDARD.has(rpc) || inServerRange(rpc), `${code}: ${rpc} is neither a JSON-RPC code nor in the server range`).toBe(true);
    expect(Number.isInteger(http) && http >= 400 && http <= 599, `${code}: HTTP ${http}`).toBe(true);
    expect(fix).toMatch(/^[A-Z].*\.$/);
    expect(fix, 'one sentence').not.toMatch(/\.\s+[A-Z]/);
  });

  it('gives each of our server-range codes exactly one meaning', () => {
    const byRpc = new Map<number, SwitchboardErrorCode[]>();
    for (const code of CODES) {
      const { rpc } = ERROR_CATALOG[code];
      if (inServerRange(rpc)) byRpc.set(rpc, [...(byRpc.get(rpc) ?? []), code]);
    }
    for (const [rpc, codes] of byRpc) expect(codes, `${rpc} is shared`).toHaveLength(1);
  });

  it('tells a timeout, an unknown session and a refused token apart by JSON-RPC code', () => {
    const { SB_BACKEND_TIMEOUT, SB_UNKNOWN_SESSION, SB_UNAUTHORIZED, SB_SESSION_REQUIRED, SB_SHUTTING_DOWN, SB_TOO_MANY_SESSIONS } = ERROR_CATALOG;
    expect(SB_BACKEND_TIMEOUT.rpc).toBe(-32001); // the SDK's and MCP's timeout
    const distinct = [SB_BACKEND_TIMEOUT, SB_UNKNOWN_SESSION, SB_UNAUTHORIZED, SB_SESSION_REQUIRED, SB_SHUTTING_DOWN, SB_TOO_MANY_SESSIONS].map((e) => e.rpc);
    expect(new Set(distinct).size).toBe(distinct.length);
    expect([SB_UNKNOWN_SESSION.http, SB_UNAUTHORIZED.http, SB_SESSION_REQUIRED.http]).toEqual([404, 401, 400]);
  });

  it('never gives two codes the same code, status and advice', () => {
    const seen = new Map<string, SwitchboardErrorCode>();
    for (const code of CODES) {
      const { rpc, http, fix } = ERROR_CATALOG[code];
      const key = `${rpc} ${http} ${fix}`;
      expect(seen.get(key), `${code} duplicates ${seen.get(key)}`).toBeUndefined();
      seen.set(key, code);
    }
  });

  it('follows the codes MCP defines and leaves the ones it reserves alone', () => {
    // SEP-2164: a missing resource is -32602; the SDK rewrites -32002 to -32602 on the way out anyway.
    expect(ERROR_CATALOG.SB_UNKNOWN_RESOURCE.rpc).toBe(-32602);
    expect(ERROR_CATALOG.SB_UNKNOWN_TOOL.rpc).toBe(-32602);
    expect(ERROR_CATALOG.SB_UNSUPPORTED_PROTOCOL_VERSION.rpc).toBe(JsonRpcCode.UnsupportedProtocolVersion);
    const used = new Set<number>(CODES.map((c) => ERROR_CATALOG[c].rpc));
    // resource not found (2025-11-25), missing client capability, URL elicitation required
    for (const reserved of [-32002, -32021, -32042]) expect(used.has(reserved), String(reserved)).toBe(false);
  });

  it.each(CODES)('new SwitchboardError(%s) takes its codes from the catalog', (code) => {
    const err = new SwitchboardError(code, 'm');
    expect([err.code, err.rpcCode, err.httpStatus, err.fix]).toEqual([code, ERROR_CATALOG[code].rpc, ERROR_CATALOG[code].http, ERROR_CATALOG[code].fix]);
  });
});

describe('toWireError', () => {
  it('sends a SwitchboardError with its catalog code, its message, and the SB code as data.reason', () => {
    expect(toWireError(new SwitchboardError('SB_UNKNOWN_TOOL', 'Unknown tool "x".'))).toStrictEqual({
      code: -32602,
      message: 'Unknown tool "x".',
      data: { reason: 'SB_UNKNOWN_TOOL' },
    });
    expect(toWireError(new SwitchboardError('SB_BODY_TOO_LARGE', 'too big', { data: { limit: 10 } }))).toStrictEqual({
      code: -32600,
      message: 'too big',
      data: { reason: 'SB_BODY_TOO_LARGE', limit: 10 },
    });
  });

  it("passes a backend's error through with its own code, message and data", () => {
    expect(toWireError(new UpstreamError(-32050, 'backend said no', { row: 3 }))).toStrictEqual({ code: -32050, message: 'backend said no', data: { row: 3 } });
    expect(toWireError(new UpstreamError(1234, 'odd but verbatim'))).toStrictEqual({ code: 1234, message: 'odd but verbatim' });
  });

  it('strips stacked SDK prefixes from errors with an integer code', () => {
    expect(toWireError(new UpstreamError(-32602, 'MCP error -32602: MCP error -32602: bad argument: x'))).toStrictEqual({ code: -32602, message: 'bad argument: x' });
    // A peer on an older SDK sends the prefix inside the message itself.
    const sdk = new ProtocolError(-32602, 'MCP error -32602: bad argument: y', { field: 'y' });
    expect(toWireError(sdk)).toStrictEqual({ code: -32602, message: 'bad argument: y', data: { field: 'y' } });
  });

  it('sends another Error as -32603 with its message (no data)', () => {
    expect(toWireError(new Error('boom'))).toStrictEqual({ code: -32603, message: 'boom' });
    expect(toWireError(new SdkError(SdkErrorCode.RequestTimeout, 'Request timed out'))).toStrictEqual({ code: -32603, message: 'Request timed out' });
    expect(toWireError(Object.assign(new Error('half a code'), { code: 1.5 }))).toStrictEqual({ code: -32603, message: 'half a code' });
    expect(toWireError(new Error(''))).toStrictEqual({ code: -32603, message: 'Internal error' });
  });

  it('sends anything that is not an Error as -32603 "Internal error", whatever it contains', () => {
    for (const thrown of ['secret /etc/path', { code: -32000, message: 'looks like one' }, undefined, null, 42]) {
      expect(toWireError(thrown)).toStrictEqual({ code: -32603, message: 'Internal error' });
    }
  });
});

describe('HTTP refusals', () => {
  it('take the status from the catalog and carry a JSON-RPC error body', () => {
    const { status, body } = httpErrorBody(new SwitchboardError('SB_UNAUTHORIZED', 'Unauthorized: send a token'));
    expect(status).toBe(401);
    expect(JSON.parse(body)).toStrictEqual({ jsonrpc: '2.0', id: null, error: { code: -32030, message: 'Unauthorized: send a token', data: { reason: 'SB_UNAUTHORIZED' } } });
  });

  it('answer anything that is not a SwitchboardError as a 500 that does not repeat its message', () => {
    const { status, body } = httpErrorBody(new Error('ENOENT: /home/me/secret.yaml'));
    expect(status).toBe(500);
    expect(body).not.toContain('secret');
    expect(JSON.parse(body).error).toMatchObject({ code: -32603, data: { reason: 'SB_INTERNAL' } });
  });

  it('are written as application/json with a length and the extra headers asked for', async () => {
    const server = createServer((_req, res) =>
      sendHttpError(res, new SwitchboardError('SB_METHOD_NOT_ALLOWED', 'Method not allowed: PUT'), { headers: { Allow: 'GET, POST' } }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`, { method: 'PUT' });
      const text = await res.text();
      expect([res.status, res.headers.get('content-type'), res.headers.get('content-length'), res.headers.get('allow')]).toEqual([
        405,
        'application/json',
        String(Buffer.byteLength(text)),
        'GET, POST',
      ]);
      expect(JSON.parse(text).error).toStrictEqual({ code: -32061, message: 'Method not allowed: PUT', data: { reason: 'SB_METHOD_NOT_ALLOWED' } });
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});

describe('docs/errors.md', () => {
  it('lists every catalog code once, with its JSON-RPC code, HTTP status and advice as declared', () => {
    const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const rows = [...doc.matchAll(/^\| `(SB_[A-Z_]+)` \| (-?\d+) \| (\d+) \| (.+) \|$/gm)].map((m) => [m[1], Number(m[2]), Number(m[3]), m[4]]);
    expect(rows).toEqual(CODES.map((code) => [code, ERROR_CATALOG[code].rpc, ERROR_CATALOG[code].http, ERROR_CATALOG[code].fix]));
  });
});
