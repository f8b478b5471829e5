/** Small HTTP helpers shared by the fronts: JSON-RPC error replies and the one bounded JSON body reader. */
import type { IncomingMessage, ServerResponse } from 'node:http';

export function sendJsonRpcError(res: ServerResponse, status: number, code: number, message: string, id: string | number | null = null): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id }));
}

class BodyTooLargeError extends Error {}

/** Read a request body, refusing more than `limit` bytes without buffering them. */
function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      req.resume(); // discard without buffering
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Read and parse a JSON request body of at most `limit` bytes. Every HTTP front reads bodies here, so
 * the size limit and the error replies are the same everywhere: answers 413/400 itself and returns
 * undefined when it did.
 */
export async function readJsonBody(req: IncomingMessage, res: ServerResponse, limit: number): Promise<{ value: unknown } | undefined> {
  let text: string;
  try {
    text = await readBody(req, limit);
  } catch (err) {
    if (err instanceof BodyTooLargeError) sendJsonRpcError(res, 413, -32600, `Request body exceeds the limit of ${limit} bytes (listen.maxBodyBytes)`);
    else sendJsonRpcError(res, 400, -32700, 'Parse error: could not read the request body');
    return undefined;
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    sendJsonRpcError(res, 400, -32700, 'Parse error: the request body is not valid JSON');
    return undefined;
  }
}
