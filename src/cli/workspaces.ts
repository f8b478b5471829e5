/**
 * The workspaces of the config for a command that serves or reads the catalog, with --workspace
 * (else $SWITCHBOARD_WORKSPACE) fixing one for every client: the same selection for serve, tools
 * and call.
 */
import { SwitchboardError } from '../errors.js';
import type { Logger } from '../log.js';
import type { Router } from '../router.js';
import { usageFilePath, UsageStore } from '../workspace/usage.js';
import { Workspaces } from '../workspace/workspaces.js';

export function createWorkspaces(router: Router, log: Logger, flag: string | undefined): Workspaces {
  const usage = new UsageStore(usageFilePath(process.env), { log });
  try {
    return new Workspaces({ catalog: router.catalog, codec: router.cursorCodec, config: router.config, log, usage, flag, env: process.env.SWITCHBOARD_WORKSPACE });
  } catch (err) {
    usage.close();
    // A name given on the command line or in the environment that the config lacks is a usage error.
    if (err instanceof SwitchboardError && err.code === 'SB_UNKNOWN_WORKSPACE') throw new SwitchboardError('SB_USAGE', err.message);
    throw err;
  }
}
