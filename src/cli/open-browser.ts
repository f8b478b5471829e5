/**
 * Best effort: open a URL in the user's browser. The URL is always printed too, so a machine with
 * no browser (ssh, a container, CI) or a failed opener changes nothing but convenience.
 */
import { spawn } from 'node:child_process';

function opener(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): { command: string; args: string[] } | undefined {
  if (platform === 'darwin') return { command: 'open', args: [] };
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the "".
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""'] };
  // Without a display there is no browser to open (a bare xdg-open would start a text one).
  if (!env.DISPLAY && !env.WAYLAND_DISPLAY) return undefined;
  return { command: 'xdg-open', args: [] };
}

/** True when an opener was started (not that a browser showed the page). Never throws. */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): boolean {
  const how = opener(platform, env);
  if (!how) return false;
  try {
    const child = spawn(how.command, [...how.args, url], { stdio: 'ignore', detached: true });
    child.on('error', () => undefined);
    child.unref();
    return true;
  } catch {
    return false;
  }
}
