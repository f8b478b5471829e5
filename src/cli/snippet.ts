/** The block a user pastes into Claude Desktop's claude_desktop_config.json to use this router over stdio. */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export function claudeDesktopSnippet(configPath: string): string {
  const main = fileURLToPath(new URL('./main.js', import.meta.url));
  const snippet = {
    mcpServers: {
      switchboard: { command: process.execPath, args: [main, 'serve', '--config', resolve(configPath)] },
    },
  };
  return `Claude Desktop (claude_desktop_config.json):\n${JSON.stringify(snippet, null, 2)}`;
}
