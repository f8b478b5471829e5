/**
 * Open client sessions by the front they came through. The router does not know fronts (a transport
 * is all it sees), so whoever accepts the connection says which front it was.
 */

export const FRONT_KINDS = ['stdio', 'http', 'sse', 'ws'] as const;
export type FrontKind = (typeof FRONT_KINDS)[number];

/** What a tracked session must offer: a way to learn that it ended. */
export interface EndingSession {
  onClose(listener: () => void): void;
}

export class SessionCounts {
  private readonly open: Record<FrontKind, number> = { stdio: 0, http: 0, sse: 0, ws: 0 };

  /** Count `session` under `kind` until it closes. */
  track(session: EndingSession, kind: FrontKind): void {
    this.open[kind] += 1;
    session.onClose(() => {
      this.open[kind] -= 1;
    });
  }

  /** Every kind, zeros included, in FRONT_KINDS order. */
  counts(): Record<FrontKind, number> {
    return { ...this.open };
  }
}
