/**
 * Argument parsing on node:util's parseArgs in strict mode: an unknown flag or a missing value is a
 * usage error that names the flag and points at --help, never silently ignored.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { SwitchboardError } from '../errors/index.js';

export type Options = NonNullable<ParseArgsConfig['options']>;

export function parseFlags<O extends Options>(command: string, argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals });
  } catch (err) {
    const message = err instanceof Error ? err.message.replace(/\. To specify a positional argument.*$/s, '') : String(err);
    throw new SwitchboardError('SB_USAGE', `${command}: ${message}. Run "switchboard ${command} --help" for the flags.`);
  }
}

export function parsePort(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new SwitchboardError('SB_USAGE', `${flag}: expected a port number 0-65535, got "${value}"`);
  return port;
}

export function oneOf<T extends string>(value: string | undefined, allowed: readonly T[], flag: string): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new SwitchboardError('SB_USAGE', `${flag}: expected one of ${allowed.join(', ')}, got "${value}"`);
  return value as T;
}

function usage(message: string): never {
  throw new SwitchboardError('SB_USAGE', message);
}

export function parsePositiveInt(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) usage(`${flag}: expected a positive whole number, got "${value}"`);
  return n;
}

export function parsePath(value: string, flag: string): string {
  if (!value.startsWith('/')) usage(`${flag}: expected a path starting with "/", got "${value}"`);
  return value;
}

/** --cors values: `*` (or the bare flag) allows any origin, else the listed origins exactly. */
export function parseCors(values: string[] | undefined): { cors?: true | string[] } {
  if (!values?.length) return {};
  if (values.includes('*')) return { cors: true };
  const regex = values.find((o) => /^\/.*\/$/.test(o));
  if (regex) usage(`--cors: regular expressions such as ${regex} are not supported; list each allowed origin (e.g. --cors https://app.example.com)`);
  return { cors: values };
}
