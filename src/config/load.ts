/**
 * Reading router.yaml: find the file, parse YAML, interpolate `${VAR}`, validate, normalize.
 * A YAML syntax error stops early (there is nothing to validate); after that, unset variables, field
 * problems and cross-field checks come in one SwitchboardError, one per line in file order, so a
 * newcomer can fix the whole file from a single run.
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { SwitchboardError, type SwitchboardErrorCode } from '../errors/index.js';
import { interpolate, type Env } from './interpolate.js';
import { formatIssueLines, toConfigIssues } from './issues.js';
import { normalizeConfig } from './normalize.js';
import { RouterFileSchema } from './schema.js';
import type { ConfigIssue, RouterConfig } from './types.js';

const CONFIG_ENV_VAR = 'SWITCHBOARD_CONFIG';
const DEFAULT_CONFIG_FILE = 'router.yaml';

export interface ParseOptions {
  env: Env;
  /** Shown in error messages; usually the file path. */
  sourceName?: string;
  /** Directory relative paths in the config resolve against; defaults to the process's cwd. */
  baseDir?: string;
}

export interface LoadOptions {
  /** Explicit path (e.g. from --config); relative paths resolve against `cwd`. */
  path?: string;
  env: Env;
  cwd: string;
}

export type ConfigPathSource = 'argument' | 'env' | 'default';

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function fail(code: SwitchboardErrorCode, header: string, issues: ConfigIssue[], extra: Record<string, unknown> = {}): never {
  throw new SwitchboardError(code, `${header}\n${formatIssueLines(issues)}`, { data: { issues, ...extra } });
}

/** Parse YAML; syntax errors carry file:line:column and the offending line with a caret under it. */
function parseYaml(text: string, source: string): unknown {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false });
  if (doc.errors.length === 0) return doc.toJS();
  const sourceLines = text.split(/\r?\n/);
  const issues = doc.errors.map((e) => {
    const { line, col } = lines.linePos(e.pos[0]);
    return { path: `${source}:${line}:${col}`, message: e.message, line, column: col };
  });
  const detail = issues
    .map((i) => `${i.path}: ${i.message}\n    ${sourceLines[i.line - 1] ?? ''}\n    ${' '.repeat(Math.max(0, i.column - 1))}^`)
    .join('\n');
  throw new SwitchboardError('SB_CONFIG_INVALID', `${source}: not valid YAML (${plural(issues.length, 'problem')}):\n${detail}`, {
    data: { issues, file: source },
  });
}

/** Parse and validate config text. Throws SB_CONFIG_INVALID or SB_CONFIG_UNSET_VAR. */
export function parseConfig(text: string, opts: ParseOptions): RouterConfig {
  const source = opts.sourceName ?? 'router.yaml';
  // An empty file (or only comments) parses to null: validate it as {} so the message says what is missing.
  const raw = parseYaml(text, source) ?? {};

  // Interpolation problems do not stop validation: unset variables, schema problems and cross-field
  // checks are reported in one error, so the file can be fixed in one round.
  const interpolated = interpolate(raw, opts.env);
  const parsed = RouterFileSchema.safeParse(interpolated.value);
  if (parsed.success && interpolated.issues.length === 0) {
    return normalizeConfig(parsed.data, { baseDir: opts.baseDir ?? process.cwd() });
  }
  const issues = toConfigIssues(parsed.success ? [] : parsed.error.issues, interpolated.value, RouterFileSchema, interpolated.issues);
  // Schema issues an unset variable caused are dropped in toConfigIssues; if nothing else is left, say so.
  const onlyUnset = issues.length === interpolated.issues.length && interpolated.issues.every((i) => i.kind === 'unset');
  if (onlyUnset) {
    fail('SB_CONFIG_UNSET_VAR', `${source}: ${plural(issues.length, 'reference')} to unset environment variables:`, issues, { file: source });
  }
  fail('SB_CONFIG_INVALID', `${source}: config is invalid (${plural(issues.length, 'problem')}):`, issues, { file: source });
}

/** Which file to read: explicit path, else $SWITCHBOARD_CONFIG, else <cwd>/router.yaml. */
export function resolveConfigPath(opts: LoadOptions): { path: string; source: ConfigPathSource } {
  if (opts.path !== undefined && opts.path !== '') return { path: resolve(opts.cwd, opts.path), source: 'argument' };
  const fromEnv = opts.env[CONFIG_ENV_VAR];
  if (fromEnv !== undefined && fromEnv !== '') return { path: resolve(opts.cwd, fromEnv), source: 'env' };
  return { path: resolve(opts.cwd, DEFAULT_CONFIG_FILE), source: 'default' };
}

function notFoundMessage(path: string, source: ConfigPathSource, reason: string): string {
  switch (source) {
    case 'argument':
      return `config file ${path} ${reason} (given as the config path). Check the path passed with --config.`;
    case 'env':
      return `config file ${path} ${reason} (from ${CONFIG_ENV_VAR}). Fix or unset ${CONFIG_ENV_VAR}, or pass --config <file>.`;
    case 'default':
      return [
        `config file ${path} ${reason}. Create ${DEFAULT_CONFIG_FILE} in this directory, pass --config <file>, or set ${CONFIG_ENV_VAR}=<file>.`,
        'A minimal router.yaml:',
        'servers:',
        '  everything:',
        '    command: npx',
        '    args: ["-y", "@modelcontextprotocol/server-everything"]',
      ].join('\n');
  }
}

/** Find, read and parse the config file. Throws SB_CONFIG_NOT_FOUND, SB_CONFIG_INVALID or SB_CONFIG_UNSET_VAR. */
export async function loadConfig(opts: LoadOptions): Promise<{ config: RouterConfig; path: string }> {
  const { path, source } = resolveConfigPath(opts);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' || code === 'ENOTDIR' ? 'does not exist' : code === 'EISDIR' ? 'is a directory, not a file' : undefined;
    if (reason !== undefined) {
      throw new SwitchboardError('SB_CONFIG_NOT_FOUND', notFoundMessage(path, source, reason), { data: { path, source }, cause: err });
    }
    throw new SwitchboardError('SB_CONFIG_INVALID', `cannot read config file ${path}: ${(err as Error).message}`, { data: { path }, cause: err });
  }
  const config = parseConfig(text, { env: opts.env, sourceName: path, baseDir: dirname(path) });
  return { config, path };
}
