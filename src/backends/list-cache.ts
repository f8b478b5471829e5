/**
 * The on-disk cache of a lazy backend's last successful listing (tools, prompts, resources,
 * templates, and the handshake that came with them), so the router can list a lazy server without
 * starting it. One JSON file per server in listings/ under the state directory (util/state-dir.ts:
 * $XDG_STATE_HOME/mcp-switchboard, else ~/.local/state/mcp-switchboard), named after the server and
 * a hash of what it runs: a changed command, argument, working directory or URL is a different
 * server, whose old listing is never used.
 *
 * Writes are atomic (a temp file in the same directory, then rename), so a reader, a second router,
 * or a crash mid-write sees the old listing or the new one, never half of one.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ServerConfig } from '../config/types.js';
import { stateDir } from '../util/state-dir.js';
import type { Handshake } from './handshake.js';
import { LIST_KINDS, type BackendLists } from './lists.js';

const FORMAT = 1;

export interface Listing {
  lists: BackendLists;
  handshake: Handshake;
}

interface CacheFile {
  format: number;
  server: string;
  identity: Record<string, unknown>;
  savedAt: string;
  handshake: Handshake;
  lists: BackendLists;
}

/** Where listings live under a state directory. */
export function listingsDir(state: string = stateDir()): string {
  return join(state, 'listings');
}

/** What makes a server "the same server" for its cached listing. */
export function serverIdentity(server: ServerConfig): Record<string, unknown> {
  const t = server.target;
  return t.kind === 'stdio' ? { command: t.command, args: t.args, cwd: t.cwd ?? null } : { url: t.url };
}

export class ListCache {
  private saving: Promise<void> = Promise.resolve();

  constructor(readonly dir: string = listingsDir()) {}

  /** write(), queued behind earlier saves so the last listing is the one that stays; never rejects. */
  save(server: ServerConfig, listing: Listing, onError: (err: unknown) => void): void {
    this.saving = this.saving.then(() => this.write(server, listing).catch(onError));
  }

  /** Resolves when every save so far is on disk (or has failed). */
  saved(): Promise<void> {
    return this.saving;
  }

  pathFor(server: ServerConfig): string {
    const hash = createHash('sha256').update(JSON.stringify(serverIdentity(server))).digest('hex').slice(0, 16);
    return join(this.dir, `${server.name.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)}-${hash}.json`);
  }

  /** The cached listing, or undefined when there is none (or it is unreadable, or for another server). */
  async read(server: ServerConfig): Promise<Listing | undefined> {
    let file: Partial<CacheFile>;
    try {
      file = JSON.parse(await readFile(this.pathFor(server), 'utf8')) as Partial<CacheFile>;
    } catch {
      return undefined;
    }
    if (file.format !== FORMAT || JSON.stringify(file.identity) !== JSON.stringify(serverIdentity(server))) return undefined;
    const lists = file.lists;
    if (!lists || !LIST_KINDS.every((k) => Array.isArray(lists[k])) || typeof file.handshake?.capabilities !== 'object') return undefined;
    return { lists, handshake: file.handshake };
  }

  async write(server: ServerConfig, listing: Listing): Promise<void> {
    const path = this.pathFor(server);
    const body: CacheFile = {
      format: FORMAT,
      server: server.name,
      identity: serverIdentity(server),
      savedAt: new Date().toISOString(),
      handshake: listing.handshake,
      lists: listing.lists,
    };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await writeFile(temp, `${JSON.stringify(body)}\n`, { mode: 0o600 });
      await rename(temp, path);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}
