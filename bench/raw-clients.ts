/**
 * Minimal MCP clients on plain node:http (keep-alive, no SDK) for the bridge benchmark. The SDK's
 * HTTP client costs more per call than the gateways themselves, so with it every gateway lands near
 * the same rate; these clients leave the gateway as the bottleneck. They speak just enough of each
 * transport for initialize + tools/call and fail loudly on anything unexpected.
 */
import { Agent, request, type IncomingMessage } from 'node:http';

export interface RawClient {
  call(tool: string, args: Record<string, unknown>): Promise<unknown>;
  close(): void;
}

const agent = new Agent({ keepAlive: true, maxSockets: 128 });
const INIT = { protocolVersion: '2025-11-25', capabilities: {}, clientInfo: { name: 'raw-bench', version: '1' } };

function post(url: URL, body: unknown, headers: Record<string, string>): Promise<IncomingMessage> {
  const data = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data), ...headers } }, resolve);
    req.on('error', reject);
    req.end(data);
  });
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}

/** Every non-empty `data:` payload of an SSE body (resumable servers open with an empty priming event). */
function sseData(text: string): unknown[] {
  return text
    .split('\n')
    .filter((l) => l.startsWith('data:') && l.slice(5).trim() !== '')
    .map((l) => JSON.parse(l.slice(5).trim()));
}

/** Streamable HTTP: one POST per call; the answer is a JSON body or an SSE stream ending in it. */
export async function streamableHttpClient(endpoint: string): Promise<RawClient> {
  const url = new URL(endpoint);
  const accept = { accept: 'application/json, text/event-stream' };
  const init = await post(url, { jsonrpc: '2.0', id: 0, method: 'initialize', params: INIT }, accept);
  const session = init.headers['mcp-session-id'] as string;
  await readAll(init);
  const headers = { ...accept, 'mcp-session-id': session, 'mcp-protocol-version': INIT.protocolVersion };
  await readAll(await post(url, { jsonrpc: '2.0', method: 'notifications/initialized' }, headers));
  let id = 0;
  return {
    async call(tool, args) {
      const myId = ++id;
      const res = await post(url, { jsonrpc: '2.0', id: myId, method: 'tools/call', params: { name: tool, arguments: args } }, headers);
      const text = await readAll(res);
      const messages = String(res.headers['content-type']).includes('text/event-stream') ? sseData(text) : [JSON.parse(text)];
      const reply = messages.find((m) => (m as { id?: number }).id === myId) as { result?: unknown; error?: unknown } | undefined;
      if (!reply || reply.error) throw new Error(`bad reply: ${text.slice(0, 200)}`);
      return reply.result;
    },
    close() {},
  };
}

/** Legacy HTTP+SSE: one GET stream carries every response; POSTs are acknowledged with 202. */
export async function sseClient(endpoint: string): Promise<RawClient> {
  const pending = new Map<number, (m: { result?: unknown; error?: unknown }) => void>();
  let messageUrl: URL | undefined;
  let onEndpoint: () => void = () => undefined;
  const ready = new Promise<void>((r) => (onEndpoint = r));
  const stream = request(new URL(endpoint), { method: 'GET', agent: new Agent({ keepAlive: true }), headers: { accept: 'text/event-stream' } }, (res) => {
    res.setEncoding('utf8');
    let buffer = '';
    res.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const event = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const type = /^event: *(.*)$/m.exec(event)?.[1]?.trim() ?? 'message';
        const data = event.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
        if (type === 'endpoint') {
          messageUrl = new URL(data, endpoint);
          onEndpoint();
        } else if (data) {
          const m = JSON.parse(data) as { id?: number; result?: unknown; error?: unknown };
          if (m.id !== undefined) pending.get(m.id)?.(m);
          pending.delete(m.id as number);
        }
      }
    });
  });
  stream.end();
  await ready;
  let id = 0;
  const send = async (message: Record<string, unknown>) => {
    await readAll(await post(messageUrl!, message, {}));
  };
  const rpc = (method: string, params: unknown) =>
    new Promise<{ result?: unknown; error?: unknown }>((resolve, reject) => {
      const myId = ++id;
      pending.set(myId, resolve);
      send({ jsonrpc: '2.0', id: myId, method, params }).catch(reject);
    });
  await rpc('initialize', INIT);
  await send({ jsonrpc: '2.0', method: 'notifications/initialized' });
  return {
    async call(tool, args) {
      const reply = await rpc('tools/call', { name: tool, arguments: args });
      if (reply.error) throw new Error(`bad reply: ${JSON.stringify(reply.error)}`);
      return reply.result;
    },
    close() {
      stream.destroy();
    },
  };
}
