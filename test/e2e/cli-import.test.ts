/**
 * `switchboard import`: realistic Claude Desktop, Cursor and VS Code files become router.yaml text
 * with exactly the expected fields and comments, that text loads with the project's own config
 * loader once the reported variables are set (and fails naming them when they are not), and
 * --merge adds to a hand-written file without touching what is there.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig, type RemoteTarget, type StdioTarget } from '../../src/config/index.js';
import { SwitchboardError } from '../../src/errors/index.js';
import { assertBuilt, PROJECT_ROOT } from '../helpers/cli.js';
import { runTool, sandbox } from './cli-tools-helpers.js';

const FIXTURES = join(PROJECT_ROOT, 'test/fixtures/client-configs');
const CLAUDE = join(FIXTURES, 'claude_desktop_config.json');
const CURSOR = join(FIXTURES, 'cursor-mcp.json');
const VSCODE = join(FIXTURES, '.vscode/mcp.json');

const box = sandbox();
beforeAll(() => assertBuilt());
afterAll(() => box.remove());

const run = (...args: string[]) => runTool(['import', ...args], { cwd: box.project, env: box.env });
const load = (text: string, env: Record<string, string>) => parseConfig(text, { env, sourceName: 'imported.yaml', baseDir: box.project });
const stdio = (t: unknown) => t as StdioTarget;
const remote = (t: unknown) => t as RemoteTarget;

const CLAUDE_YAML = `# router.yaml imported from claude_desktop_config.json by "switchboard import".
# Set before "switchboard serve": GITHUB_PERSONAL_ACCESS_TOKEN, BRAVE_API_KEY, POSTGRES_PGPASSWORD

servers:
  # imported from claude_desktop_config.json
  github:
    command: npx
    args:
      - -y
      - "@modelcontextprotocol/server-github"
    env:
      GITHUB_PERSONAL_ACCESS_TOKEN: \${GITHUB_PERSONAL_ACCESS_TOKEN} # set GITHUB_PERSONAL_ACCESS_TOKEN (was a literal secret in claude_desktop_config.json)
  # imported from claude_desktop_config.json
  filesystem:
    command: npx
    args:
      - -y
      - "@modelcontextprotocol/server-filesystem"
      - /Users/me/Desktop
      - /Users/me/Downloads
  # imported from claude_desktop_config.json
  brave-search:
    command: npx
    args:
      - -y
      - "@modelcontextprotocol/server-brave-search"
    env:
      BRAVE_API_KEY: \${BRAVE_API_KEY} # set BRAVE_API_KEY (was a literal secret in claude_desktop_config.json)
  # imported from claude_desktop_config.json
  postgres:
    command: npx
    args:
      - -y
      - "@modelcontextprotocol/server-postgres"
      - postgresql://localhost/mydb
    env:
      PGPASSWORD: \${POSTGRES_PGPASSWORD} # set POSTGRES_PGPASSWORD (was a literal secret in claude_desktop_config.json)
      LOG_LEVEL: debug
    enabled: false
  # imported from claude_desktop_config.json
  memory:
    command: npx
    args:
      - -y
      - "@modelcontextprotocol/server-memory"
    env:
      MEMORY_FILE_PATH: /Users/me/memory.jsonl
`;

describe('switchboard import: Claude Desktop', () => {
  it('prints router.yaml with every server, secrets as ${VAR} with comments, and lists what it dropped', async () => {
    const { code, stdout, stderr } = await run(CLAUDE);
    expect(code).toBe(0);
    expect(stdout).toBe(CLAUDE_YAML);
    expect(stderr).toContain('imported 5 of 5 servers from ' + CLAUDE + ' (Claude Desktop config): github, filesystem, brave-search, postgres, memory');
    expect(stderr).toContain('no equivalent: servers.memory.autoApprove: ["read_graph"] has no equivalent in router.yaml; not imported');
    expect(stderr).toContain('  GITHUB_PERSONAL_ACCESS_TOKEN  (servers.github.env.GITHUB_PERSONAL_ACCESS_TOKEN; was a literal secret in claude_desktop_config.json)');
    expect(stderr).toContain('  POSTGRES_PGPASSWORD  (servers.postgres.env.PGPASSWORD;');
    // The secrets themselves never reach the output.
    expect(stdout + stderr).not.toContain('ghp_1234567890');
    expect(stdout + stderr).not.toContain('hunter2');
  });

  it('loads with the config loader once the reported variables are set', async () => {
    const { stdout } = await run(CLAUDE);
    const config = load(stdout, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x', BRAVE_API_KEY: 'b', POSTGRES_PGPASSWORD: 'pw' });
    expect(config.servers.map((s) => s.name)).toEqual(['github', 'filesystem', 'brave-search', 'postgres', 'memory']);
    expect(stdio(config.servers[0]!.target).env).toEqual({ GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x' });
    expect(stdio(config.servers[3]!.target).env).toEqual({ PGPASSWORD: 'pw', LOG_LEVEL: 'debug' });
    expect(config.servers.map((s) => s.enabled)).toEqual([true, true, true, false, true]);
  });

  it('does not load while a reported variable is unset, and the error names it', async () => {
    const { stdout } = await run(CLAUDE);
    let caught: unknown;
    try {
      load(stdout, { GITHUB_PERSONAL_ACCESS_TOKEN: 'ghp_x', BRAVE_API_KEY: 'b' });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SwitchboardError);
    expect((caught as SwitchboardError).code).toBe('SB_CONFIG_UNSET_VAR');
    expect((caught as SwitchboardError).message).toContain('servers.postgres.env.PGPASSWORD: environment variable POSTGRES_PGPASSWORD is not set');
  });
});

describe('switchboard import: Cursor / Claude Code mcp.json', () => {
  it('keeps url, type and headers, converts ${env:X}, keeps ${VAR:-default}, writes --out', async () => {
    const out = join(box.project, 'cursor.yaml');
    const { code, stdout, stderr } = await run(CURSOR, '--out', out);
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(`# router.yaml imported from cursor-mcp.json by "switchboard import".
# Set before "switchboard serve": LINEAR_AUTHORIZATION, INTERNAL_API_KEY, SENTRY_ACCESS_TOKEN

servers:
  # imported from cursor-mcp.json
  linear:
    url: https://mcp.linear.app/sse
    type: sse
    headers:
      Authorization: Bearer \${LINEAR_AUTHORIZATION} # set LINEAR_AUTHORIZATION (was a literal secret in cursor-mcp.json)
  # imported from cursor-mcp.json
  internal:
    url: \${INTERNAL_MCP_URL:-http://localhost:9000/mcp}
    headers:
      X-Api-Key: \${INTERNAL_API_KEY}
      X-Team: platform
  # imported from cursor-mcp.json
  sentry:
    command: npx
    args:
      - -y
      - "@sentry/mcp-server@latest"
      - --host=\${SENTRY_HOST:-sentry.io}
    env:
      SENTRY_ACCESS_TOKEN: \${SENTRY_ACCESS_TOKEN}
`);
    expect(stderr).toContain('(Cursor / Claude Code mcp.json): linear, internal, sentry');
    expect(stderr).toContain('no equivalent: servers.sentry.envFile: "${userHome}/.sentry.env" has no equivalent; set its variables in the environment "switchboard serve" runs in');
    expect(stderr).toContain(`wrote ${out}`);

    const config = load(readFileSync(out, 'utf8'), { LINEAR_AUTHORIZATION: 'lin', INTERNAL_API_KEY: 'k', SENTRY_ACCESS_TOKEN: 's' });
    const [linear, internal, sentry] = config.servers;
    expect(remote(linear!.target)).toEqual({ kind: 'sse', url: 'https://mcp.linear.app/sse', headers: { Authorization: 'Bearer lin' } });
    expect(remote(internal!.target)).toEqual({ kind: 'auto', url: 'http://localhost:9000/mcp', headers: { 'X-Api-Key': 'k', 'X-Team': 'platform' } });
    expect(stdio(sentry!.target).args).toEqual(['-y', '@sentry/mcp-server@latest', '--host=sentry.io']);
  });
});

describe('switchboard import: VS Code', () => {
  it('turns ${input:x} into ${VAR} with the input description, maps types, lists envFile and dev', async () => {
    const { code, stdout, stderr } = await run(VSCODE);
    expect(code).toBe(0);
    expect(stdout).toBe(`# router.yaml imported from mcp.json by "switchboard import".
# Set before "switchboard serve": GITHUB_TOKEN, PERPLEXITY_KEY, WORKSPACE_FOLDER

servers:
  # imported from mcp.json
  github:
    url: https://api.githubcopilot.com/mcp/
    type: http
    headers:
      Authorization: Bearer \${GITHUB_TOKEN} # set GITHUB_TOKEN: GitHub personal access token (VS Code input "github-token")
  # imported from mcp.json
  perplexity:
    command: npx
    args:
      - -y
      - server-perplexity-ask
    env:
      PERPLEXITY_API_KEY: \${PERPLEXITY_KEY} # set PERPLEXITY_KEY: Perplexity API key (VS Code input "perplexity-key")
  # imported from mcp.json
  events:
    url: http://localhost:3001/sse
    type: sse
  # imported from mcp.json
  local:
    command: node
    args:
      - \${WORKSPACE_FOLDER}/tools/mcp.js # set WORKSPACE_FOLDER: the value the client gave \${workspaceFolder}
`);
    expect(stderr).toContain('(VS Code mcp.json): github, perplexity, events, local');
    expect(stderr).toContain('no equivalent: servers.perplexity.envFile: "${workspaceFolder}/.env" has no equivalent');
    expect(stderr).toContain('no equivalent: servers.local.args[0]: ${workspaceFolder} has no equivalent; it now reads ${WORKSPACE_FOLDER}');
    expect(stderr).toContain('no equivalent: servers.local.dev: {"watch":"tools/**/*.js"} has no equivalent in router.yaml; not imported');

    const config = load(stdout, { GITHUB_TOKEN: 'gh', PERPLEXITY_KEY: 'pk', WORKSPACE_FOLDER: '/src/app' });
    expect(config.servers.map((s) => [s.name, s.target.kind])).toEqual([['github', 'http'], ['perplexity', 'stdio'], ['events', 'sse'], ['local', 'stdio']]);
    expect(stdio(config.servers[3]!.target).args).toEqual(['/src/app/tools/mcp.js']);
  });
});

