/**
 * What `switchboard install` changes, computed without touching the disk: the client file with one
 * switchboard entry (replacing an earlier one of the same name, every other key kept), and with
 * --replace, which of the client's servers leave it and which of them router.yaml gains.
 */
import { basename } from 'node:path';
import type { Document } from 'yaml';
import { SwitchboardError } from '../errors/index.js';
import type { Client } from './client-configs/client-paths.js';
import { isRecord, recognise, type ClientFile } from './client-configs/formats.js';
import { planImport, type ImportPlan } from './client-configs/import-plan.js';
import { addServers } from './router-yaml.js';

export interface InstallRequest {
  client: Client;
  clientPath: string;
  /** The client file as parsed ({} when it does not exist yet). */
  clientJson: Record<string, unknown>;
  /** The entry's key, e.g. "switchboard". */
  name: string;
  entry: { command: string; args: string[] };
  /** Present with --replace: router.yaml, edited in place. */
  router?: Document;
}

export interface InstallPlan {
  clientJson: Record<string, unknown>;
  /** Client servers router.yaml already fronted (by name or same command+args/url): removed from the client. */
  fronted: string[];
  /** Client servers imported into router.yaml, then removed from the client. */
  imported: string[];
  /** Client servers left in place because they could not be converted. */
  kept: Array<{ name: string; reason: string }>;
  importPlan?: ImportPlan;
  clientFile?: ClientFile;
}

const sameJson = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** True when router.yaml already serves this client entry: same name, same command and args, or same url. */
function frontedBy(routerServers: Record<string, unknown>, name: string, entry: unknown): boolean {
  if (name in routerServers) return true;
  if (!isRecord(entry)) return false;
  return Object.values(routerServers).some((s) => {
    if (!isRecord(s)) return false;
    if (entry['url'] !== undefined) return s['url'] === entry['url'];
    return entry['command'] !== undefined && s['command'] === entry['command'] && sameJson(s['args'] ?? [], entry['args'] ?? []);
  });
}

export function planInstall(req: InstallRequest): InstallPlan {
  const key = req.client === 'vscode' ? 'servers' : 'mcpServers';
  const current = req.clientJson[key] ?? {};
  if (!isRecord(current)) throw new SwitchboardError('SB_CONFIG_INVALID', `${req.clientPath}: "${key}" is not an object; fix it before installing`);

  const plan: InstallPlan = { clientJson: {}, fronted: [], imported: [], kept: [] };
  const env: Record<string, string> = {};
  if (req.router) {
    const others = Object.entries(current).filter(([n]) => n !== req.name);
    const clientFile = others.length ? recognise({ ...req.clientJson, [key]: Object.fromEntries(others) }, req.clientPath) : undefined;
    const routerServers = (req.router.toJS() as { servers?: Record<string, unknown> } | null)?.servers ?? {};
    for (const [n, entry] of others) if (frontedBy(routerServers, n, entry)) plan.fronted.push(n);
    if (clientFile) {
      const importPlan = planImport(clientFile, req.clientPath, (n) => !plan.fronted.includes(n));
      plan.imported = addServers(req.router, importPlan.servers, basename(req.clientPath)).added;
      plan.kept = importPlan.failed;
      plan.importPlan = importPlan;
      plan.clientFile = clientFile;
      // The values the client held stay with the client: switchboard's entry passes them to serve.
      for (const v of importPlan.servers.flatMap((s) => s.variables)) {
        if (v.secret !== undefined) env[v.name] = v.secret;
        else if (v.input !== undefined) env[v.name] = `\${input:${v.input}}`;
      }
    }
  }

  const leaving = new Set([...plan.fronted, ...plan.imported]);
  const previous = current[req.name];
  const previousEnv = isRecord(previous) && isRecord(previous['env']) ? previous['env'] : {};
  const mergedEnv = { ...previousEnv, ...env };
  const entry = {
    ...(req.client === 'vscode' ? { type: 'stdio' } : {}),
    ...req.entry,
    ...(Object.keys(mergedEnv).length ? { env: mergedEnv } : {}),
  };
  const servers: Record<string, unknown> = {};
  for (const [n, value] of Object.entries(current)) {
    if (leaving.has(n)) continue;
    servers[n] = n === req.name ? entry : value;
  }
  if (!(req.name in servers)) servers[req.name] = entry;
  plan.clientJson = { ...req.clientJson, [key]: servers };
  return plan;
}
