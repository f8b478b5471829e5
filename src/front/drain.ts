/**
 * Graceful shutdown of the front sessions: refuse new requests at once, give the ones in flight a
 * bounded grace period to finish, then answer whatever is left with SB_SHUTTING_DOWN (cancelling it
 * at its backend), so every client gets an answer and the process can exit without waiting on a
 * call that may never end.
 */
import { SwitchboardError } from '../errors/index.js';
import type { Logger } from '../log.js';
import type { FrontSession } from './session.js';

/** How often the drain looks whether the requests in flight are done. */
const DRAIN_POLL_MS = 20;

export function activeRequests(sessions: Iterable<FrontSession>): number {
  let n = 0;
  for (const session of sessions) n += session.activeRequests;
  return n;
}

export async function drainSessions(sessions: Set<FrontSession>, refusal: Error, opts: { reason: string; graceMs: number; log: Logger }): Promise<void> {
  for (const session of sessions) session.refuseNew(refusal);
  const deadline = Date.now() + opts.graceMs;
  while (activeRequests(sessions) > 0 && Date.now() < deadline) await delay(Math.min(DRAIN_POLL_MS, deadline - Date.now()));
  const left = activeRequests(sessions);
  if (left === 0) return;
  const cut = new SwitchboardError(
    'SB_SHUTTING_DOWN',
    `the router is shutting down (${opts.reason}) and this request did not finish within the ${opts.graceMs} ms grace period (shutdownGraceMs); send it again once the router is back`,
  );
  opts.log.warn({ requests: left, graceMs: opts.graceMs }, 'shutdown grace period over; answering the requests still in flight with SB_SHUTTING_DOWN');
  for (const session of sessions) session.failInFlight(cut);
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.max(ms, 0)));
}
