/**
 * The workspaces of the config for a command that serves or reads the catalog, with --workspace
 * (else $SWITCHBOARD_WORKSPACE) fixing one for every client: the same selection for serve, tools
 * and call. Loaded on demand: serve starts its backends first and loads this while they start.
 */
import { SwitchboardError } from '../errors/index.js';
import type { Logger } from '../log.js';
import type { Router } from '../router.js';
import type { Workspaces } from '../workspace/workspaces.js';
import type { UsageShare } from '../workspace/usage.js';

/** `share`: a replica of a cluster ranks tools by the whole cluster's usage. */
export async function createWorkspaces(router: Router, log: Logger, flag: string | undefined, share?: UsageShare): Promise<Workspaces> {
  const [{ usageFilePath, UsageStore }, { Workspaces }] = await Promise.all([import('../workspace/usage.js'), import('../workspace/workspaces.js')]);
  const usage = new UsageStore(usageFilePath(process.env), { log, ...(share && { share }) });
  try {
    return new Workspaces({ catalog: router.catalog, codec: router.cursorCodec, config: router.config, log, usage, flag, env: process.env.SWITCHBOARD_WORKSPACE });
  } catch (err) {
    usage.close();
    // A name given on the command line or in the environment that the config lacks is a usage error.
    if (err instanceof SwitchboardError && err.code === 'SB_UNKNOWN_WORKSPACE') throw new SwitchboardError('SB_USAGE', err.message);
    throw err;
  }
}
