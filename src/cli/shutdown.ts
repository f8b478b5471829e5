/**
 * Process-level shutdown: SIGINT, SIGTERM, SIGHUP (unless the caller takes it for itself: serve
 * reloads its config on SIGHUP) and stdin EOF on a stdio front (wired by the caller through the
 * returned trigger) run one close() and exit 0. Closing the router closes the
 * front session, which fires the stdin trigger again: that must be a no-op, not a forced exit, or
 * backends would be left running. Only a second *signal* (an impatient user) exits at once; a close
 * that hangs past the deadline exits too — the backends' own shutdown escalates to SIGKILL well before.
 *
 * close() gets the reason (the signal's name, or "stdin closed") so the requests it has to refuse
 * can say why. The deadline must leave room for the grace period close() gives requests in flight.
 */
export function onShutdown(close: (why: string) => Promise<void>, opts: { deadlineMs?: number; log?: (msg: string) => void; signals?: readonly NodeJS.Signals[] } = {}): () => void {
  let shuttingDown = false;
  const run = (why: string, forced: boolean) => {
    if (shuttingDown) {
      if (forced) process.exit(1);
      return;
    }
    shuttingDown = true;
    opts.log?.(`shutting down (${why})`);
    const deadline = setTimeout(() => process.exit(1), opts.deadlineMs ?? 10_000);
    deadline.unref();
    close(why).then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  for (const signal of opts.signals ?? SHUTDOWN_SIGNALS) process.on(signal, () => run(signal, true));
  return () => run('stdin closed', false);
}

export const SHUTDOWN_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** Time after the grace period for closing fronts, backends and the watchdog before a forced exit. */
export const CLOSE_DEADLINE_MS = 10_000;
