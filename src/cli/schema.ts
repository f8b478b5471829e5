/**
 * `switchboard schema`: the JSON Schema of router.yaml, generated from the zod schema the loader
 * validates with, so the two cannot drift. Editors (yaml-language-server, VS Code's YAML extension,
 * JetBrains) use it for completion, hover defaults and red squiggles.
 *
 * The schema describes the file as written, before `${VAR}` interpolation, so three adjustments are
 * made while generating (no field is written by hand):
 * - a field the loader converts from text (numbers, booleans: `port: ${PORT:-8765}`) also accepts a
 *   string, and a string field the loader converts to (env values: `PORT: 8080`) also accepts numbers
 *   and booleans;
 * - defaults are shown in input mode too, so an editor's hover says what an omitted field means;
 * - zod's private `starts_with` format is dropped (its `pattern` already says it).
 */
import { z } from 'zod';
import { RouterFileSchema } from '../config/index.js';
import { parseFlags } from './args.js';

export const SCHEMA_HELP = `Usage: switchboard schema [--config PATH]

Print the JSON Schema (draft-07) of router.yaml on stdout. The repository ships it as
router.schema.json; point an editor at it with a first line in router.yaml:
  # yaml-language-server: $schema=./router.schema.json

Options:
  -c, --config PATH    accepted like every command; the schema does not depend on it
  -h, --help           show this help`;

type Json = Record<string, unknown>;

interface ZodDef {
  type: string;
  in?: { _zod: { def: ZodDef } };
  out?: { _zod: { def: ZodDef } };
  defaultValue?: unknown;
}

/** Widen a converted field to what the file may hold before conversion. */
function widenConverted(json: Json, outType: string): void {
  if (outType === 'string') {
    json['type'] = ['string', 'number', 'boolean'];
    return;
  }
  const converted = { ...json };
  for (const key of Object.keys(json)) delete json[key];
  json['anyOf'] = [converted, { type: 'string', description: 'a ${VAR} reference, or the value written as text' }];
}

export function routerJsonSchema(): Json {
  return z.toJSONSchema(RouterFileSchema, {
    target: 'draft-7',
    io: 'input',
    unrepresentable: 'any',
    override: ({ zodSchema, jsonSchema }) => {
      const json = jsonSchema as Json;
      const def = (zodSchema as unknown as { _zod: { def: ZodDef } })._zod.def;
      if (json['format'] === 'starts_with') delete json['format'];
      if (def.type === 'pipe' && def.in?._zod.def.type === 'transform' && def.out) widenConverted(json, def.out._zod.def.type);
      if (def.type === 'default' && json['default'] === undefined) json['default'] = structuredClone(def.defaultValue);
    },
  }) as Json;
}

export function schemaText(): string {
  const schema = { ...routerJsonSchema(), title: 'mcp-switchboard router.yaml' };
  return JSON.stringify(schema, null, 2) + '\n';
}

export async function runSchema(argv: string[]): Promise<void> {
  const { values } = parseFlags('schema', argv, { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } });
  if (values.help) {
    process.stderr.write(SCHEMA_HELP + '\n');
    return;
  }
  process.stdout.write(schemaText()); // stdout-ok: the command's printout, never a stdio front
}
