/** A client WebSocket to our WebSocket front, wrapped in the same transport class the front uses. */
import { WebSocket } from 'ws';
import { MCP_SUBPROTOCOL, WebSocketTransport } from '../../src/transports/ws-transport.js';

/** Open a client WebSocket with the "mcp" subprotocol; rejects with the HTTP status if the upgrade is refused. */
export function connectWebSocket(url: string | URL, opts: { headers?: Record<string, string> } = {}): Promise<WebSocketTransport> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, [MCP_SUBPROTOCOL], { headers: opts.headers, handshakeTimeout: 10_000 });
    // Stays attached: errors after a refused upgrade (terminate) must not go unhandled.
    ws.on('error', reject);
    ws.once('open', () => resolve(new WebSocketTransport(ws)));
    ws.once('unexpected-response', (_req, res) => {
      reject(Object.assign(new Error(`WebSocket upgrade refused: HTTP ${res.statusCode}`), { status: res.statusCode }));
      res.resume();
      ws.terminate();
    });
  });
}
