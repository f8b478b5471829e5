/**
 * A Streamable HTTP backend that forgets our session (restart, DELETE, expiry) answers 404; the
 * backend must re-initialize and carry on, not loop on "Session not found" like several peers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/backends/backend.js';
import { makeServerConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log.js';
import { spawnFixture } from '../helpers/spawn-fixture.js';

describe('backend session recovery', () => {
  let fixture: Awaited<ReturnType<typeof spawnFixture>>;
  let backend: Backend;

  beforeAll(async () => {
    fixture = await spawnFixture({ name: 'h', transport: 'http' });
    backend = new Backend(makeServerConfig('h', { kind: 'http', url: fixture.url, headers: {} }), { log: silentLogger(), retryDelaysMs: [200] });
    await backend.start();
  });

  afterAll(async () => {
    await backend.close();
    await fixture.close();
  });

  it('re-initializes after the server drops our session and answers the same call', async () => {
    expect(backend.state).toBe('ready');
    const lost = (backend.transport as { sessionId?: string }).sessionId!;
    const deleted = await fetch(fixture.url, { method: 'DELETE', headers: { 'mcp-session-id': lost } });
    expect(deleted.status).toBe(200);

    const result = await backend.request('tools/call', { name: 'echo', arguments: { text: 'after' } });
    expect(result.content).toEqual([{ type: 'text', text: 'echo:after' }]);
    expect(backend.state).toBe('ready');
    const fresh = (backend.transport as { sessionId?: string }).sessionId;
    expect(fresh).toBeTruthy();
    expect(fresh).not.toBe(lost);
  });
});
