/** The stdio entry that makes an MCP client run this router, and the block a user pastes into Claude Desktop. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Absolute paths only: clients start servers from directories and PATHs of their own choosing. */
export function serveEntry(configPath: string): { command: string; args: string[] } {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  return { command: process.execPath, args: [main, 'serve', '--config', resolve(configPath)] };
}

export function claudeDesktopSnippet(configPath: string): string {
  const snippet = { mcpServers: { switchboard: serveEntry(configPath) } };
  return `Claude Desktop (claude_desktop_config.json):\n${JSON.stringify(snippet, null, 2)}`;
}
