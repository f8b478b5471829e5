/**
 * What `protocol: auto` found out about each server, kept across restarts so the probe runs once:
 * a stdio server of the 2025 era that ignores server/discover costs the probe's whole timeout, every
 * start, unless the answer is remembered.
 *
 * One small file per server in the state directory, named by a hash of what identifies the server
 * (command, args and cwd; or URL): renaming a server keeps its memory, changing what runs does not.
 * Writes are atomic (temp file + rename), so a crash never leaves half a file to misread.
 */
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ServerTarget } from '../config/types.js';
import type { ProtocolEra } from '../rpc/envelope.js';
import { shortHash } from '../util/short-hash.js';

const ERAS: readonly string[] = ['2026-07-28', '2025-11-25'];

/** $SWITCHBOARD_STATE_DIR, else $XDG_STATE_HOME/mcp-switchboard, else ~/.local/state/mcp-switchboard. */
export function stateDirectory(env: NodeJS.ProcessEnv = process.env, home: string = homedir()): string {
  if (env.SWITCHBOARD_STATE_DIR) return env.SWITCHBOARD_STATE_DIR;
  return join(env.XDG_STATE_HOME || join(home, '.local', 'state'), 'mcp-switchboard');
}

/** What makes two configs the same server; env is left out (it changes secrets, not the server). */
function identity(target: ServerTarget): string {
  if (target.kind === 'stdio') return JSON.stringify(['stdio', target.command, target.args, target.cwd ?? '']);
  return JSON.stringify(['remote', target.url]);
}

export interface RememberedProtocol {
  era: ProtocolEra;
  server: string;
  detectedAt: string;
}

export class ProtocolMemory {
  constructor(readonly directory: string) {}

  fileFor(target: ServerTarget): string {
    return join(this.directory, `protocol-${shortHash(identity(target), 12)}.json`);
  }

  /** The era found last time, or undefined (never probed, unreadable, or not a file we wrote). */
  async recall(target: ServerTarget): Promise<ProtocolEra | undefined> {
    try {
      const data = JSON.parse(await readFile(this.fileFor(target), 'utf8')) as Partial<RememberedProtocol>;
      return typeof data.era === 'string' && ERAS.includes(data.era) ? data.era : undefined;
    } catch {
      return undefined;
    }
  }

  async remember(server: string, target: ServerTarget, era: ProtocolEra): Promise<void> {
    const file = this.fileFor(target);
    const record: RememberedProtocol = { era, server, detectedAt: new Date().toISOString() };
    await mkdir(this.directory, { recursive: true });
    const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, 'utf8');
    await rename(temp, file);
  }
}
