/**
 * Which workspace a session gets, most explicit first:
 *   serve --workspace NAME  >  $SWITCHBOARD_WORKSPACE  >  the HTTP path /w/NAME/...  >
 *   the client's roots (most specific match)  >  the workspace named "default"  >  the whole catalog.
 * Flag, env and path name a workspace outright, so a name that does not exist is an error listing
 * the ones that do; roots only ever pick among existing ones.
 */
import type { WorkspaceConfig } from '../config/types.js';
import { SwitchboardError } from '../errors/index.js';
import { globToRegExp, literalPrefixLength } from './glob.js';

export const DEFAULT_WORKSPACE = 'default';

export type SelectionSource = 'flag' | 'env' | 'path' | 'roots' | 'default' | 'all';

export interface Selection {
  /** undefined: no workspace, the whole catalog. */
  name?: string;
  source: SelectionSource;
}

export interface SelectInput {
  flag?: string;
  env?: string;
  /** The workspace named by the request path (/w/NAME/mcp), if any. */
  path?: string;
  roots?: readonly string[];
}

export function selectWorkspace(workspaces: readonly WorkspaceConfig[], input: SelectInput): Selection {
  const names = workspaces.map((w) => w.name);
  const named: Array<[string | undefined, SelectionSource, string]> = [
    [input.flag, 'flag', '--workspace'],
    [input.env, 'env', '$SWITCHBOARD_WORKSPACE'],
    [input.path, 'path', 'the URL path'],
  ];
  for (const [name, source, where] of named) {
    if (name === undefined || name === '') continue;
    if (!names.includes(name)) throw unknownWorkspace(name, where, names);
    return { name, source };
  }
  const byRoots = input.roots?.length ? matchRoots(workspaces, input.roots) : undefined;
  if (byRoots) return { name: byRoots, source: 'roots' };
  return names.includes(DEFAULT_WORKSPACE) ? { name: DEFAULT_WORKSPACE, source: 'default' } : { source: 'all' };
}

export function unknownWorkspace(name: string, where: string, names: readonly string[]): SwitchboardError {
  const known = names.length ? `known workspaces: ${names.join(', ')}` : 'the config defines no workspaces';
  return new SwitchboardError('SB_UNKNOWN_WORKSPACE', `${where}: unknown workspace "${name}"; ${known}`);
}

/**
 * The workspace whose `roots` globs match one of the client's roots most specifically: the glob
 * with the longest literal prefix wins (`file:///src/api/**` beats `file:///src/**`), then the
 * longer glob, then config order. A root given with a trailing "/" matches as without it.
 */
export function matchRoots(workspaces: readonly WorkspaceConfig[], roots: readonly string[]): string | undefined {
  let best: { name: string; prefix: number; length: number } | undefined;
  const uris = roots.map((r) => (r.length > 1 && r.endsWith('/') ? r.slice(0, -1) : r));
  for (const ws of workspaces) {
    for (const glob of ws.roots ?? []) {
      const re = globToRegExp(glob);
      if (!uris.some((u) => re.test(u))) continue;
      const prefix = literalPrefixLength(glob);
      if (!best || prefix > best.prefix || (prefix === best.prefix && glob.length > best.length)) best = { name: ws.name, prefix, length: glob.length };
    }
  }
  return best?.name;
}
