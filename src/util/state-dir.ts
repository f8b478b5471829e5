/**
 * The per-user directory for what the router keeps between runs (OAuth tokens, tool usage):
 * $SWITCHBOARD_STATE_DIR when set (tests, containers), else $XDG_STATE_HOME/mcp-switchboard,
 * else ~/.local/state/mcp-switchboard. Never the config directory: tokens are not configuration
 * and must not end up in a repository next to router.yaml.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.SWITCHBOARD_STATE_DIR) return env.SWITCHBOARD_STATE_DIR;
  const base = env.XDG_STATE_HOME || join(home, '.local', 'state');
  return join(base, 'mcp-switchboard');
}
