/**
 * The stdio paths of the router bench, each to the same server-everything: the SDK client straight
 * to the server, through a bare byte relay (the floor of one extra Node process), through the router
 * as a 2025-era session, and through the same router as a 2026-07-28 client (stateless, the _meta
 * envelope on every request; only for the kinds listed). Each open() spawns a fresh process tree and
 * gives a CPU probe over it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { CpuProbe } from './harness.js';
import { treeCpu } from './proc-cpu.js';
import type { PathNames } from './request-kinds.js';

export type PathId = 'direct' | 'relay' | 'router' | 'router-2026';

export interface StdioPath {
  id: PathId;
  label: string;
  command: string;
  args: string[];
  names: PathNames;
  /** A 2026-07-28 client (SDK v2 pinned to it) instead of a plain 2025 session. */
  modern?: boolean;
  /** The request kinds measured on this path (default: all). */
  kinds?: readonly string[];
}

export interface OpenPath {
  client: Client;
  /**
   * CPU seconds by role: `hop` is the relay or router process (absent for direct), `server` the
   * server-everything process, `client` this bench process.
   */
  probe: CpuProbe;
  close(): Promise<void>;
}

const PLAIN_NAMES: PathNames = { echoTool: 'echo', simplePrompt: 'simple-prompt' };
const ROUTED_NAMES: PathNames = { echoTool: 'everything__echo', simplePrompt: 'everything__simple-prompt' };

/** The paths in the order each round runs them; `root` is the repository (dist/ must be built). */
export function stdioPaths(root: string): StdioPath[] {
  const node = process.execPath;
  const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
  const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  const config = join(dir, 'router.yaml');
  writeFileSync(config, `servers:\n  everything:\n    command: ${JSON.stringify(node)}\n    args: [${JSON.stringify(everything)}, stdio]\nlogLevel: warn\n`);
  return [
    { id: 'direct', label: 'direct: SDK client -> server-everything', command: node, args: [everything, 'stdio'], names: PLAIN_NAMES },
    { id: 'relay', label: 'floor: bare Node byte relay', command: node, args: [join(root, 'bench/bare-relay.mjs'), node, everything, 'stdio'], names: PLAIN_NAMES },
    {
      id: 'router',
      label: 'switchboard router (stdio front, stdio backend)',
      command: node,
      args: [join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--log-level', 'warn'],
      names: ROUTED_NAMES,
    },
    {
      id: 'router-2026',
      label: 'switchboard router, 2026-07-28 client (stdio front, stdio backend)',
      command: node,
      args: [join(root, 'dist/cli/main.js'), 'serve', '--config', config, '--log-level', 'warn'],
      names: ROUTED_NAMES,
      modern: true,
      // The era comparison is about the plain call; the other kinds would only lengthen the run.
      kinds: ['tools-call'],
    },
  ];
}

export async function openPath(path: StdioPath): Promise<OpenPath> {
  const transport = new StdioClientTransport({ command: path.command, args: path.args, stderr: 'ignore' });
  // Pinned to 2026-07-28, the SDK probes with server/discover on a throwaway sibling process, then
  // sends every request with the envelope to a router that never sees initialize.
  const client = new Client({ name: 'bench', version: '1' }, path.modern ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {});
  await client.connect(transport);
  const pid = transport.pid;
  const probe: CpuProbe = (): Record<string, number> => {
    const tree = pid === null ? undefined : treeCpu(pid);
    const own = process.cpuUsage();
    const client = (own.user + own.system) / 1e6;
    // Direct has no hop: the spawned process is the server itself.
    if (path.id === 'direct') return { server: tree?.root ?? NaN, client };
    return { hop: tree?.root ?? NaN, server: tree?.descendants ?? NaN, client };
  };
  return { client, probe, close: () => client.close() };
}
