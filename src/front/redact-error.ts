/**
 * Errors may quote what the config holds (a backend's stderr tail, a URL with credentials, a backend
 * echoing its token): every front, of either era, gives clients its errors through this.
 */
import { UpstreamError, toWireError } from '../errors/index.js';
import type { Redactor } from '../log.js';

/** The wire error of `err` with every secret replaced; `err` itself when it quotes none. */
export function redactedError(err: unknown, redact: Redactor): unknown {
  const wire = toWireError(err);
  const message = redact(wire.message);
  const dataText = wire.data === undefined ? undefined : JSON.stringify(wire.data);
  const data = dataText === undefined ? undefined : redact(dataText);
  if (message === wire.message && data === dataText) return err;
  return new UpstreamError(wire.code, message, data === undefined ? undefined : JSON.parse(data));
}
