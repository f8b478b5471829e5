/**
 * `switchboard import <file>`: turn an MCP client's config (Claude Desktop, Cursor, Claude Code,
 * VS Code) into router.yaml servers, printed, written to --out, or merged into an existing file.
 */
import { basename, resolve } from 'node:path';
import { writeFile } from 'node:fs/promises';
import { resolveConfigPath } from '../config/index.js';
import { SwitchboardError } from '../errors/index.js';
import { parseFlags } from './args.js';
import { parseClientJson, recognise } from './client-configs/formats.js';
import { importReport, planImport, requiredVariables } from './client-configs/import-plan.js';
import { readIfExists, readRequired } from './files.js';
import { addServers, newRouterDocument, readRouterDocument, routerText } from './router-yaml.js';

export const IMPORT_HELP = `Usage: switchboard import <file> [--out router.yaml] [--merge] [--config PATH]

Convert an MCP client's config into router.yaml servers. The format is recognised by content:
Claude Desktop (claude_desktop_config.json), Cursor and Claude Code (mcp.json, .mcp.json), VS Code
(.vscode/mcp.json).

Options:
      --out PATH       write the result to PATH (default: stdout)
      --merge          add the servers to an existing router.yaml (--out, else the config as serve finds it:
                       --config, $SWITCHBOARD_CONFIG, ./router.yaml), keeping its comments and order;
                       a server whose name is already there is skipped and reported, never overwritten
  -c, --config PATH    the router.yaml --merge edits when --out is not given
  -h, --help           show this help

Literal secrets in env and headers become \${VAR} references with a comment naming the variable;
what has no router.yaml equivalent is listed on stderr. Exit codes: 0 ok, 1 usage or config error.`;

export async function runImport(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    'import',
    argv,
    { out: { type: 'string' }, merge: { type: 'boolean' }, config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) {
    process.stderr.write(IMPORT_HELP + '\n');
    return;
  }
  if (positionals.length !== 1) {
    throw new SwitchboardError('SB_USAGE', `import: expected one client config file, got ${positionals.length}. Run "switchboard import --help".`);
  }
  const cwd = process.cwd();
  const source = resolve(cwd, positionals[0]!);
  const client = recognise(parseClientJson(await readRequired(source, 'client config'), source), source);
  const plan = planImport(client, source);

  const target = values.merge
    ? values.out !== undefined
      ? resolve(cwd, values.out)
      : resolveConfigPath({ path: values.config, env: process.env, cwd }).path
    : values.out !== undefined
      ? resolve(cwd, values.out)
      : undefined;
  const existing = values.merge && target ? await readIfExists(target) : undefined;
  const doc = existing !== undefined ? readRouterDocument(existing, target!) : newRouterDocument(header(source, plan));
  const { added, clashes } = addServers(doc, plan.servers, basename(source));

  const text = routerText(doc);
  if (target) await writeFile(target, text);
  else process.stdout.write(text); // stdout-ok: the command's printout, never a stdio front
  const lines = importReport(client, source, plan, added, clashes, target ? basename(target) : 'router.yaml');
  if (target) lines.push(`wrote ${target}`);
  process.stderr.write(lines.join('\n') + '\n');
}

function header(source: string, plan: ReturnType<typeof planImport>): string[] {
  const lines = [`router.yaml imported from ${basename(source)} by "switchboard import".`];
  const vars = requiredVariables(plan.servers);
  if (vars.length) lines.push(`Set before "switchboard serve": ${vars.map((v) => v.name).join(', ')}`);
  return lines;
}
