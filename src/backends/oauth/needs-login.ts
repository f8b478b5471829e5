/**
 * The one way a backend without a usable token is reported: the sentence a user needs, the same in
 * the start-up summary, the status page, `check` and a failed call. It names the command to run and
 * nothing else: no token, no authorization URL (which carries a PKCE challenge and a state), no
 * raw 401.
 */
export class NeedsLoginError extends Error {
  constructor(readonly server: string) {
    super(`needs login: run switchboard login ${server}`);
    this.name = 'NeedsLoginError';
  }
}

/** The needs-login sentence if `err` (or anything in its cause chain) is one, else undefined. */
export function needsLoginMessage(err: unknown): string | undefined {
  for (let e = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof NeedsLoginError || e.name === 'NeedsLoginError') return e.message;
    const match = /needs login: run switchboard login \S+/.exec(e.message);
    if (match) return match[0];
  }
  return undefined;
}
