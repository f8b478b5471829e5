/**
 * `switchboard install`: against temporary HOME / XDG_CONFIG_HOME / project directories, it writes
 * one entry running `serve --config <abs>` (twice -> still one), backs the file up first, keeps every
 * other key, prints a diff and writes nothing with --dry-run, and with --replace moves the client's
 * servers behind the router.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { parseConfig, type StdioTarget } from '../../src/config/index.js';
import { assertBuilt, CLI_MAIN } from '../helpers/cli.js';
import { runTool, sandbox, type Sandbox } from './cli-tools-helpers.js';

let box: Sandbox;
let routerPath: string;
beforeAll(() => assertBuilt());
beforeEach(() => {
  box = sandbox();
  routerPath = join(box.project, 'router.yaml');
  writeFileSync(routerPath, '# my router\nservers:\n  memory:\n    command: node\n    args: [memory.js]\n');
});
afterEach(() => box.remove());

const install = (...args: string[]) => runTool(['install', ...args], { cwd: box.project, env: box.env });
const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, any>;
const backups = (dir: string, base: string) => readdirSync(dir).filter((f) => f.startsWith(`${base}.`) && f.endsWith('.bak'));
const expectedEntry = () => ({ command: process.execPath, args: [CLI_MAIN, 'serve', '--config', routerPath] });

describe('switchboard install claude-desktop', () => {
  const desktopDir = () => join(box.xdg, 'Claude');
  const desktopFile = () => join(desktopDir(), 'claude_desktop_config.json');
  const ORIGINAL = { globalShortcut: 'Ctrl+Space', mcpServers: { weather: { command: 'uvx', args: ['weather-mcp'] } } };

  it('adds one entry, keeps every other key, backs up first; a second run changes nothing', async () => {
    mkdirSync(desktopDir(), { recursive: true });
    writeFileSync(desktopFile(), JSON.stringify(ORIGINAL, null, 2));

    const first = await install('claude-desktop');
    expect(first.code).toBe(0);
    expect(readJson(desktopFile())).toEqual({ globalShortcut: 'Ctrl+Space', mcpServers: { weather: ORIGINAL.mcpServers.weather, switchboard: expectedEntry() } });
    const saved = backups(desktopDir(), 'claude_desktop_config.json');
    expect(saved).toHaveLength(1);
    expect(JSON.parse(readFileSync(join(desktopDir(), saved[0]!), 'utf8'))).toEqual(ORIGINAL);
    expect(first.stderr).toContain(`wrote ${desktopFile()} (backup: ${join(desktopDir(), saved[0]!)})`);

    const second = await install('claude-desktop');
    expect(second.code).toBe(0);
    expect(second.stderr).toContain(`${desktopFile()} already has this entry; nothing to change`);
    expect(Object.keys(readJson(desktopFile()).mcpServers)).toEqual(['weather', 'switchboard']);
    expect(backups(desktopDir(), 'claude_desktop_config.json')).toHaveLength(1);
  });

  it('creates the file (and its folder) when the client has none, under --name', async () => {
    const { code, stderr } = await install('claude-desktop', '--name', 'router');
    expect(code).toBe(0);
    expect(readJson(desktopFile())).toEqual({ mcpServers: { router: expectedEntry() } });
    expect(stderr).toContain(`wrote ${desktopFile()} (new file)`);
  });

  it('--dry-run prints a unified diff and leaves the file as it was', async () => {
    mkdirSync(desktopDir(), { recursive: true });
    const text = JSON.stringify(ORIGINAL, null, 2) + '\n';
    writeFileSync(desktopFile(), text);
    const { code, stdout, stderr } = await install('claude-desktop', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toBe(
      [
        `--- ${desktopFile()}`,
        `+++ ${desktopFile()}`,
        '@@ -6,6 +6,15 @@',
        '       "args": [',
        '         "weather-mcp"',
        '       ]',
        '+    },',
        '+    "switchboard": {',
        `+      "command": ${JSON.stringify(process.execPath)},`,
        '+      "args": [',
        `+        ${JSON.stringify(CLI_MAIN)},`,
        '+        "serve",',
        '+        "--config",',
        `+        ${JSON.stringify(routerPath)}`,
        '+      ]',
        '     }',
        '   }',
        ' }',
        '',
      ].join('\n'),
    );
    expect(stderr).toContain('dry run: nothing written');
    expect(readFileSync(desktopFile(), 'utf8')).toBe(text);
    expect(backups(desktopDir(), 'claude_desktop_config.json')).toEqual([]);
  });
});

describe('switchboard install: other clients', () => {
  it('cursor writes ~/.cursor/mcp.json', async () => {
    const { code } = await install('cursor');
    expect(code).toBe(0);
    expect(readJson(join(box.home, '.cursor/mcp.json'))).toEqual({ mcpServers: { switchboard: expectedEntry() } });
  });

  it('vscode writes ./.vscode/mcp.json with "servers" and type stdio', async () => {
    const { code } = await install('vscode');
    expect(code).toBe(0);
    expect(readJson(join(box.project, '.vscode/mcp.json'))).toEqual({ servers: { switchboard: { type: 'stdio', ...expectedEntry() } } });
  });

  it('an unknown client, or a missing router.yaml, exits 1 and writes nothing', async () => {
    const unknown = await install('windsurf');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('install: unknown client "windsurf"; expected one of claude-desktop, cursor, vscode, claude-code');
    const missing = await install('claude-code', '--config', 'nope.yaml');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`config file ${join(box.project, 'nope.yaml')} does not exist`);
    expect(existsSync(join(box.project, '.mcp.json'))).toBe(false);
  });
});

describe('switchboard install --replace', () => {
  it('claude-code: moves fronted servers out, imports the rest into router.yaml, secrets go to the entry env', async () => {
    const mcpJson = join(box.project, '.mcp.json');
    writeFileSync(
      mcpJson,
      JSON.stringify({
        mcpServers: {
          mem: { command: 'node', args: ['memory.js'] }, // same command+args as router.yaml's memory
          github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } },
          docs: { type: 'http', url: 'https://docs.example.com/mcp', oauth: { clientId: 'x' } },
        },
      }),
    );
    const { code, stderr } = await install('claude-code', '--replace');
    expect(code).toBe(0);
    expect(stderr).toContain('already in router.yaml, moved out of the Claude Code config: mem');
    expect(stderr).toContain('no equivalent: servers.docs.oauth: {"clientId":"x"} has no equivalent in router.yaml; not imported');

    expect(readJson(mcpJson)).toEqual({
      mcpServers: { switchboard: { ...expectedEntry(), env: { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' } } },
    });
    const yaml = readFileSync(routerPath, 'utf8');
    expect(yaml.startsWith('# my router\nservers:\n  memory:\n')).toBe(true);
    expect(yaml).not.toContain('ghp_');
    // The router loads with exactly the environment the client now gives switchboard.
    const config = parseConfig(yaml, { env: readJson(mcpJson).mcpServers.switchboard.env, baseDir: box.project });
    expect(config.servers.map((s) => s.name)).toEqual(['memory', 'github', 'docs']);
    expect((config.servers[1]!.target as StdioTarget).env).toEqual({ GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_abcdefghijklmnopqrstuvwxyz0123456789' });
    expect(backups(box.project, 'router.yaml')).toHaveLength(1);
    expect(backups(box.project, '.mcp.json')).toHaveLength(1);

    // Running it again finds nothing left to move and one entry.
    const again = await install('claude-code', '--replace');
    expect(again.code).toBe(0);
    expect(Object.keys(readJson(mcpJson).mcpServers)).toEqual(['switchboard']);
  });

  it('vscode: ${input:x} stays with VS Code, passed to switchboard through its entry env; inputs are kept', async () => {
    mkdirSync(join(box.project, '.vscode'));
    const file = join(box.project, '.vscode/mcp.json');
    const inputs = [{ type: 'promptString', id: 'gh', description: 'GitHub token', password: true }];
    writeFileSync(file, JSON.stringify({ inputs, servers: { github: { type: 'http', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ${input:gh}' } } } }));
    const { code } = await install('vscode', '--replace');
    expect(code).toBe(0);
    expect(readJson(file)).toEqual({ inputs, servers: { switchboard: { type: 'stdio', ...expectedEntry(), env: { GH: '${input:gh}' } } } });
    expect(readFileSync(routerPath, 'utf8')).toContain('      Authorization: Bearer ${GH} # set GH: GitHub token (VS Code input "gh")\n');
  });

  it('--dry-run with --replace shows both diffs and writes neither file', async () => {
    const mcpJson = join(box.project, '.mcp.json');
    const text = JSON.stringify({ mcpServers: { fetch: { command: 'uvx', args: ['mcp-server-fetch'] } } });
    writeFileSync(mcpJson, text);
    const before = readFileSync(routerPath, 'utf8');
    const { code, stdout } = await install('claude-code', '--replace', '--dry-run');
    expect(code).toBe(0);
    expect(stdout).toContain(`--- ${mcpJson}`);
    expect(stdout).toContain(`--- ${routerPath}`);
    expect(stdout).toContain('+  # imported from .mcp.json\n+  fetch:\n+    command: uvx\n');
    expect(readFileSync(mcpJson, 'utf8')).toBe(text);
    expect(readFileSync(routerPath, 'utf8')).toBe(before);
  });
});
