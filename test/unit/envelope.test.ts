import { describe, expect, it } from 'vitest';
import * as client from '@modelcontextprotocol/client';
import * as server from '@modelcontextprotocol/server';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SERVER_INFO_META_KEY,
  isInputRequired,
  withEnvelope,
} from '../../src/rpc/envelope.js';

describe('the 2026-07-28 envelope kept without loading the SDK', () => {
  it('uses the SDK meta keys', () => {
    expect(PROTOCOL_VERSION_META_KEY).toBe(server.PROTOCOL_VERSION_META_KEY);
    expect(CLIENT_CAPABILITIES_META_KEY).toBe(server.CLIENT_CAPABILITIES_META_KEY);
    expect(CLIENT_INFO_META_KEY).toBe(client.CLIENT_INFO_META_KEY);
    expect(SERVER_INFO_META_KEY).toBe(server.SERVER_INFO_META_KEY);
    expect(LOG_LEVEL_META_KEY).toBe(server.LOG_LEVEL_META_KEY);
  });

  it('adds the envelope next to what _meta already holds', () => {
    const out = withEnvelope({ name: 't', _meta: { progressToken: 7 } }, { clientCapabilities: { roots: {} }, clientInfo: { name: 'r', version: '1' } });
    expect(out).toEqual({
      name: 't',
      _meta: {
        progressToken: 7,
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientCapabilities': { roots: {} },
        'io.modelcontextprotocol/clientInfo': { name: 'r', version: '1' },
      },
    });
  });

  it('tells input_required results from complete ones', () => {
    expect(isInputRequired({ resultType: 'input_required', requestState: 's' })).toBe(true);
    expect(isInputRequired({ resultType: 'complete', content: [] })).toBe(false);
    expect(isInputRequired({ content: [] })).toBe(false);
    expect(isInputRequired(null)).toBe(false);
  });
});
