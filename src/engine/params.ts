/**
 * Decoding a request's params: by hand, by shape, with one readable sentence naming the field when
 * something is wrong (a zod issue dump is not a message a person or a model can act on). Cheap
 * enough for the per-request path.
 */
import { SwitchboardError } from '../errors/index.js';

export type Params = Record<string, unknown>;

/** What a value is, in words, for error messages. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  if (typeof value === 'object') return 'an object';
  return `${typeof value === 'number' ? 'a number' : `a ${typeof value}`} (${String(value)})`;
}

export function invalidParams(message: string): SwitchboardError {
  return new SwitchboardError('SB_INVALID_PARAMS', message);
}

function isObject(value: unknown): value is Params {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A request's params: an object, or absent (read as {}). Arrays, strings and null are refused. */
export function decodeParams(method: string, raw: unknown): Params {
  if (raw === undefined) return {};
  if (isObject(raw)) return raw;
  throw invalidParams(`${method}: params must be an object, got ${describe(raw)}`);
}

export function requireString(params: Params, field: string, method: string): string {
  const value = params[field];
  if (typeof value !== 'string' || value === '') throw invalidParams(`${method}: params.${field} must be a non-empty string, got ${value === undefined ? 'nothing' : describe(value)}`);
  return value;
}

export function optionalString(params: Params, field: string, method: string): string | undefined {
  const value = params[field];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParams(`${method}: params.${field} must be a string, got ${describe(value)}`);
  return value;
}

export function optionalObject(params: Params, field: string, method: string): Params | undefined {
  const value = params[field];
  if (value === undefined) return undefined;
  if (!isObject(value)) throw invalidParams(`${method}: params.${field} must be an object, got ${describe(value)}`);
  return value;
}
