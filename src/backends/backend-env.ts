/**
 * The environment a stdio backend starts with.
 *
 * By default, the router's whole environment plus the server's `env:`: a server started from a
 * shell where `GITHUB_TOKEN`, a proxy or `NODE_EXTRA_CA_CERTS` is set expects to see them, as it
 * would when run by hand. `inheritEnv: false` is for the opposite need, a server that must not see
 * the router's secrets: it gets PATH and HOME (enough to find binaries and its config) and its own
 * `env:`, nothing else.
 */
import type { StdioTarget } from '../config/types.js';

/** What a backend keeps with `inheritEnv: false`. Windows programs also need SYSTEMROOT to start. */
function minimalKeys(platform: NodeJS.Platform): string[] {
  return platform === 'win32' ? ['PATH', 'HOME', 'SYSTEMROOT'] : ['PATH', 'HOME'];
}

export function backendEnvironment(
  target: Pick<StdioTarget, 'env' | 'inheritEnv'>,
  base: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): Record<string, string> {
  const env: Record<string, string> = {};
  const keys = target.inheritEnv === false ? minimalKeys(platform) : Object.keys(base);
  for (const key of keys) {
    const value = base[key];
    // Values starting with "()" are exported shell functions (BASH_FUNC_x%%): code, not settings,
    // and the vector of Shellshock-style attacks on whatever shell the backend runs.
    if (value !== undefined && !value.startsWith('()')) env[key] = value;
  }
  return { ...env, ...target.env };
}
