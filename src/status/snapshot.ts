/**
 * The status page's data, served as /status.json: what each backend is doing, what each workspace
 * lists, who is connected, and the last calls. It shows nothing from the config but names: no
 * command lines, URLs, env or headers, and every error text passes through the redactor.
 */
import type { BackendState } from '../backends/backend.js';
import type { BackendLists } from '../backends/lists.js';
import type { BackendHistory } from './backend-history.js';
import type { CallRecord } from './recent-calls.js';
import type { FrontKind, SessionCounts } from './sessions.js';

/** What the snapshot reads of a backend (the shared connection: it is the one that lists). */
export interface BackendView {
  readonly name: string;
  readonly state: BackendState;
  readonly transportKind?: string;
  readonly lastError?: string;
  readonly lists: BackendLists;
}

/** A workspace and the tools a new client of it would be listed. */
export interface WorkspaceListing {
  name: string;
  tools: string[];
}

export interface BackendStatus {
  name: string;
  state: BackendState;
  /** stdio, http or sse once connected; null before the first connection. */
  transport: string | null;
  /** Seconds since it last came up; null while it is not up. */
  uptimeSeconds: number | null;
  restarts: number;
  tools: number;
  prompts: number;
  resources: number;
  resourceTemplates: number;
  lastError: string | null;
}

export interface StatusSnapshot {
  version: string;
  /** The replica answering (a cluster only). */
  replica?: string;
  /** When this snapshot was taken, ISO 8601. */
  now: string;
  uptimeSeconds: number;
  backends: BackendStatus[];
  workspaces: WorkspaceListing[];
  sessions: Record<FrontKind, number>;
  /** Newest first. */
  calls: CallRecord[];
}

export interface SnapshotSources {
  version: string;
  replica?: string;
  startedAt: number;
  backends(): readonly BackendView[];
  workspaces(): WorkspaceListing[];
  history: BackendHistory;
  sessions: SessionCounts;
  calls: { list(): CallRecord[] };
  redact(text: string): string;
  now?: () => number;
}

export function statusSnapshot(sources: SnapshotSources): StatusSnapshot {
  const now = (sources.now ?? Date.now)();
  const seconds = (since: number) => Math.max(0, Math.round((now - since) / 1000));
  return {
    version: sources.version,
    ...(sources.replica !== undefined && { replica: sources.replica }),
    now: new Date(now).toISOString(),
    uptimeSeconds: seconds(sources.startedAt),
    backends: sources.backends().map((b) => {
      const upSince = b.state === 'ready' ? sources.history.upSince(b.name) : undefined;
      return {
        name: b.name,
        state: b.state,
        transport: b.transportKind ?? null,
        uptimeSeconds: upSince === undefined ? null : seconds(upSince),
        restarts: sources.history.restarts(b.name),
        tools: b.lists.tools.length,
        prompts: b.lists.prompts.length,
        resources: b.lists.resources.length,
        resourceTemplates: b.lists.resourceTemplates.length,
        lastError: b.lastError ? sources.redact(b.lastError) : null,
      };
    }),
    workspaces: sources.workspaces(),
    sessions: sources.sessions.counts(),
    calls: sources.calls.list(),
  };
}
