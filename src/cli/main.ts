#!/usr/bin/env node
/**
 * The switchboard command. The only module that exits the process: everything below it throws typed
 * errors, and this turns them into a message on stderr and an exit code. serve and bridge: 2 for usage
 * or config errors, 1 otherwise. The other commands follow the newer scheme: 1 for usage or config
 * errors, 2 a tool answered with an error, 3 unknown tool, 4 a backend is down or unreachable; those
 * that decide 2-4 return their code.
 */
import { SwitchboardError } from '../errors/index.js';
import { VERSION } from '../version.js';

/**
 * Each command's module is imported only when that command runs: `serve` on stdio is what an MCP
 * client launches and waits for, and it should not pay for loading import, install, schema or the
 * bridge (the schema command alone pulls in zod's JSON Schema converter).
 */
async function help(): Promise<string> {
  const [{ SERVE_HELP }, { BRIDGE_HELP }, { IMPORT_HELP }, { INSTALL_HELP }, { SCHEMA_HELP }, { TOOLS_HELP }, { CALL_HELP }, { CHECK_HELP }, { LOGIN_HELP, LOGOUT_HELP }] = await Promise.all([
    import('./serve.js'),
    import('./bridge.js'),
    import('./import.js'),
    import('./install.js'),
    import('./schema.js'),
    import('./tools.js'),
    import('./call.js'),
    import('./check.js'),
    import('./login.js'),
  ]);
  return `mcp-switchboard ${VERSION}: one MCP server in front of many.

Usage: switchboard <command> [options]

Commands:
  serve      serve the servers in router.yaml as one MCP server (stdio, Streamable HTTP, SSE, WebSocket)
  bridge     put one MCP server on another transport (a drop-in for supergateway)
  import     turn a Claude Desktop / Cursor / Claude Code / VS Code MCP config into router.yaml servers
  install    add switchboard to an MCP client's config (claude-desktop, cursor, vscode, claude-code)
  schema     print the JSON Schema of router.yaml (for editor completion and checks)
  tools      list the tools the router serves (workspaces applied)
  call       call one tool through the router (or --url: one remote server directly) and print the result
  check      validate the config and connect every backend once: a table of what is up and what to fix
  login      authorize the router with a remote server that has "auth: oauth" (OAuth, in a browser)
  logout     forget the router's stored OAuth tokens for a server

Run "switchboard <command> --help" for a command's options.

${SERVE_HELP}

${BRIDGE_HELP}

${IMPORT_HELP}

${INSTALL_HELP}

${SCHEMA_HELP}

${TOOLS_HELP}

${CALL_HELP}

${CHECK_HELP}

${LOGIN_HELP}

${LOGOUT_HELP}`;
}

/** Commands on the newer exit-code scheme, where a usage or config error is 1. */
const CONFIG_TOOLS = new Set(['import', 'install', 'schema', 'tools', 'call', 'check', 'login', 'logout']);

async function main(argv: string[]): Promise<number | void> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'serve':
      return (await import('./serve.js')).runServe(rest);
    case 'bridge':
      return (await import('./bridge.js')).runBridge(rest);
    case 'import':
      return (await import('./import.js')).runImport(rest);
    case 'install':
      return (await import('./install.js')).runInstall(rest);
    case 'schema':
      return (await import('./schema.js')).runSchema(rest);
    case 'tools':
      return (await import('./tools.js')).runTools(rest);
    case 'call':
      return (await import('./call.js')).runCall(rest);
    case 'check':
      return (await import('./check.js')).runCheck(rest);
    case 'login':
      return (await import('./login.js')).runLogin(rest);
    case 'logout':
      return (await import('./login.js')).runLogout(rest);
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stderr.write((await help()) + '\n');
      return;
    case '--version':
    case '-v':
      process.stderr.write(VERSION + '\n');
      return;
    default:
      throw new SwitchboardError('SB_USAGE', `unknown command "${command}". Commands: serve, bridge, import, install, schema, tools, call, check, login, logout. Run "switchboard --help".`);
  }
}

// Held until the command settles: closing waits on unref'd handles (the watchdog's exit, a child's
// last write), and an idle loop would otherwise end the process, with code 0, before the command had.
const hold = setInterval(() => undefined, 1 << 30);
main(process.argv.slice(2)).finally(() => clearInterval(hold)).then(
  // exitCode, not exit(): stdout may be a pipe still being written, and the process ends by itself
  // once the command has closed what it opened.
  (code) => {
    if (typeof code === 'number') process.exitCode = code;
  },
  (err: unknown) => {
    if (err instanceof SwitchboardError) {
      process.stderr.write(`switchboard: ${err.message}\n`);
      const usageOrConfig = err.code === 'SB_USAGE' || err.code.startsWith('SB_CONFIG');
      process.exit(usageOrConfig && !CONFIG_TOOLS.has(process.argv[2] ?? '') ? 2 : 1);
    }
    process.stderr.write(`switchboard: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
