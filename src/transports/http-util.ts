/** The one bounded JSON body reader of the HTTP fronts; its refusals go out through sendHttpError. */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { SwitchboardError, sendHttpError } from '../errors/index.js';

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
    if (err instanceof BodyTooLargeError) {
      sendHttpError(res, new SwitchboardError('SB_BODY_TOO_LARGE', `Request body exceeds the limit of ${limit} bytes (listen.maxBodyBytes)`, { data: { limit } }));
    } else {
      sendHttpError(res, new SwitchboardError('SB_PARSE_ERROR', 'Parse error: could not read the request body'));
    }
    return undefined;
  }
  try {
    return { value: JSON.parse(text) };
  } catch {
    sendHttpError(res, new SwitchboardError('SB_PARSE_ERROR', 'Parse error: the request body is not valid JSON'));
    return undefined;
  }
}
