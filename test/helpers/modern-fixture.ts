/**
 * Backend configs for the protocol-era tests: the 2026-capable fixtures over stdio, and the
 * hand-written 2025 server that crashes on, ignores, or refuses server/discover.
 */
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeServerConfig, type ServerOptions } from '../../src/config/defaults.js';
import type { ServerConfig } from '../../src/config/types.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const MODERN_MAIN = fileURLToPath(new URL('../fixtures/modern-server-main.ts', import.meta.url));
const MODERN_CONFORMANCE_MAIN = fileURLToPath(new URL('../fixtures/modern-conformance-main.ts', import.meta.url));
const HOSTILE = fileURLToPath(new URL('../fixtures/probe-hostile-server.mjs', import.meta.url));
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export function modernStdioServer(name: string, opts: ServerOptions = {}): ServerConfig {
  return makeServerConfig(name, { kind: 'stdio', command: process.execPath, args: ['--import', TSX_LOADER, MODERN_MAIN, '--name', name, '--transport', 'stdio'], env: {}, cwd: ROOT }, opts);
}

/** The 2026-07-28 conformance fixture over stdio; `args` e.g. ['--ttl-ms', '5000', '--cache-scope', 'public']. */
export function modernConformanceServer(name: string, args: string[] = [], opts: ServerOptions = {}): ServerConfig {
  return makeServerConfig(name, { kind: 'stdio', command: process.execPath, args: ['--import', TSX_LOADER, MODERN_CONFORMANCE_MAIN, '--transport', 'stdio', ...args], env: {}, cwd: ROOT }, opts);
}

export function hostileServer(name: string, onDiscover: 'crash' | 'ignore' | 'error', spawnLog: string, opts: ServerOptions = {}): ServerConfig {
  return makeServerConfig(name, { kind: 'stdio', command: process.execPath, args: [HOSTILE, '--on-discover', onDiscover, '--spawn-log', spawnLog], env: {}, cwd: ROOT }, opts);
}
