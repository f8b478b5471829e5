/**
 * A Streamable HTTP backend that forgets our session (restart, DELETE, expiry) answers 404; the
 * backend must re-initialize and carry on, not loop on "Session not found" like several peers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Backend } from '../../src/backends/backend.js';
import { defaultTransportFactory } from '../../src/backends/transport-factory.js';
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

describe('a backend that keeps failing', () => {
  it('stays down with its reason through retries, never "starting" again', async () => {
    const states: string[] = [];
    let attempts = 0;
    const config = makeServerConfig('crashy', { kind: 'stdio', command: process.execPath, args: ['-e', 'console.error("boom: missing API key"); process.exit(3)'], env: {} });
    const backend = new Backend(config, {
      log: silentLogger(),
      retryDelaysMs: [30],
      hooks: { onStateChange: (b) => states.push(b.state) },
      transportFactory: (server, hooks) => {
        attempts++;
        return defaultTransportFactory(server, hooks);
      },
    });
    await backend.start();
    expect(backend.state).toBe('down');
    // Several retries happen in this window (each spawns and fails); what matters is what they report.
    const deadline = Date.now() + 10_000;
    while (attempts < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(attempts).toBeGreaterThanOrEqual(4);
    expect(backend.state).toBe('down');
    expect(backend.lastError).toBe('the process exited during the MCP handshake; its stderr ended with: boom: missing API key (servers.crashy.command/args)');
    expect(states).toEqual(['down']);
    await backend.close();
  });
});
