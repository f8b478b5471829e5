/**
 * The 2026-07-28 front's pure parts: header cross-checks, the envelope, and merged cache fields.
 */
import { describe, expect, it } from 'vitest';
import { checkModernHeaders, decodeHeaderValue } from '../../src/transports/modern-headers.js';
import { isModernMessage, readEnvelope, withoutEnvelope } from '../../src/front/modern/envelope.js';
import { mergeCacheHints } from '../../src/front/modern/cache-fields.js';

const V = '2026-07-28';

describe('checkModernHeaders', () => {
  const good = { 'mcp-protocol-version': V, 'mcp-method': 'resources/read', 'mcp-name': 'sb://fx/a' };

  it('accepts headers that say what the body says, base64-sentinel names included', () => {
    expect(checkModernHeaders(good, 'resources/read', { uri: 'sb://fx/a' }, V)).toBeUndefined();
    const encoded = `=?base64?${Buffer.from('größe').toString('base64')}?=`;
    expect(decodeHeaderValue(encoded)).toBe('größe');
    expect(checkModernHeaders({ ...good, 'mcp-method': 'tools/call', 'mcp-name': encoded }, 'tools/call', { name: 'größe' }, V)).toBeUndefined();
    expect(checkModernHeaders({ 'mcp-protocol-version': V, 'mcp-method': 'tools/list' }, 'tools/list', {}, V)).toBeUndefined();
  });

  it('names the header and both values on a mismatch, with -32020', () => {
    const err = checkModernHeaders({ ...good, 'mcp-name': 'sb://fx/b' }, 'resources/read', { uri: 'sb://fx/a' }, V)!;
    expect(err).toMatchObject({ code: 'SB_HEADER_MISMATCH', rpcCode: -32020, httpStatus: 400 });
    expect(err.message).toBe('Header mismatch: Mcp-Name is "sb://fx/b" but params.uri is "sb://fx/a"');
    expect(checkModernHeaders({ ...good, 'mcp-protocol-version': '2025-11-25' }, 'resources/read', { uri: 'sb://fx/a' }, V)!.message).toBe(
      'Header mismatch: MCP-Protocol-Version is "2025-11-25" but the body\'s _meta envelope says "2026-07-28"',
    );
    expect(checkModernHeaders({ 'mcp-protocol-version': V }, 'tools/list', {}, V)!.message).toMatch(/Mcp-Method header is required/);
    expect(checkModernHeaders({ 'mcp-protocol-version': V, 'mcp-method': 'tools/call' }, 'tools/call', { name: 'x' }, V)!.message).toMatch(/Mcp-Name header is required for tools\/call/);
  });
});

describe('the _meta envelope', () => {
  const meta = { 'io.modelcontextprotocol/protocolVersion': V, 'io.modelcontextprotocol/clientCapabilities': { sampling: {} }, 'io.modelcontextprotocol/logLevel': 'info', progressToken: 3 };

  it('classifies modern messages by envelope, or by server/discover', () => {
    expect(isModernMessage({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: meta } })).toBe(true);
    expect(isModernMessage({ jsonrpc: '2.0', id: 1, method: 'server/discover' })).toBe(true);
    expect(isModernMessage({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-11-25' } })).toBe(false);
    expect(isModernMessage([{ method: 'server/discover' }])).toBe(false);
  });

  it('reads the client from it, and refuses what is missing or unsupported', () => {
    expect(readEnvelope('tools/list', { _meta: meta })).toEqual({ protocolVersion: V, clientCapabilities: { sampling: {} }, logLevel: 'info' });
    expect(() => readEnvelope('tools/list', {})).toThrow(/protocolVersion"\] must name the protocol revision/);
    expect(() => readEnvelope('tools/list', { _meta: { 'io.modelcontextprotocol/protocolVersion': V } })).toThrow(/clientCapabilities"\] must be an object/);
    expect(() => readEnvelope('tools/list', { _meta: { ...meta, 'io.modelcontextprotocol/protocolVersion': '2027-01-01' } })).toThrow(/Unsupported protocol version "2027-01-01"/);
  });

  it('loses the envelope keys (the router sends its own); retry fields and other _meta keys stay', () => {
    expect(withoutEnvelope({ name: 't', requestState: 's', inputResponses: {}, _meta: meta })).toEqual({ name: 't', requestState: 's', inputResponses: {}, _meta: { progressToken: 3 } });
    expect(withoutEnvelope({ name: 't', _meta: { 'io.modelcontextprotocol/protocolVersion': V } })).toEqual({ name: 't' });
  });
});

describe('mergeCacheHints', () => {
  it('takes the smallest ttlMs and the most private scope; backends without hints count as 0 / private', () => {
    expect(mergeCacheHints([{ ttlMs: 5000, cacheScope: 'public' }, { ttlMs: 2000, cacheScope: 'public' }])).toEqual({ ttlMs: 2000, cacheScope: 'public' });
    expect(mergeCacheHints([{ ttlMs: 5000, cacheScope: 'public' }, { ttlMs: 9000, cacheScope: 'private' }])).toEqual({ ttlMs: 5000, cacheScope: 'private' });
    expect(mergeCacheHints([{ ttlMs: 5000, cacheScope: 'public' }, undefined])).toEqual({ ttlMs: 0, cacheScope: 'private' });
    expect(mergeCacheHints([])).toEqual({ ttlMs: 0, cacheScope: 'private' });
  });
});
