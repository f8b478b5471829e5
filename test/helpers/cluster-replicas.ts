/**
 * Router replicas for cluster tests: `serve --http` processes of the built CLI sharing one router.yaml
 * with a `cluster:` section (a real redis-server, one secret), each with its own id, port and state
 * dir. Ports are chosen before start so each replica can advertise the address the others reach it at.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { spawnCli, type CliProcess } from './cli.js';
import { freePort } from './redis-server.js';

export const CLUSTER_SECRET = 'test-cluster-secret-0123456789abcdef0123';
const LISTENING = /mcp-switchboard listening on (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/;

export interface Replica {
  id: string;
  /** The MCP endpoint. */
  url: string;
  /** http://127.0.0.1:PORT */
  base: string;
  cli: CliProcess;
}

/** The `cluster:` section: replica id and advertised address come from each process's environment. */
export function clusterSection(redisUrl: string): string {
  return `cluster:\n  redis: ${JSON.stringify(redisUrl)}\n  secret: \${SB_CLUSTER_SECRET}\n  replicaId: \${SB_REPLICA_ID}\n  advertiseUrl: \${SB_ADVERTISE_URL}\n`;
}

/** Start one replica of `config` (which holds clusterSection()); resolves once its front listens. */
export async function startReplica(id: string, config: string, stateRoot: string, extraArgs: string[] = []): Promise<Replica> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const stateDir = join(stateRoot, id);
  mkdirSync(stateDir, { recursive: true });
  const cli = spawnCli(['serve', '--http', '--port', String(port), '--config', config, ...extraArgs], {
    env: { ...process.env, SB_CLUSTER_SECRET: CLUSTER_SECRET, SB_REPLICA_ID: id, SB_ADVERTISE_URL: base, SWITCHBOARD_STATE_DIR: stateDir },
  });
  const url = (await cli.waitForStderr(LISTENING, 30_000))[1]!;
  await cli.waitForStderr(new RegExp(`replica ${id} of the cluster`), 10_000);
  return { id, url, base, cli };
}
