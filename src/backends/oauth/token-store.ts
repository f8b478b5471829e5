/**
 * What the router keeps per OAuth-protected backend: its client registration, its tokens and the
 * discovery it did, in one JSON file under the state directory. The file is keyed by server name
 * AND url, so pointing a server entry at another URL never sends the old server's token to the new
 * one. Written atomically (temp file + rename) with mode 0600 in a 0700 directory: a crash mid-write
 * never leaves a half file, and no other user can read the tokens.
 */
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { OAuthDiscoveryState, StoredOAuthClientInformation, StoredOAuthTokens } from '@modelcontextprotocol/client';
import type { JWK } from 'jose';
import { shortHash } from '../../util/short-hash.js';

export interface OAuthRecord {
  server: string;
  url: string;
  client?: StoredOAuthClientInformation;
  tokens?: StoredOAuthTokens;
  /** When `tokens` were saved (ms since epoch): with expires_in, when the access token expires. */
  tokensSavedAt?: number;
  discovery?: OAuthDiscoveryState;
  /** Scope a server asked for (step-up) that the next `switchboard login` must request too. */
  wantedScope?: string;
  /** The private key DPoP-bound tokens are bound to (`dpop: true`). */
  dpopKey?: StoredDpopKey;
}

/** A DPoP private key (ES256, as a JWK with `d`) that tokens in the same record are bound to. */
export interface StoredDpopKey {
  alg: 'ES256';
  privateJwk: JWK;
}

export class OAuthTokenStore {
  readonly file: string;

  constructor(
    readonly dir: string,
    readonly server: string,
    readonly url: string,
  ) {
    const safe = server.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64);
    this.file = join(dir, 'oauth', `${safe}-${shortHash(`${server}\n${url}`, 12)}.json`);
  }

  /** Undefined when there is no file yet (never logged in, or logged out). */
  async read(): Promise<OAuthRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const record = JSON.parse(text) as OAuthRecord;
    // A file for another server/url (hash collision, hand edit) is not ours to use.
    return record.server === this.server && record.url === this.url ? record : undefined;
  }

  /** Read, change, write back. Not locked across processes: `login` and `serve` rarely write at once. */
  async update(change: (record: OAuthRecord) => OAuthRecord | void): Promise<OAuthRecord> {
    const current = (await this.read()) ?? { server: this.server, url: this.url };
    const next = change(current) ?? current;
    await this.write(next);
    return next;
  }

  async write(record: OAuthRecord): Promise<void> {
    const dir = join(this.dir, 'oauth');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const temp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temp, JSON.stringify(record, null, 2) + '\n', { mode: 0o600, flag: 'wx' });
      // The mode given to writeFile is filtered by umask; tokens must be 0600 whatever it is.
      await chmod(temp, 0o600);
      await rename(temp, this.file);
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }

  /** True when there was something to remove. */
  async remove(): Promise<boolean> {
    const existed = (await this.read()) !== undefined;
    await rm(this.file, { force: true });
    return existed;
  }
}
