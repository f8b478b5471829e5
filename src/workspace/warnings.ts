/**
 * Workspace settings that point at nothing. Not errors: tool names exist only once backends are up,
 * a backend may be down right now, and a tool may appear later (list_changed). So they are logged,
 * naming the field, as soon as the backends have started.
 * (An unknown server in `servers:` is an error at load time: see config/checks.ts.)
 */
import type { ServerConfig } from '../config/types.js';
import { GlobSet } from './glob.js';
import type { Workspace } from './workspace.js';

export interface ConfigWarning {
  path: string;
  message: string;
}

export function configWarnings(ws: Workspace, servers: readonly ServerConfig[]): ConfigWarning[] {
  const out: ConfigWarning[] = [];
  const at = `workspaces.${ws.name}`;
  const cfg = ws.config;
  cfg.tags?.forEach((tag, i) => {
    if (!servers.some((s) => s.tags.includes(tag))) out.push({ path: `${at}.tags[${i}]`, message: `no server has the tag "${tag}"` });
  });
  if (ws.servers.size === 0) out.push({ path: at, message: 'no enabled server is in this workspace (check servers: and tags:)' });

  const catalog = ws.catalog;
  const tools = catalog.sections('tools').filter((s) => ws.servers.has(s.server)).flatMap((s) => s.items.map((t) => t.name));
  const prompts = catalog.sections('prompts').filter((s) => ws.servers.has(s.server)).flatMap((s) => s.items.map((p) => p.name));
  const names = [...tools, ...prompts];
  const unmatched = (field: 'include' | 'exclude' | 'pin', pool: string[], what: string) =>
    cfg[field]?.forEach((glob, i) => {
      const set = new GlobSet([glob]);
      if (!pool.some((n) => set.matches(n))) out.push({ path: `${at}.${field}[${i}]`, message: `"${glob}" matches no ${what} of this workspace's servers` });
    });
  unmatched('include', names, 'tool or prompt');
  unmatched('exclude', names, 'tool or prompt');
  unmatched('pin', tools, 'tool');

  const scope = ws.tools();
  for (const key of Object.keys(cfg.overrides)) {
    if (!scope.byCatalogName.has(key) && !scope.hidden.has(key)) {
      out.push({ path: `${at}.overrides.${key}`, message: `no tool "${key}" in this workspace (yet); overrides use the names the full catalog lists, e.g. "${tools[0] ?? 'server__tool'}"` });
    }
  }
  for (const c of scope.collisions) out.push({ path: `${at}.overrides`, message: `rename ${c} skipped: that name is already taken in this workspace` });
  return out;
}
