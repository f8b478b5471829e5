import { describe, expect, it } from 'vitest';
import * as client from '@modelcontextprotocol/client';
import * as server from '@modelcontextprotocol/server';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../../src/rpc/protocol-version.js';

describe('protocol versions kept without loading the SDK', () => {
  it('equal the SDK server and client constants, in the same order', () => {
    expect(LATEST_PROTOCOL_VERSION).toBe(server.LATEST_PROTOCOL_VERSION);
    expect(LATEST_PROTOCOL_VERSION).toBe(client.LATEST_PROTOCOL_VERSION);
    expect([...SUPPORTED_PROTOCOL_VERSIONS]).toEqual([...server.SUPPORTED_PROTOCOL_VERSIONS]);
    expect([...SUPPORTED_PROTOCOL_VERSIONS]).toEqual([...client.SUPPORTED_PROTOCOL_VERSIONS]);
  });
});
