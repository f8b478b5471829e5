/**
 * The arguments of `switchboard call`: built from JSON-ARGS and --arg k=v, then checked against the
 * tool's inputSchema before anything is sent, with one readable line per problem naming the argument.
 *
 * The validator is the ajv the MCP SDK bundles and exports (@modelcontextprotocol/client/validators/ajv),
 * so no second copy of ajv is needed. It is configured as the SDK's own draft-07 engine is (formats on,
 * unknown keywords ignored, the schema's $schema not enforced): tools publish draft-07 and 2020-12
 * schemas alike, and for the keywords tool schemas use the two agree.
 */
import { addFormats, Ajv } from '@modelcontextprotocol/client/validators/ajv';
import { SwitchboardError } from '../errors/index.js';
import { suggest } from '../util/suggest.js';

export type Arguments = Record<string, unknown>;

/** JSON-ARGS (an object), then each --arg k=v over it; a value is JSON when it parses, else a string. */
export function buildArguments(json: string | undefined, pairs: readonly string[]): Arguments {
  let args: Arguments = {};
  if (json !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (err) {
      throw usage(`JSON-ARGS is not valid JSON (${err instanceof Error ? err.message : String(err)}): ${json}`);
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw usage(`JSON-ARGS must be a JSON object such as '{"text":"hi"}', got ${json}`);
    args = parsed as Arguments;
  }
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw usage(`--arg: expected key=value, got "${pair}"`);
    args = { ...args, [pair.slice(0, eq)]: jsonOrString(pair.slice(eq + 1)) };
  }
  return args;
}

function jsonOrString(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** Problems with `args` under `schema`, one sentence each; empty when they are valid. */
export function argumentProblems(schema: object, args: Arguments): string[] {
  const ajv = new Ajv({ strict: false, validateSchema: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  if (validate(args)) return [];
  const known = Object.keys((schema as { properties?: object }).properties ?? {});
  return [...new Set(((validate.errors ?? []) as AjvError[]).map((e) => describeError(e, args, known)))];
}

/** Throws a usage error listing every problem, so one run shows everything to fix. */
export function checkArguments(tool: string, schema: object, args: Arguments): void {
  const problems = argumentProblems(schema, args);
  if (problems.length === 0) return;
  throw usage(`invalid arguments for tool "${tool}":\n${problems.map((p) => `  - ${p}`).join('\n')}\nRun "switchboard tools --json" to see its input schema.`);
}

function describeError(e: AjvError, args: Arguments, known: readonly string[]): string {
  const where = e.instancePath === '' ? undefined : e.instancePath.slice(1).split('/').join('.');
  const subject = where === undefined ? 'the arguments' : `argument "${where}"`;
  const got = where === undefined ? args : valueAt(args, e.instancePath);
  switch (e.keyword) {
    case 'required': {
      const name = joinPath(where, String(e.params.missingProperty));
      return `missing required argument "${name}"`;
    }
    case 'additionalProperties': {
      const extra = String(e.params.additionalProperty);
      const close = where === undefined ? suggest(extra, known, { max: 1 }) : [];
      return `unknown argument "${joinPath(where, extra)}"${close.length ? ` (did you mean "${close[0]}"?)` : ''}`;
    }
    case 'type':
      return `${subject} must be ${String(e.params.type)}, got ${describeValue(got)}`;
    case 'enum':
      return `${subject} must be one of ${(e.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}, got ${describeValue(got)}`;
    case 'const':
      return `${subject} must be ${JSON.stringify(e.params.allowedValue)}, got ${describeValue(got)}`;
    default:
      return `${subject} ${e.message ?? `fails "${e.keyword}"`}${got === undefined ? '' : `, got ${describeValue(got)}`}`;
  }
}

function joinPath(parent: string | undefined, name: string): string {
  return parent === undefined ? name : `${parent}.${name}`;
}

function valueAt(args: Arguments, pointer: string): unknown {
  let value: unknown = args;
  for (const part of pointer.slice(1).split('/')) {
    const key = part.replace(/~1/g, '/').replace(/~0/g, '~');
    value = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  }
  return value;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array ${truncate(JSON.stringify(value))}`;
  if (typeof value === 'object') return `an object ${truncate(JSON.stringify(value))}`;
  return `${typeof value} ${truncate(JSON.stringify(value))}`;
}

function truncate(text: string): string {
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}

function usage(message: string): SwitchboardError {
  return new SwitchboardError('SB_USAGE', `call: ${message}`);
}
