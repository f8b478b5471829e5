import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RefreshCoalescer } from '../../src/backends/oauth/refresh-coalescer.js';

/** A token endpoint that rotates: each refresh token is honoured once, as strict servers do. */
describe('RefreshCoalescer', () => {
  const used = new Set<string>();
  let calls = 0;
  let url = '';
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      calls++;
      const params = new URLSearchParams(body);
      const token = params.get('refresh_token') ?? '';
      // Slow enough that concurrent callers overlap.
      setTimeout(() => {
        if (used.has(token)) {
          res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
          return;
        }
        used.add(token);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: `at-for-${token}-${calls}`, token_type: 'Bearer' }));
      }, 30);
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/token`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const refresh = (token: string) => ({ method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: token }) });

  it('sends concurrent and just-later refreshes of one token once, and shares the answer', async () => {
    let now = 0;
    const fetchOnce = new RefreshCoalescer(() => now).wrap();
    const before = calls;
    const answers = await Promise.all([1, 2, 3].map(() => fetchOnce(url, refresh('rt-a'))));
    const late = await fetchOnce(url, refresh('rt-a'));
    expect(calls - before).toBe(1);
    const bodies = await Promise.all([...answers, late].map((r) => r.json()));
    expect(new Set(bodies.map((b) => JSON.stringify(b))).size).toBe(1);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    // Long after, the token is sent again (and a rotating server refuses it, as it should).
    now += 60_000;
    expect((await fetchOnce(url, refresh('rt-a'))).status).toBe(400);
    expect(calls - before).toBe(2);
  });

  it('lets other tokens and other requests through untouched', async () => {
    const fetchOnce = new RefreshCoalescer().wrap();
    const before = calls;
    const [b, c] = await Promise.all([fetchOnce(url, refresh('rt-b')), fetchOnce(url, refresh('rt-c'))]);
    expect([b.status, c.status]).toEqual([200, 200]);
    await fetchOnce(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x' }) });
    await fetchOnce(url, { method: 'POST', body: new URLSearchParams({ grant_type: 'authorization_code', code: 'x' }) });
    expect(calls - before).toBe(4);
  });
});
