/**
 * Process-level shutdown: SIGINT, SIGTERM (and stdin EOF on a stdio front, wired by the caller) run
 * one close() and exit. A second signal, or a close that hangs past the deadline, exits at once:
 * the backends' own shutdown already escalates to SIGKILL within its grace periods.
 */
export function onShutdown(close: () => Promise<void>, opts: { deadlineMs?: number; log?: (msg: string) => void } = {}): () => void {
  let shuttingDown = false;
  const run = (why: string) => {
    if (shuttingDown) {
      process.exit(1);
    }
    shuttingDown = true;
    opts.log?.(`shutting down (${why})`);
    const deadline = setTimeout(() => process.exit(1), opts.deadlineMs ?? 10_000);
    deadline.unref();
    close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.on('SIGINT', () => run('SIGINT'));
  process.on('SIGTERM', () => run('SIGTERM'));
  process.on('SIGHUP', () => run('SIGHUP'));
  return () => run('stdin closed');
}