describe('switchboard import --merge', () => {
  const EXISTING = `# My router. Hand-written; keep this comment.
namespace:
  separator: "__"

servers:
  # The GitHub server I set up myself.
  github:
    command: gh-mcp          # my own build
    env: {GITHUB_TOKEN: "\${GITHUB_TOKEN}"}
  notes:
    command: node
    args: [notes.js]

listen:
  port: 9000
`;

  it('appends the new servers, keeps the file as written, and skips (and reports) a name already there', async () => {
    const target = join(box.project, 'router.yaml');
    writeFileSync(target, EXISTING);
    const { code, stdout, stderr } = await run(CLAUDE, '--merge');
    expect(code).toBe(0);
    expect(stdout).toBe('');
    expect(stderr).toContain('skipped servers.github: router.yaml already has a server named "github"; kept that one, did not overwrite it');
    expect(stderr).toContain('imported 4 of 5 servers');
    const merged = readFileSync(target, 'utf8');
    // What was there is still there, in order, with its comments (the yaml package normalises the
    // gap before a trailing comment to one space; nothing else of the hand-written part changes).
    const kept = EXISTING.slice(0, EXISTING.indexOf('\nlisten:')).replace('gh-mcp          #', 'gh-mcp #').trimEnd();
    expect(merged.startsWith(kept + '\n  # imported from claude_desktop_config.json\n  filesystem:\n')).toBe(true);
    expect(merged.endsWith('\n\nlisten:\n  port: 9000\n')).toBe(true);
    expect(merged).toContain('  # imported from claude_desktop_config.json\n  filesystem:\n');
    expect(merged).not.toContain('GITHUB_PERSONAL_ACCESS_TOKEN');

    const config = load(merged, { GITHUB_TOKEN: 't', BRAVE_API_KEY: 'b', POSTGRES_PGPASSWORD: 'p' });
    expect(config.servers.map((s) => s.name)).toEqual(['github', 'notes', 'filesystem', 'brave-search', 'postgres', 'memory']);
    expect(stdio(config.servers[0]!.target).command).toBe('gh-mcp');
    expect(config.listen.port).toBe(9000);
  });

  it('merges into --config when --out is not given', async () => {
    const target = join(box.project, 'other.yaml');
    writeFileSync(target, 'servers:\n  notes:\n    command: node\n');
    const { code } = await run(CURSOR, '--merge', '--config', target);
    expect(code).toBe(0);
    const config = load(readFileSync(target, 'utf8'), { LINEAR_AUTHORIZATION: 'l', INTERNAL_API_KEY: 'k', SENTRY_ACCESS_TOKEN: 's' });
    expect(config.servers.map((s) => s.name)).toEqual(['notes', 'linear', 'internal', 'sentry']);
  });
});

describe('switchboard import: usage and input errors exit 1', () => {
  it('without a file', async () => {
    const { code, stderr } = await run();
    expect(code).toBe(1);
    expect(stderr).toContain('import: expected one client config file, got 0');
  });

  it('with an unknown flag', async () => {
    const { code, stderr } = await run(CLAUDE, '--bogus');
    expect(code).toBe(1);
    expect(stderr).toContain("import: Unknown option '--bogus'");
  });

  it('with a file that is not an MCP client config', async () => {
    const path = join(box.project, 'package.json');
    writeFileSync(path, '{"name": "x"}');
    const { code, stderr } = await run(path);
    expect(code).toBe(1);
    expect(stderr).toContain('not an MCP client config: expected "mcpServers"');
  });

  it('with a missing file', async () => {
    const { code, stderr } = await run(join(box.project, 'nope.json'));
    expect(code).toBe(1);
    expect(stderr).toContain(`client config ${join(box.project, 'nope.json')} does not exist`);
  });
});
