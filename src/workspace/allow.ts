/**
 * workspaces.NAME.allow: which token claims may use a workspace. Any listed value of any listed
 * claim admits (sub OR a group OR a scope); a workspace without `allow` is open to every
 * authenticated client. A session without a principal (stdio, a static --auth-token) is not judged
 * here: serve refuses to start an HTTP front with allow lists but without listen.auth.
 */
import type { WorkspaceAllow, WorkspaceConfig } from '../config/types.js';
import type { Principal } from '../util/principal.js';

export function allowsPrincipal(allow: WorkspaceAllow | undefined, principal: Principal | undefined): boolean {
  if (!allow || !principal) return true;
  if (allow.sub?.includes(principal.sub)) return true;
  if (allow.groups?.some((g) => principal.groups.includes(g))) return true;
  return allow.scope?.some((s) => principal.scope.includes(s)) ?? false;
}

/** Whether any workspace is restricted: then a client with a token never gets the whole catalog. */
export function anyRestricted(workspaces: readonly WorkspaceConfig[]): boolean {
  return workspaces.some((w) => w.allow !== undefined);
}
