/**
 * The instructions a client gets: the backends' own, each under its server's name, so a model knows
 * whose advice it reads. Only the servers the client's view draws on: a workspace is a boundary for
 * what it says, too.
 */
import type { Backend } from '../backends/backend.js';
import type { CatalogView } from '../catalog/view.js';

export function mergedInstructions(backends: Iterable<Backend>, view: CatalogView, separator: string): string | undefined {
  const parts: string[] = [];
  for (const backend of backends) {
    if (view.includesServer?.(backend.name) === false) continue;
    const text = backend.instructions;
    const naming = backend.config.prefix === '' ? 'tools keep their own names' : `tools prefixed "${backend.config.prefix}${separator}"`;
    if (text) parts.push(`## ${backend.name} (${naming})\n${text}`);
  }
  return parts.length ? parts.join('\n\n') : undefined;
}
