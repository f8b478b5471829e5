/**
 * Turn a tool definition into per-field term lists for BM25F.
 *
 * Parameter names and descriptions are their own field: they say what a tool needs ("symbol",
 * "latitude", "repo") which users often mention, but they are noisier than the description, so
 * they get a lower weight rather than being mixed into it.
 */
import { tokenize as tokenizeText, type TermMemo, type TokenizeOptions } from './tokenizer.js';
import type { SearchableTool, ToolField } from './types.js';

/** Guard against pathological schemas (recursive $defs expanded by a backend, huge enums). */
const MAX_SCHEMA_DEPTH = 6;
const MAX_SCHEMA_NODES = 400;

/** Collect property names and descriptions from a JSON Schema, walking nested objects/arrays. */
function schemaText(schema: unknown): string[] {
  const out: string[] = [];
  let budget = MAX_SCHEMA_NODES;
  const walk = (node: unknown, depth: number): void => {
    if (depth > MAX_SCHEMA_DEPTH || budget <= 0 || node === null || typeof node !== 'object') return;
    budget--;
    const obj = node as Record<string, unknown>;
    const props = obj['properties'];
    if (props !== null && typeof props === 'object') {
      for (const [key, child] of Object.entries(props as Record<string, unknown>)) {
        out.push(key);
        if (child !== null && typeof child === 'object') {
          const c = child as Record<string, unknown>;
          if (typeof c['description'] === 'string') out.push(c['description']);
          if (typeof c['title'] === 'string') out.push(c['title']);
          if (Array.isArray(c['enum'])) out.push(c['enum'].filter((v) => typeof v === 'string').join(' '));
        }
        walk(child, depth + 1);
      }
    }
    for (const key of ['items', 'additionalProperties'] as const) walk(obj[key], depth + 1);
    for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
      const list = obj[key];
      if (Array.isArray(list)) for (const sub of list) walk(sub, depth + 1);
    }
  };
  walk(schema, 0);
  return out;
}

/** The server id looks like "github" or "mcp-server-chart"; its generic parts carry no topic. */
function serverText(tool: SearchableTool): string {
  return [tool.server ?? '', tool.serverDescription ?? ''].join(' ');
}

/**
 * The raw (unprefixed) tool name: public names may be "server__tool"; the server is its own field.
 * Names without "__" (an empty prefix, a renamed tool) are already bare.
 */
export function bareToolName(name: string): string {
  const sep = name.lastIndexOf('__');
  return sep >= 0 ? name.slice(sep + 2) : name;
}

function bareName(tool: SearchableTool): string {
  return bareToolName(tool.name);
}

export function toolFields(tool: SearchableTool, cache?: TermMemo, gloss = true): Record<ToolField, string[]> {
  const tokenize = (text: string, opts: TokenizeOptions = {}): string[] => tokenizeText(text, { ...opts, cache, gloss });
  return {
    // Names keep stop words: "get", "list", "show" are exactly what the name says it does.
    name: tokenize(bareName(tool), { keepStopWords: true }),
    title: tokenize(tool.title ?? ''),
    description: tokenize(tool.description ?? ''),
    params: tokenize(schemaText(tool.inputSchema).join(' ')),
    server: tokenize(serverText(tool)),
    tags: tokenize((tool.tags ?? []).join(' ')),
  };
}

/**
 * The distinct words of a tool's name, without stop words and without the joined form of a
 * camelCase name ("getStories" -> get, stori): what a query must mention to name the tool.
 */
export function nameWords(tool: SearchableTool, cache?: TermMemo, gloss = true): string[] {
  const spaced = bareName(tool).replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2');
  return [...new Set(tokenizeText(spaced, { cache, gloss }))];
}

/** The top-level required argument names of a tool's input schema. */
export function requiredParams(schema: unknown): string[] {
  if (schema === null || typeof schema !== 'object') return [];
  const required = (schema as Record<string, unknown>)['required'];
  return Array.isArray(required) ? required.filter((r): r is string => typeof r === 'string') : [];
}
