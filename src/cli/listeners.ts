/** What `serve` and `bridge` both check before they open a network listener. */
import type { ListenConfig, WorkspaceConfig } from '../config/types.js';
import { SwitchboardError } from '../errors/index.js';
import { isLoopbackHost } from '../transports/http-guards.js';

export function assertSafeBind(listen: ListenConfig): void {
  if (isLoopbackHost(listen.host) || listen.authToken || listen.auth || listen.allowUnauthenticated) return;
  throw new SwitchboardError(
    'SB_USAGE',
    `refusing to serve on ${listen.host} without authentication: anyone who can reach this address could use every backend. Pass --auth-token TOKEN (or listen.authToken), set listen.auth (OAuth), or --allow-unauthenticated if a proxy in front does auth.`,
  );
}

/**
 * One kind of bearer token per port: a static token would carry no claims, so it would pass every
 * workspace's `allow`. And `allow` means nothing without claims: an HTTP front that would ignore it
 * does not start.
 */
export function assertAuthConsistent(listen: ListenConfig, workspaces: readonly WorkspaceConfig[]): void {
  if (listen.auth && listen.authToken) {
    throw new SwitchboardError('SB_USAGE', 'listen.auth (OAuth access tokens) and --auth-token / listen.authToken exclude each other: a static token carries no claims for workspaces.NAME.allow; keep one');
  }
  const restricted = workspaces.filter((w) => w.allow).map((w) => w.name);
  if (restricted.length && !listen.auth) {
    throw new SwitchboardError('SB_USAGE', `workspaces ${restricted.join(', ')} set "allow", which needs token claims: set listen.auth (issuer, audience) to serve them over HTTP`);
  }
}
