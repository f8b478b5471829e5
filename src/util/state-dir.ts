/**
 * The router's per-user state directory (usage counts, lazy servers' cached listings):
 * $SWITCHBOARD_STATE_DIR if set, else the platform's state directory + /mcp-switchboard:
 * $XDG_STATE_HOME (absolute only, as the XDG spec asks), else ~/Library/Application Support on
 * macOS, %LOCALAPPDATA% on Windows, ~/.local/state elsewhere.
 */
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

export function stateDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
  if (env.SWITCHBOARD_STATE_DIR) return env.SWITCHBOARD_STATE_DIR;
  let base: string;
  if (env.XDG_STATE_HOME && isAbsolute(env.XDG_STATE_HOME)) base = env.XDG_STATE_HOME;
  else if (platform === 'darwin') base = join(home, 'Library', 'Application Support');
  else if (platform === 'win32') base = env.LOCALAPPDATA ?? join(home, 'AppData', 'Local');
  else base = join(home, '.local', 'state');
  return join(base, 'mcp-switchboard');
}
