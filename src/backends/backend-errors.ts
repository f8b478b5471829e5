/**
 * The errors a backend connection produces, each naming the server and what to do, in one place so
 * the lifecycle code in backend.ts reads as lifecycle.
 */
import { SwitchboardError } from '../errors/index.js';
import type { PeerErrors } from '../rpc/peer.js';

/** `closedBecause`: why the router closed the connection on purpose (a reload), told to requests it cut short. */
export function peerErrors(name: string, closedBecause: () => string | undefined): PeerErrors {
  return {
    timeout: (method, ms) =>
      new SwitchboardError('SB_BACKEND_TIMEOUT', `server "${name}" did not answer ${method} within ${ms} ms (raise servers.${name}.timeout if it needs longer)`),
    closed: (method) =>
      new SwitchboardError('SB_BACKEND_UNAVAILABLE', closedBecause() ?? `server "${name}" disconnected during ${method}; the router is reconnecting`),
    cancelled: (method, reason) =>
      new SwitchboardError('SB_CANCELLED', `${method} to server "${name}" was cancelled${typeof reason === 'string' ? `: ${reason}` : ''}`),
  };
}

const NEXT = {
  retrying: (name: string) => `Check servers.${name} in the config; the router keeps retrying.`,
  failed: (name: string) => `Fix servers.${name} and reload the config; the router has stopped retrying.`,
  idle: (name: string) => `Check servers.${name} in the config; the next call starts it again.`,
};

/**
 * A request to a backend that is not connected: why, and what happens next (by its state: still
 * retrying, failed for good, or idle until the next call), or the reason the router closed it.
 */
export function unavailable(name: string, state: string, lastError: string | undefined, closedBecause?: string): SwitchboardError {
  if (closedBecause) return new SwitchboardError('SB_BACKEND_UNAVAILABLE', closedBecause);
  const next = state === 'failed' ? NEXT.failed : state === 'idle' ? NEXT.idle : NEXT.retrying;
  return new SwitchboardError('SB_BACKEND_UNAVAILABLE', `server "${name}" is not connected${lastError ? `: ${lastError}` : ''}. ${next(name)}`);
}

/** A Streamable HTTP server that restarted forgets our session and answers 404 to everything. */
export function isSessionLost(err: unknown): boolean {
  return (err as { data?: { status?: unknown } })?.data?.status === 404;
}

/** A handshake timeout reads as what it is at start-up: no handshake within connectTimeout. */
export function handshakeError(err: unknown, connectTimeoutMs: number): unknown {
  if (err instanceof SwitchboardError && err.code === 'SB_BACKEND_TIMEOUT') return new SwitchboardError('SB_BACKEND_START_FAILED', `no handshake within ${connectTimeoutMs} ms`);
  if (err instanceof SwitchboardError && err.code === 'SB_BACKEND_UNAVAILABLE') return new SwitchboardError('SB_BACKEND_START_FAILED', 'the connection closed during the handshake');
  return err;
}

export function isHandshakeTimeout(err: unknown): boolean {
  return err instanceof SwitchboardError && err.code === 'SB_BACKEND_START_FAILED' && err.message.startsWith('no handshake within');
}

export async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SwitchboardError('SB_BACKEND_START_FAILED', `no handshake within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Settle with `promise`, or reject with `onAbort()` as soon as `signal` aborts (the work goes on). */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, onAbort: () => Error): Promise<T> {
  if (!signal) return promise;
  if (signal.aborted) return Promise.reject(onAbort());
  return new Promise<T>((resolve, reject) => {
    const abort = () => reject(onAbort());
    signal.addEventListener('abort', abort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', abort));
  });
}
