/**
 * The redirect target of `switchboard login`: an HTTP listener on 127.0.0.1 at a random port, path
 * /callback (RFC 8252's loopback redirect for native apps). It takes one authorization response,
 * checks its `state`, answers the browser with a line of text and hands the code to the login.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface CallbackResult {
  code: string;
  /** RFC 9207 issuer identification, when the authorization server sends it. */
  iss?: string;
}

export interface LoopbackCallback {
  /** http://127.0.0.1:PORT/callback */
  readonly url: string;
  /** The first authorization response: resolves with the code, rejects on an error or a wrong state. */
  readonly result: Promise<CallbackResult>;
  close(): Promise<void>;
}

export async function listenForCallback(expectedState: string): Promise<LoopbackCallback> {
  let settle!: { resolve: (r: CallbackResult) => void; reject: (e: Error) => void };
  const result = new Promise<CallbackResult>((resolve, reject) => (settle = { resolve, reject }));
  let done = false;
  const server = createServer((req, res) => {
    const outcome = readCallback(req, expectedState);
    if (outcome === 'not-ours') return reply(res, 404, 'Not found.');
    if (done) return reply(res, 409, 'This login is already finished; you can close this tab.');
    done = true;
    if (outcome instanceof Error) {
      reply(res, 400, `Login failed: ${outcome.message}. You can close this tab.`);
      settle.reject(outcome);
    } else {
      reply(res, 200, 'Logged in. You can close this tab and return to the terminal.');
      settle.resolve(outcome);
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/callback`,
    result,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readCallback(req: IncomingMessage, expectedState: string): CallbackResult | Error | 'not-ours' {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method !== 'GET' || url.pathname !== '/callback') return 'not-ours';
  const q = url.searchParams;
  // A response without our state may be forged (login CSRF): never redeem its code.
  if (q.get('state') !== expectedState) return new Error('the authorization response did not carry this login\'s state');
  const error = q.get('error');
  if (error) return new Error(`the authorization server answered ${error}${q.get('error_description') ? `: ${q.get('error_description')}` : ''}`);
  const code = q.get('code');
  if (!code) return new Error('the authorization response had no code');
  const iss = q.get('iss');
  return iss ? { code, iss } : { code };
}

function reply(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' });
  res.end(text + '\n');
}
