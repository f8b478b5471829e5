/**
 * The human-readable start-up summary on stderr: which backends came up over which transport with
 * how many tools, and which failed and why. Written for the person reading Claude Desktop's log.
 */
import type { Backend } from '../backends/backend.js';

function formatBackendLine(backend: Backend, nameWidth: number): string {
  const name = backend.name.padEnd(nameWidth);
  const transport = (backend.transportKind ?? kindOf(backend)).padEnd(5);
  switch (backend.state) {
    case 'ready':
      return `  up    ${name}  ${transport}  ${listCounts(backend)}`;
    case 'idle':
      return `  idle  ${name}  ${transport}  ${listCounts(backend)} (lazy: starts on first use)`;
    case 'starting':
      return `  ...   ${name}  ${transport}  still starting; its tools will appear when it is up`;
    case 'failed':
      return `  FAILED ${name}  ${transport}  ${backend.lastError ?? 'unknown error'} (not retrying until the config is reloaded)`;
    default:
      // Retrying will not help until someone logs in; then the next retry picks the tokens up.
      if (backend.lastError?.startsWith('needs login:')) return `  LOGIN ${name}  ${transport}  ${backend.lastError}`;
      return `  DOWN  ${name}  ${transport}  ${backend.lastError ?? 'unknown error'} (retrying)`;
  }
}

function listCounts(backend: Backend): string {
  const l = backend.lists;
  const parts = [`${l.tools.length} tools`];
  if (l.prompts.length) parts.push(`${l.prompts.length} prompts`);
  if (l.resources.length) parts.push(`${l.resources.length} resources`);
  if (l.resourceTemplates.length) parts.push(`${l.resourceTemplates.length} templates`);
  return parts.join(', ');
}

function kindOf(backend: Backend): string {
  const target = backend.config.target;
  // An OAuth backend without `type` is only tried over Streamable HTTP (transport-factory.ts).
  if (target.kind === 'auto') return target.oauth ? 'http' : 'http?';
  return target.kind;
}

export function formatSummary(backends: readonly Backend[], configPath: string | undefined): string {
  const width = Math.max(4, ...backends.map((b) => b.name.length));
  const up = backends.filter((b) => b.state === 'ready');
  const idle = backends.filter((b) => b.state === 'idle');
  // An idle lazy backend's tools are listed (from its cache) and callable: they count.
  const tools = [...up, ...idle].reduce((n, b) => n + b.toolCount, 0);
  const idleText = idle.length ? `, ${idle.length} idle (lazy)` : '';
  const head = `mcp-switchboard: ${up.length}/${backends.length} backends up${idleText}, ${tools} tools${configPath ? ` (config: ${configPath})` : ''}`;
  if (backends.length === 0) return `${head}\n  no servers configured: add some under "servers:" in the config`;
  return [head, ...backends.map((b) => formatBackendLine(b, width))].join('\n');
}
