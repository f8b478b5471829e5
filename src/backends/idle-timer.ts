/**
 * `idleTimeout` for a lazy backend: fires once, `ms` after the last arm(); arm() after every request
 * that leaves the backend with nothing in flight. Unref'd: it never keeps the process alive.
 */
export class IdleTimer {
  private timer?: NodeJS.Timeout;

  /** `ms` undefined: never fires (a lazy server without idleTimeout keeps running once started). */
  constructor(
    private readonly ms: number | undefined,
    private readonly onIdle: () => void,
  ) {}

  arm(): void {
    if (this.ms === undefined) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(this.onIdle, this.ms);
    this.timer.unref();
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
