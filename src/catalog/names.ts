/**
 * Public names for tools and prompts: `<prefix><separator><name>`, always matching PUBLIC_NAME_PATTERN.
 *
 * Claude and most clients reject names outside ^[A-Za-z0-9_-]{1,64}$ (the spec allows more), so every
 * name that would break that rule is shortened deterministically: a readable head plus `-` and a stable
 * hash of the ORIGINAL string (util/short-hash.ts), so names are the same across restarts and machines.
 */
import { DEFAULT_SEPARATOR } from '../config/defaults.js';
import { shortHash, withHashSuffix } from '../util/short-hash.js';

export const PUBLIC_NAME_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_PUBLIC_NAME_LENGTH = 64;
const INVALID_RUN = /[^A-Za-z0-9_-]+/g;

/** The joined original `<prefix><separator><name>`, or `<name>` alone when the prefix is empty. */
function joinOriginal(prefix: string, separator: string, name: string): string {
  return prefix === '' ? name : `${prefix}${separator}${name}`;
}

/**
 * The public name for `name` of a backend with `prefix`. Valid joined names pass through unchanged;
 * anything else gets a head (invalid runs -> `_`) plus `-<hash of the original>`, so two different
 * originals never share a public name (short of a sha256 collision on 41 bits).
 */
export function publicName(prefix: string, separator: string, name: string): string {
  const original = joinOriginal(prefix, separator, name);
  if (PUBLIC_NAME_PATTERN.test(original)) return original;
  return withHashSuffix(original.replace(INVALID_RUN, '_'), shortHash(original), MAX_PUBLIC_NAME_LENGTH);
}

export interface NameOwner {
  server: string;
  name: string;
}

export interface NameEntry extends NameOwner {
  publicName: string;
}

interface ServerNames {
  prefix: string;
  separator: string;
  names: string[];
}

/** Code-unit order: identical on every machine and locale, unlike localeCompare. */
function compareOwners(a: NameOwner, b: NameOwner): number {
  if (a.server !== b.server) return a.server < b.server ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

/**
 * The public-name mapping of one kind (tools or prompts) across all servers.
 *
 * Collision rule (a public name never has two owners): the assignment is a function of the SET of
 * (server, name) pairs, never of insertion order, so restarts and reconnects give the same names.
 *  1. Every pair computes its base name with publicName().
 *  2. Pairs sharing a base are sorted by (server, name) in code-unit order; the first keeps the base.
 *  3. Every other pair, again in that order, takes `<head>-<hash(server, name, attempt)>` for
 *     attempt = 1, 2, ... until the result is free. All base names are reserved before step 3, so a
 *     disambiguated name never steals a name that some pair computes naturally.
 * Consequence: adding or removing a server can rename another server's entries, but only those that
 * collide with it; changedByLastUpdate() lists such servers so callers can re-announce their lists.
 */
export class NameTable {
  readonly #separator: string;
  readonly #servers = new Map<string, ServerNames>();
  #byPublic = new Map<string, NameOwner>();
  #byServer = new Map<string, Map<string, string>>();
  #changed: string[] = [];

  constructor(separator: string = DEFAULT_SEPARATOR) {
    this.#separator = separator;
  }

  /** Replace the names of `server`; returns original -> public for that server. */
  setServer(server: string, prefix: string, names: readonly string[], separator = this.#separator): Map<string, string> {
    this.#servers.set(server, { prefix, separator, names: [...new Set(names)] });
    this.#rebuild(server);
    return new Map(this.#byServer.get(server));
  }

  /** Forget a server (Router.reload, via Catalog.removeServer); others may get back their plain names. */
  removeServer(server: string): boolean {
    if (!this.#servers.delete(server)) return false;
    this.#rebuild(server);
    return true;
  }

  resolve(publicName: string): NameOwner | undefined {
    const owner = this.#byPublic.get(publicName);
    return owner ? { ...owner } : undefined;
  }

  publicFor(server: string, name: string): string | undefined {
    return this.#byServer.get(server)?.get(name);
  }

  /** Servers other than the one just set whose public names changed in the last update. */
  changedByLastUpdate(): string[] {
    return [...this.#changed];
  }

  /** Servers in code-unit order; each server's names in the order it gave them. */
  entries(): NameEntry[] {
    const out: NameEntry[] = [];
    for (const server of [...this.#byServer.keys()].sort()) {
      for (const [name, pub] of this.#byServer.get(server) ?? []) out.push({ publicName: pub, server, name });
    }
    return out;
  }

  #rebuild(updated: string): void {
    const owners: Array<NameOwner & { base: string; head: string }> = [];
    for (const [server, { prefix, separator, names }] of this.#servers) {
      for (const name of names) {
        const original = joinOriginal(prefix, separator, name);
        const head = original.replace(INVALID_RUN, '_');
        owners.push({ server, name, base: publicName(prefix, separator, name), head });
      }
    }
    owners.sort(compareOwners);

    const byPublic = new Map<string, NameOwner>();
    const losers: typeof owners = [];
    for (const o of owners) {
      if (byPublic.has(o.base)) losers.push(o);
      else byPublic.set(o.base, { server: o.server, name: o.name });
    }
    const assigned = new Map<NameOwner, string>();
    for (const o of losers) {
      let candidate: string;
      let attempt = 1;
      do {
        candidate = withHashSuffix(o.head, shortHash(`${o.server}\u0000${o.name}\u0000${attempt++}`), MAX_PUBLIC_NAME_LENGTH);
      } while (byPublic.has(candidate));
      byPublic.set(candidate, { server: o.server, name: o.name });
      assigned.set(o, candidate);
    }

    const pubOf = new Map<string, Map<string, string>>();
    for (const o of owners) {
      let m = pubOf.get(o.server);
      if (!m) pubOf.set(o.server, (m = new Map()));
      m.set(o.name, assigned.get(o) ?? o.base);
    }
    const byServer = new Map<string, Map<string, string>>();
    for (const [server, { names }] of this.#servers) {
      byServer.set(server, new Map(names.map((n) => [n, pubOf.get(server)?.get(n) ?? n])));
    }

    this.#changed = [...byServer.keys()].filter((s) => {
      const before = this.#byServer.get(s);
      if (s === updated || !before) return false;
      for (const [n, p] of byServer.get(s) ?? []) if (before.get(n) !== p) return true;
      return false;
    });
    this.#byPublic = byPublic;
    this.#byServer = byServer;
  }
}

