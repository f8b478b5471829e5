/**
 * Which session created each task (by public task id). Tasks are bound to their creator: another
 * session's task id resolves to nothing, and task status notifications go only to the creator.
 */
import type { SessionRef } from './context.js';

/** Public task id -> the session that created it. */
export class TaskOwners {
  private readonly owners = new Map<string, SessionRef>();

  set(publicId: string, session: SessionRef): void {
    this.owners.set(publicId, session);
  }

  get(publicId: string): SessionRef | undefined {
    return this.owners.get(publicId);
  }

  dropSession(session: SessionRef): void {
    for (const [id, owner] of this.owners) if (owner === session) this.owners.delete(id);
  }

  /** A reload removed or restarted a server: its tasks died with its process (`ofServer` picks their ids). */
  dropWhere(ofServer: (publicId: string) => boolean): void {
    for (const id of this.owners.keys()) if (ofServer(id)) this.owners.delete(id);
  }
}
