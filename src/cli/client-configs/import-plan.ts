/**
 * A whole client file converted: the servers that convert, the ones that cannot (with why), and
 * the report lines both `import` and `install --replace` print to stderr.
 */
import { basename } from 'node:path';
import { convertServer, SecretNames, type ConvertedServer, type NeededVariable } from './convert.js';
import { FORMAT_LABEL, type ClientFile } from './formats.js';

export interface ImportPlan {
  servers: ConvertedServer[];
  failed: Array<{ name: string; reason: string }>;
}

export function planImport(client: ClientFile, sourcePath: string, only?: (name: string) => boolean): ImportPlan {
  const ctx = { inputs: client.inputs, names: new SecretNames(), source: basename(sourcePath) };
  const plan: ImportPlan = { servers: [], failed: [] };
  for (const [name, entry] of client.servers) {
    if (only && !only(name)) continue;
    const result = convertServer(name, entry, ctx);
    if (result.ok) plan.servers.push(result);
    else plan.failed.push({ name: result.name, reason: result.reason });
  }
  return plan;
}

/** Variables the imported servers need, one per name, in first-use order. */
export function requiredVariables(servers: readonly ConvertedServer[]): NeededVariable[] {
  const seen = new Map<string, NeededVariable>();
  for (const v of servers.flatMap((s) => s.variables)) if (v.required && !seen.has(v.name)) seen.set(v.name, v);
  return [...seen.values()];
}

/** The stderr report: what was imported, what to set, what has no equivalent, what was skipped. */
export function importReport(client: ClientFile, sourcePath: string, plan: ImportPlan, added: readonly string[], clashes: readonly string[], target: string): string[] {
  const lines = [`imported ${added.length} of ${client.servers.length} servers from ${sourcePath} (${FORMAT_LABEL[client.format]})${added.length ? `: ${added.join(', ')}` : ''}`];
  for (const name of clashes) lines.push(`  skipped servers.${name}: ${target} already has a server named "${name}"; kept that one, did not overwrite it`);
  for (const f of plan.failed) lines.push(`  not imported: servers.${f.name}: ${f.reason}`);
  const addedSet = new Set(added);
  const kept = plan.servers.filter((s) => addedSet.has(s.name));
  for (const d of kept.flatMap((s) => s.dropped)) lines.push(`  no equivalent: ${d}`);
  const vars = requiredVariables(kept);
  if (vars.length) {
    lines.push(`set these environment variables for "switchboard serve":`);
    for (const v of vars) lines.push(`  ${v.name}  (${v.where}${v.note ? `; ${v.note}` : ''})`);
  }
  return lines;
}
