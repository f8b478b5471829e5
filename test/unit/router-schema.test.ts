/**
 * router.schema.json: generated from the zod schema (never hand-written), shipped so editors can
 * validate router.yaml by a relative path, equal to `switchboard schema`, accepting every shipped
 * config and rejecting broken ones.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { schemaText } from '../../src/cli/schema.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SHIPPED = ['router.yaml', ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`)];
const shipped = readFileSync(join(ROOT, 'router.schema.json'), 'utf8');
const validate = new Ajv({ strict: true, allErrors: true, allowUnionTypes: true }).compile(JSON.parse(shipped));

describe('router.schema.json', () => {
  it('is exactly what `switchboard schema` prints (regenerate: node dist/cli/main.js schema > router.schema.json)', () => {
    expect(shipped).toBe(schemaText());
  });

  it.each(SHIPPED)('%s points at it and validates against it', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const rel = file.startsWith('examples/') ? '../router.schema.json' : './router.schema.json';
    expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${rel}`);
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it('accepts ${VAR} text where the loader converts numbers and booleans, and scalars as env values', () => {
    const ok = { servers: { a: { command: 'x', env: { PORT: 8080, DEBUG: true }, timeout: '${T:-5000}', enabled: '${ON:-true}' } }, listen: { port: '${PORT:-8765}' } };
    expect(validate(ok), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['a misspelt field', { servers: { a: { command: 'x', tmeout: 5 } } }, '/servers/a', 'must NOT have additional properties'],
    ['an unknown transport', { servers: { a: { url: 'https://x/mcp', type: 'websocket' } } }, '/servers/a/type', 'must be equal to one of the allowed values'],
    ['no servers', { listen: { port: 1 } }, '', "must have required property 'servers'"],
    ['a port out of range', { servers: {}, listen: { port: 70000 } }, '/listen/port', 'must be <= 65535'],
  ])('rejects %s', (_, config, path, message) => {
    expect(validate(config)).toBe(false);
    expect(validate.errors!.some((e: ErrorObject) => e.instancePath === path && e.message === message), JSON.stringify(validate.errors)).toBe(true);
  });

  it('carries the defaults, so an editor can show what an omitted field means', () => {
    const schema = JSON.parse(shipped);
    const server = schema.properties.servers.additionalProperties.properties;
    expect(server.timeout.default).toBe(60000);
    expect(server.enabled.default).toBe(true);
    expect(schema.properties.listen.properties.port.default).toBe(8765);
  });
});
