/** What `serve` and `bridge` both check before they open a network listener. */
import type { ListenConfig } from '../config/types.js';
import { SwitchboardError } from '../errors/index.js';
import { isLoopbackHost } from '../transports/http-guards.js';

export function assertSafeBind(listen: ListenConfig): void {
  if (isLoopbackHost(listen.host) || listen.authToken || listen.allowUnauthenticated) return;
  throw new SwitchboardError(
    'SB_USAGE',
    `refusing to serve on ${listen.host} without authentication: anyone who can reach this address could use every backend. Pass --auth-token TOKEN (or listen.authToken), or --allow-unauthenticated if a proxy in front does auth.`,
  );
}
