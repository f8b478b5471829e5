/**
 * What a reload of router.yaml changes. Servers and workspaces are compared by name, each on its
 * whole normalized config (deep-equal): a server counts as unchanged only when nothing about it
 * differs, so an unchanged backend can keep running and everything else is restarted. Settings the
 * running listeners and catalog were built from (listen, namespace separator, page size, log level)
 * cannot change under live sessions: they are reported as needing a restart, and the rest applies.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ListenConfig, RouterConfig, ServerConfig, WorkspaceConfig } from './types.js';

export interface ServerChange {
  before: ServerConfig;
  after: ServerConfig;
}

/** Enabled servers only: a disabled server has no backend, so enabling one adds it and disabling removes it. */
export interface ServerDiff {
  added: ServerConfig[];
  removed: ServerConfig[];
  changed: ServerChange[];
  unchanged: ServerConfig[];
}

export interface NamedDiff {
  added: string[];
  removed: string[];
  changed: string[];
  unchanged: string[];
}

/** A setting that differs but only takes effect after a restart. */
export interface RestartField {
  /** As written in router.yaml, e.g. `listen.port`. */
  field: string;
  before: unknown;
  after: unknown;
}

export interface ConfigDiff {
  servers: ServerDiff;
  workspaces: NamedDiff;
  restartNeeded: RestartField[];
}

export function diffServers(prev: readonly ServerConfig[], next: readonly ServerConfig[]): ServerDiff {
  const before = new Map(prev.filter((s) => s.enabled).map((s) => [s.name, s]));
  const diff: ServerDiff = { added: [], removed: [], changed: [], unchanged: [] };
  const seen = new Set<string>();
  for (const after of next) {
    if (!after.enabled) continue;
    seen.add(after.name);
    const old = before.get(after.name);
    if (!old) diff.added.push(after);
    else if (isDeepStrictEqual(old, after)) diff.unchanged.push(after);
    else diff.changed.push({ before: old, after });
  }
  for (const [name, old] of before) if (!seen.has(name)) diff.removed.push(old);
  return diff;
}

export function diffWorkspaces(prev: readonly WorkspaceConfig[], next: readonly WorkspaceConfig[]): NamedDiff {
  const before = new Map(prev.map((w) => [w.name, w]));
  const diff: NamedDiff = { added: [], removed: [], changed: [], unchanged: [] };
  for (const after of next) {
    const old = before.get(after.name);
    if (!old) diff.added.push(after.name);
    else if (isDeepStrictEqual(old, after)) diff.unchanged.push(after.name);
    else diff.changed.push(after.name);
  }
  const names = new Set(next.map((w) => w.name));
  for (const w of prev) if (!names.has(w.name)) diff.removed.push(w.name);
  return diff;
}

/** Settings fixed for the life of the process, with their router.yaml names. */
export function restartFields(prev: RouterConfig, next: RouterConfig): RestartField[] {
  const out: RestartField[] = [];
  const keys = new Set([...Object.keys(prev.listen), ...Object.keys(next.listen)] as Array<keyof ListenConfig>);
  for (const key of keys) {
    if (!isDeepStrictEqual(prev.listen[key], next.listen[key])) out.push({ field: `listen.${key}`, before: prev.listen[key], after: next.listen[key] });
  }
  if (prev.separator !== next.separator) out.push({ field: 'namespace.separator', before: prev.separator, after: next.separator });
  if (prev.pageSize !== next.pageSize) out.push({ field: 'pagination.pageSize', before: prev.pageSize, after: next.pageSize });
  if (prev.logLevel !== next.logLevel) out.push({ field: 'logLevel', before: prev.logLevel, after: next.logLevel });
  return out;
}

export function diffConfig(prev: RouterConfig, next: RouterConfig): ConfigDiff {
  return {
    servers: diffServers(prev.servers, next.servers),
    workspaces: diffWorkspaces(prev.workspaces, next.workspaces),
    restartNeeded: restartFields(prev, next),
  };
}

/** True when a reload would change nothing at all (editors often touch a file without changing it). */
export function nothingChanged(diff: ConfigDiff): boolean {
  const { servers: s, workspaces: w } = diff;
  return !diff.restartNeeded.length && !s.added.length && !s.removed.length && !s.changed.length && !w.added.length && !w.removed.length && !w.changed.length;
}

/** The config a running router switches to: `next`, but with every restart-only setting kept from `running`. */
export function liveConfig(running: RouterConfig, next: RouterConfig): RouterConfig {
  const { logLevel: _next, ...rest } = next;
  return {
    ...rest,
    listen: running.listen,
    separator: running.separator,
    pageSize: running.pageSize,
    ...(running.logLevel !== undefined && { logLevel: running.logLevel }),
  };
}

/** One line: what the reload did to servers and workspaces, naming what was not left alone. */
export function formatReloadSummary(diff: ConfigDiff): string {
  const s = diff.servers;
  const servers: NamedDiff = {
    added: s.added.map((c) => c.name),
    removed: s.removed.map((c) => c.name),
    changed: s.changed.map((c) => c.after.name),
    unchanged: s.unchanged.map((c) => c.name),
  };
  return `servers ${counts(servers)}; workspaces ${counts(diff.workspaces)}`;
}

function counts(d: NamedDiff): string {
  const named = (n: string[]) => (n.length ? ` (${n.join(', ')})` : '');
  return `${d.added.length} added${named(d.added)}, ${d.removed.length} removed${named(d.removed)}, ${d.changed.length} changed${named(d.changed)}, ${d.unchanged.length} unchanged`;
}

/** How a restart-only change reads on stderr. */
export function formatRestartField(f: RestartField): string {
  // Never echo a secret into a log.
  const show = (v: unknown) => (f.field === 'listen.authToken' ? (v === undefined ? 'unset' : 'set') : v === undefined ? 'unset' : JSON.stringify(v));
  return `${f.field} changed (${show(f.before)} -> ${show(f.after)}); it applies only after a restart, the router keeps ${show(f.before)} until then`;
}
