/**
 * Turns a failed backend start into one sentence a user can act on: what failed, the config field to
 * look at, and the last words the server wrote to stderr.
 */
import type { ServerConfig } from '../config/types.js';
import { stripSdkPrefix } from '../errors/index.js';
import type { TransportKind } from './transport-factory.js';

export function describeStartFailure(server: ServerConfig, kind: TransportKind, err: unknown, stderr: readonly string[]): string {
  const code = (err as { code?: unknown })?.code;
  const message = err instanceof Error ? stripSdkPrefix(err.message) : String(err);
  const field = `servers.${server.name}`;
  const tail = stderr.length ? `; its stderr ended with: ${stderr.slice(-3).join(' | ').slice(0, 400)}` : '';
  const target = server.target;
  if (target.kind === 'stdio') {
    if (code === 'ENOENT') return `command "${target.command}" was not found (${field}.command): install it or give its full path`;
    if (code === 'EACCES') return `command "${target.command}" is not executable (${field}.command)`;
    if (code === 'ENOENT_CWD' || /spawn .* ENOENT/.test(message)) return `could not start "${target.command}" in ${target.cwd ?? 'the current directory'} (${field}.cwd)`;
    if (/closed|exited|EPIPE/i.test(message)) return `the process exited during the MCP handshake${tail || ' without writing anything to stderr'} (${field}.command/args)`;
    return `${message}${tail}`;
  }
  const via = kind === 'sse' ? 'legacy SSE' : 'Streamable HTTP';
  if (/ECONNREFUSED|fetch failed|ENOTFOUND|EAI_AGAIN/i.test(message + String((err as { cause?: unknown })?.cause ?? ''))) {
    return `${via}: cannot reach ${target.url} (${field}.url): is the server running?`;
  }
  if (/\b401\b|\b403\b|unauthorized/i.test(message)) return `${via}: ${target.url} refused our credentials (${field}.headers): ${message}`;
  return `${via}: ${message} (${field}.url)`;
}
