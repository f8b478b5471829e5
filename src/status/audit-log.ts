/**
 * The audit trail of a shared gateway: one info line per forwarded tools/call saying who called
 * which tool of which backend through which workspace, and how it ended. It is a ForwardObserver,
 * so it sees exactly what the pipeline forwarded (refusals at the boundary never reach a backend
 * and are not calls). Arguments and results are never logged: they may hold anything.
 */
import type { RequestContext } from '../engine/context.js';
import type { ForwardObserver } from '../engine/engine.js';
import type { Forward } from '../engine/services.js';
import type { Logger } from '../log.js';
import { WorkspaceView } from '../workspace/workspace-view.js';
import { outcomeOf } from './outcome.js';

export interface AuditRecord {
  /** The access token's subject; absent when the session has no principal. */
  sub?: string;
  /** The session's workspace; absent when it sees the whole catalog. */
  workspace?: string;
  tool: string;
  backend: string;
  outcome: string;
  ms: number;
}

export class AuditLog implements ForwardObserver {
  private readonly log: Logger;

  constructor(log: Logger) {
    this.log = log.child({ audit: true });
  }

  start(ctx: RequestContext, plan: Forward) {
    if (plan.method !== 'tools/call') return undefined;
    const began = performance.now();
    const { principal, view } = ctx.session;
    const workspace = view instanceof WorkspaceView ? view.name : undefined;
    const tool = plan.publicName ?? String(plan.params['name']);
    return (error?: unknown, result?: unknown) => {
      const record: AuditRecord = {
        ...(principal && { sub: principal.sub }),
        ...(workspace !== undefined && { workspace }),
        tool,
        backend: plan.server,
        outcome: outcomeOf(error, result as never),
        ms: Math.round((performance.now() - began) * 10) / 10,
      };
      this.log.info(record, 'tool call');
    };
  }
}
