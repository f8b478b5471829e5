/**
 * Configs for the one-shot commands (tools, call, check): real backends (the reference everything,
 * memory and filesystem servers, the fixture) written into a temp router.yaml, and runs of the built
 * CLI with an environment that has no workspace or config of the developer's.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';
import { PROJECT_ROOT, q, runCli } from '../helpers/cli.js';

const MODULES = join(PROJECT_ROOT, 'node_modules/@modelcontextprotocol');

export function fixtureYaml(name: string, extraArgs: string[] = []): string {
  const fx = fixtureStdioCommand(name, extraArgs);
  return `  ${name}:\n    command: ${q(fx.command)}\n    args: [${fx.args.map(q).join(', ')}]\n`;
}

export function everythingYaml(): string {
  return `  everything:\n    command: ${q(process.execPath)}\n    args: [${q(join(MODULES, 'server-everything/dist/index.js'))}, stdio]\n`;
}

export function memoryYaml(dir: string): string {
  return `  memory:\n    command: ${q(process.execPath)}\n    args: [${q(join(MODULES, 'server-memory/dist/index.js'))}]\n    env: { MEMORY_FILE_PATH: ${q(join(dir, 'memory.jsonl'))} }\n`;
}

/** The filesystem server over `<dir>/files` (created), the one directory it may touch. */
export function filesystemYaml(dir: string): string {
  const root = join(dir, 'files');
  mkdirSync(root, { recursive: true });
  return `  filesystem:\n    command: ${q(process.execPath)}\n    args: [${q(join(MODULES, 'server-filesystem/dist/index.js'))}, ${q(root)}]\n`;
}

/** A Streamable HTTP server that is not there: port 1 on loopback refuses at once. */
export function unreachableYaml(name: string): string {
  return `  ${name}:\n    url: http://127.0.0.1:1/mcp\n    type: http\n    connectTimeout: 5000\n`;
}

/** The test process's environment without SWITCHBOARD_WORKSPACE / _CONFIG, with its own state dir. */
export function cleanEnv(stateDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { SWITCHBOARD_WORKSPACE: _w, SWITCHBOARD_CONFIG: _c, OTEL_EXPORTER_OTLP_ENDPOINT: _o, ...rest } = process.env;
  return { ...rest, SWITCHBOARD_STATE_DIR: stateDir, ...extra };
}

export function run(args: string[], env: NodeJS.ProcessEnv): ReturnType<typeof runCli> {
  return runCli(args, { env, timeoutMs: 40_000 });
}
