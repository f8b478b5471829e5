/**
 * Backends' log levels follow their clients'. A shared connection runs at the most verbose level any
 * session asked for (each session then filters what it receives); a session's own connection
 * (isolation: session) runs at exactly that session's level.
 */
import type { Backend } from '../backends/backend.js';
import type { Logger } from '../log.js';
import type { SessionRef } from './context.js';
import { mostVerbose } from './log-levels.js';

export class LogLevelSync {
  /** The level each shared backend was last set to: set again only when it changes. */
  private readonly applied = new Map<string, string>();

  constructor(
    private readonly sessions: () => Iterable<SessionRef>,
    private readonly log: Logger,
  ) {}

  /** Bring a shared backend to the most verbose level any session asked for. */
  async applyShared(backend: Backend): Promise<void> {
    if (backend.state !== 'ready' || !backend.capabilities?.logging) return;
    const level = mostVerbose([...this.sessions()].flatMap((s) => (s.logLevel ? [s.logLevel] : [])));
    if (!level || this.applied.get(backend.name) === level) return;
    this.applied.set(backend.name, level);
    await backend.request('logging/setLevel', { level }).catch((err) => this.log.debug({ err: String(err), backend: backend.name }, 'logging/setLevel failed'));
  }

  /** A session's own connection runs at exactly that session's level. */
  applyOwn(session: SessionRef, own: Backend): void {
    if (!session.logLevel || own.state !== 'ready' || !own.capabilities?.logging) return;
    void own.request('logging/setLevel', { level: session.logLevel }).catch(() => undefined);
  }

  /** The backend lost its state (down, replaced, removed): set its level again when it is back. */
  forget(server: string): void {
    this.applied.delete(server);
  }
}
