import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { StdioFrontTransport } from '../../src/transports/stdio-front.js';

describe('a front whose client stops reading', () => {
  it('drops logs and progress past the buffer limit, never responses or requests', async () => {
    const stdout = new PassThrough({ highWaterMark: 1024 });
    const transport = new StdioFrontTransport(new PassThrough(), stdout, { maxBufferedBytes: 4096 });
    await transport.start();
    const log = (i: number) => ({ jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'x'.repeat(100) + i } });
    for (let i = 0; i < 200; i++) await transport.send(log(i) as JSONRPCMessage);
    await transport.send({ jsonrpc: '2.0', id: 7, result: {} } as JSONRPCMessage);
    await transport.send({ jsonrpc: '2.0', id: 8, method: 'roots/list' } as JSONRPCMessage);
    await new Promise((r) => setImmediate(r));
    const text = (stdout.read() as Buffer).toString('utf8');
    const messages = text.trim().split('\n').map((l) => JSON.parse(l) as { id?: number; method?: string });
    const logs = messages.filter((m) => m.method === 'notifications/message');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.length).toBeLessThan(200);
    expect(messages.slice(-2)).toEqual([{ jsonrpc: '2.0', id: 7, result: {} }, { jsonrpc: '2.0', id: 8, method: 'roots/list' }]);
  });
});
