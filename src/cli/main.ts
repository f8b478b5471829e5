#!/usr/bin/env node
/**
 * The switchboard command. The only module that exits the process: everything below it throws typed
 * errors, and this turns them into a message on stderr and an exit code (2: usage or config, 1: other).
 */
import { SwitchboardError } from '../errors/index.js';
import { VERSION } from '../version.js';
import { BRIDGE_HELP, runBridge } from './bridge.js';
import { runServe, SERVE_HELP } from './serve.js';

const HELP = `mcp-switchboard ${VERSION}: one MCP server in front of many.

Usage: switchboard <command> [options]

Commands:
  serve      serve the servers in router.yaml as one MCP server (stdio, Streamable HTTP, SSE, WebSocket)
  bridge     put one MCP server on another transport (a drop-in for supergateway)

Run "switchboard <command> --help" for a command's options.

${SERVE_HELP}

${BRIDGE_HELP}`;

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return runServe(rest);
    case 'bridge':
      return runBridge(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stderr.write(HELP + '\n');
      return;
    case '--version':
    case '-v':
      process.stderr.write(VERSION + '\n');
      return;
    default:
      throw new SwitchboardError('SB_USAGE', `unknown command "${command}". Commands: serve, bridge. Run "switchboard --help".`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof SwitchboardError) {
    process.stderr.write(`switchboard: ${err.message}\n`);
    process.exit(err.code === 'SB_USAGE' || err.code.startsWith('SB_CONFIG') ? 2 : 1);
  }
  process.stderr.write(`switchboard: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
