/**
 * `switchboard install <client>`: put the one stdio entry that runs `switchboard serve` into an MCP
 * client's config, with a backup first. --replace also moves the client's other servers behind
 * the router (importing into router.yaml those it lacks), so each server is configured once.
 */
import { basename } from 'node:path';
import { resolveConfigPath } from '../config/index.js';
import { parseFlags } from './args.js';
import { CLIENT_LABEL, clientConfigPath, CLIENTS, parseClient } from './client-configs/client-paths.js';
import { parseClientJson } from './client-configs/formats.js';
import { importReport } from './client-configs/import-plan.js';
import { readIfExists, readRequired, writeWithBackup } from './files.js';
import { planInstall } from './install-plan.js';
import { readRouterDocument, routerText } from './router-yaml.js';
import { serveEntry } from './snippet.js';
import { unifiedDiff } from './text-diff.js';

export const INSTALL_HELP = `Usage: switchboard install <client> [--dry-run] [--replace] [--name switchboard] [--config PATH]

Add switchboard to an MCP client: one stdio entry running "switchboard serve --config <absolute path>".
Clients: ${CLIENTS.join(', ')}
  claude-desktop  macOS ~/Library/Application Support/Claude/claude_desktop_config.json,
                  Windows %APPDATA%\\Claude\\claude_desktop_config.json,
                  Linux $XDG_CONFIG_HOME/Claude/claude_desktop_config.json (else ~/.config/Claude/...)
  cursor          ~/.cursor/mcp.json
  vscode          ./.vscode/mcp.json
  claude-code     ./.mcp.json

Options:
      --dry-run        print what would change as a diff; write nothing
      --replace        also move the client's other servers behind switchboard: those router.yaml serves
                       (same name, or same command+args or url) leave the client file; the rest are
                       imported into router.yaml first (as "switchboard import" does), secrets staying in
                       the client file as the env of switchboard's entry
      --name NAME      the entry's name (default: switchboard)
  -c, --config PATH    router.yaml to serve (default: $SWITCHBOARD_CONFIG, else ./router.yaml)
  -h, --help           show this help

Every file is backed up to <file>.<timestamp>.bak before it is changed; running install twice leaves
one entry. Exit codes: 0 ok, 1 usage or config error.`;

export async function runInstall(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    'install',
    argv,
    {
      'dry-run': { type: 'boolean' },
      replace: { type: 'boolean' },
      name: { type: 'string' },
      config: { type: 'string', short: 'c' },
      help: { type: 'boolean', short: 'h' },
    },
    true,
  );
  if (values.help) {
    process.stderr.write(INSTALL_HELP + '\n');
    return;
  }
  const client = parseClient(positionals.length === 1 ? positionals[0] : undefined);
  const cwd = process.cwd();
  const configPath = resolveConfigPath({ path: values.config, env: process.env, cwd }).path;
  const routerBefore = await readRequired(configPath, 'config file');
  const clientPath = clientConfigPath(client, { platform: process.platform, env: process.env, cwd });
  const clientText = (await readIfExists(clientPath)) ?? '';
  const router = values.replace ? readRouterDocument(routerBefore, configPath) : undefined;

  const plan = planInstall({
    client,
    clientPath,
    clientJson: parseClientJson(clientText, clientPath),
    name: values.name ?? 'switchboard',
    entry: serveEntry(configPath),
    ...(router ? { router } : {}),
  });
  const newClientText = JSON.stringify(plan.clientJson, null, 2) + '\n';
  const newRouterText = router ? routerText(router) : undefined;
  const routerChanged = newRouterText !== undefined && plan.imported.length > 0;
  const clientChanged = newClientText !== clientText;

  const report: string[] = [];
  if (plan.fronted.length) report.push(`already in ${basename(configPath)}, moved out of the ${CLIENT_LABEL[client]} config: ${plan.fronted.join(', ')}`);
  if (plan.importPlan && plan.clientFile && (plan.imported.length || plan.kept.length)) {
    report.push(...importReport(plan.clientFile, clientPath, plan.importPlan, plan.imported, [], basename(configPath)));
  }
  for (const k of plan.kept) report.push(`left in the ${CLIENT_LABEL[client]} config: ${k.name}`);

  if (values['dry-run']) {
    const diffs = [unifiedDiff(clientText, newClientText, { from: clientPath, to: clientPath })];
    if (routerChanged) diffs.push(unifiedDiff(routerBefore, newRouterText, { from: configPath, to: configPath }));
    process.stdout.write(diffs.join('')); // stdout-ok: the command's printout, never a stdio front
    report.push(`dry run: nothing written${clientChanged || routerChanged ? '' : ' (nothing to change)'}`);
    process.stderr.write(report.join('\n') + '\n');
    return;
  }
  const now = new Date();
  if (routerChanged) report.push(backedUp(configPath, await writeWithBackup(configPath, newRouterText, now)));
  if (clientChanged) {
    report.push(backedUp(clientPath, await writeWithBackup(clientPath, newClientText, now)));
    report.push(`${CLIENT_LABEL[client]} now runs switchboard serve --config ${configPath}; restart it to pick up the change`);
  } else {
    report.push(`${clientPath} already has this entry; nothing to change`);
  }
  process.stderr.write(report.join('\n') + '\n');
}

function backedUp(path: string, backup: string | undefined): string {
  return backup ? `wrote ${path} (backup: ${backup})` : `wrote ${path} (new file)`;
}
