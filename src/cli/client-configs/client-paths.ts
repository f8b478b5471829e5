/** Where each MCP client keeps the config file `switchboard install` edits. */
import { homedir } from 'node:os';
import { join, win32 } from 'node:path';
import { SwitchboardError } from '../../errors/index.js';

export const CLIENTS = ['claude-desktop', 'cursor', 'vscode', 'claude-code'] as const;
export type Client = (typeof CLIENTS)[number];

export const CLIENT_LABEL: Record<Client, string> = {
  'claude-desktop': 'Claude Desktop',
  cursor: 'Cursor',
  vscode: 'VS Code',
  'claude-code': 'Claude Code',
};

export interface PathContext {
  platform: NodeJS.Platform;
  env: Readonly<Record<string, string | undefined>>;
  cwd: string;
}

function home(ctx: PathContext): string {
  return ctx.env['HOME'] || ctx.env['USERPROFILE'] || homedir();
}

export function clientConfigPath(client: Client, ctx: PathContext): string {
  switch (client) {
    case 'claude-desktop':
      if (ctx.platform === 'darwin') return join(home(ctx), 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
      if (ctx.platform === 'win32') {
        const appData = ctx.env['APPDATA'] || win32.join(home(ctx), 'AppData', 'Roaming');
        return win32.join(appData, 'Claude', 'claude_desktop_config.json');
      }
      return join(ctx.env['XDG_CONFIG_HOME'] || join(home(ctx), '.config'), 'Claude', 'claude_desktop_config.json');
    case 'cursor':
      return join(home(ctx), '.cursor', 'mcp.json');
    case 'vscode':
      return join(ctx.cwd, '.vscode', 'mcp.json');
    case 'claude-code':
      return join(ctx.cwd, '.mcp.json');
  }
}

export function parseClient(value: string | undefined): Client {
  if (value !== undefined && (CLIENTS as readonly string[]).includes(value)) return value as Client;
  throw new SwitchboardError(
    'SB_USAGE',
    `install: ${value === undefined ? 'name the client' : `unknown client "${value}"`}; expected one of ${CLIENTS.join(', ')}. Run "switchboard install --help".`,
  );
}
