/**
 * The request id in the log: at debug, each forwarded request writes one line with a router-unique
 * id (session + count), and a backend's sampling request relayed during that call carries the same id.
 * Router in-process with the fixture as an in-memory backend; the logger writes JSON to a buffer.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { configFromServers, makeServerConfig } from '../../src/config/defaults.js';
import { createLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { createFixtureServer } from '../fixtures/fixture-server.js';

const routers: Router[] = [];
afterEach(async () => {
  await Promise.all(routers.splice(0).map((r) => r.close()));
});

function routerLoggingTo(lines: Array<Record<string, unknown>>, level: 'debug' | 'info'): Router {
  const sink = new Writable({ write: (chunk, _enc, done) => void (lines.push(JSON.parse(String(chunk)) as Record<string, unknown>), done()) });
  const server = makeServerConfig('fix', { kind: 'stdio', command: 'unused', args: [], env: {} });
  const router = new Router(configFromServers([server]), {
    log: createLogger(level, sink),
    transportFactory: () => {
      const [routerSide, serverSide] = InMemoryTransport.createLinkedPair();
      void createFixtureServer({ name: 'fix', tools: ['echo', 'ask_sampling'] }).connect(serverSide);
      return [{ kind: 'stdio', transport: routerSide }];
    },
  });
  routers.push(router);
  return router;
}

async function client(router: Router): Promise<Client> {
  const [clientSide, routerSide] = InMemoryTransport.createLinkedPair();
  await router.connect(routerSide);
  const c = new Client({ name: 'rid-test', version: '1.0.0' }, { capabilities: { sampling: {} } });
  c.setRequestHandler('sampling/createMessage', () => ({ model: 'm', role: 'assistant', content: { type: 'text', text: 'sampled' } }));
  await c.connect(clientSide);
  return c;
}

describe('request ids in the log', () => {
  it('one debug line per forwarded request, with session + count, carried by the relay lines of that request', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const router = routerLoggingTo(lines, 'debug');
    await router.start();
    const a = await client(router);
    const b = await client(router);
    await a.callTool({ name: 'fix__echo', arguments: { text: 'one' } });
    await b.callTool({ name: 'fix__echo', arguments: { text: 'two' } });
    await a.callTool({ name: 'fix__ask_sampling', arguments: { prompt: 'q' } });

    const requests = lines.filter((l) => l.msg === 'request');
    expect(requests.map((l) => [l.tool, l.original, l.backend, l.method, l.outcome])).toEqual([
      ['fix__echo', 'echo', 'fix', 'tools/call', 'ok'],
      ['fix__echo', 'echo', 'fix', 'tools/call', 'ok'],
      ['fix__ask_sampling', 'ask_sampling', 'fix', 'tools/call', 'ok'],
    ]);
    const rids = requests.map((l) => String(l.rid));
    expect(rids[0]).toMatch(/^[0-9a-f]{8}-1$/);
    expect(rids[1]).toMatch(/^[0-9a-f]{8}-1$/);
    expect(rids[0]).not.toBe(rids[1]);
    expect(rids[2]).toBe(`${rids[0]!.slice(0, 8)}-2`);
    const relayed = lines.filter((l) => l.msg === 'relaying a server request to the client');
    expect(relayed.map((l) => [l.rid, l.method, l.backend])).toEqual([[rids[2], 'sampling/createMessage', 'fix']]);
    for (const l of requests) expect(typeof l.ms).toBe('number');
  });

  it('writes no request lines above debug (the pipeline does not even watch)', async () => {
    const lines: Array<Record<string, unknown>> = [];
    const router = routerLoggingTo(lines, 'info');
    await router.start();
    const a = await client(router);
    await a.callTool({ name: 'fix__echo', arguments: { text: 'quiet' } });
    expect(lines.filter((l) => 'rid' in l)).toEqual([]);
  });
});
