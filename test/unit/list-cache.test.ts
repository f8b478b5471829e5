import { readdirSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ListCache, listingsDir, type Listing } from '../../src/backends/list-cache.js';
import { makeServerConfig } from '../../src/config/defaults.js';
import { stateDir } from '../../src/util/state-dir.js';

const server = makeServerConfig('git hub', { kind: 'stdio', command: 'npx', args: ['-y', 'server-github'], env: { TOKEN: 'x' }, cwd: '/w' }, { lazy: true });

function listing(tools: number, tag = 't'): Listing {
  return {
    handshake: { protocolVersion: '2025-06-18', capabilities: { tools: {} }, serverInfo: { name: 'gh', version: '1' }, instructions: 'Use it.' },
    lists: {
      tools: Array.from({ length: tools }, (_, i) => ({ name: `${tag}${i}`, description: 'x'.repeat(200), inputSchema: { type: 'object' as const } })),
      prompts: [],
      resources: [],
      resourceTemplates: [],
    },
  };
}

describe('ListCache', () => {
  let dir: string;
  let cache: ListCache;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sb-list-cache-'));
    cache = new ListCache(join(dir, 'listings'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('round-trips a listing, in one file named after the server and a hash of what it runs', async () => {
    expect(await cache.read(server)).toBeUndefined();
    await cache.write(server, listing(2));
    expect(await cache.read(server)).toEqual(listing(2));
    expect(readdirSync(cache.dir)).toEqual([cache.pathFor(server).slice(cache.dir.length + 1)]);
    expect(cache.pathFor(server)).toMatch(/\/listings\/git_hub-[0-9a-f]{16}\.json$/);
  });

  it('keys on command, args, cwd and url, not on env or the other options', async () => {
    await cache.write(server, listing(1));
    const withArgs = { ...server, target: { ...server.target, args: ['-y', 'server-github@2'] } };
    const withCwd = { ...server, target: { ...server.target, cwd: '/elsewhere' } };
    const withEnv = { ...server, target: { ...server.target, env: { TOKEN: 'y' } }, timeoutMs: 5 };
    expect(cache.pathFor(withArgs)).not.toBe(cache.pathFor(server));
    expect(cache.pathFor(withCwd)).not.toBe(cache.pathFor(server));
    expect(await cache.read(withArgs)).toBeUndefined();
    expect(cache.pathFor(withEnv)).toBe(cache.pathFor(server));
    expect(await cache.read(withEnv)).toEqual(listing(1));
    const remote = makeServerConfig('r', { kind: 'http', url: 'https://a.example/mcp', headers: {} });
    expect(cache.pathFor(remote)).not.toBe(cache.pathFor({ ...remote, target: { kind: 'http', url: 'https://b.example/mcp', headers: {} } }));
  });

  it('ignores a corrupt file, another format, or a file left by a different server', async () => {
    await cache.write(server, listing(1));
    const path = cache.pathFor(server);
    const body = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    await writeFile(path, '{"format":1,"lists":');
    expect(await cache.read(server)).toBeUndefined();
    await writeFile(path, JSON.stringify({ ...body, format: 2 }));
    expect(await cache.read(server)).toBeUndefined();
    await writeFile(path, JSON.stringify({ ...body, identity: { command: 'other', args: [], cwd: null } }));
    expect(await cache.read(server)).toBeUndefined();
    await writeFile(path, JSON.stringify({ ...body, lists: { tools: [] } }));
    expect(await cache.read(server)).toBeUndefined();
  });

  it('leaves one whole listing and no temp file after concurrent writes', async () => {
    const versions = Array.from({ length: 8 }, (_, i) => listing(500, `v${i}-`));
    await Promise.all(versions.map((v) => cache.write(server, v)));
    expect(versions).toContainEqual(await cache.read(server));
    expect(readdirSync(cache.dir)).toEqual([cache.pathFor(server).slice(cache.dir.length + 1)]);
  });

  it('writes a new file and renames it over the old one (a new inode each time), never in place', async () => {
    await cache.write(server, listing(1, 'a'));
    const before = (await stat(cache.pathFor(server))).ino;
    await cache.write(server, listing(1, 'b'));
    expect((await stat(cache.pathFor(server))).ino).not.toBe(before);
    expect((await cache.read(server))?.lists.tools[0]?.name).toBe('b0');
  });

  it('save() queues writes so the last listing saved is the one that stays', async () => {
    const errors: unknown[] = [];
    for (let i = 0; i < 5; i++) cache.save(server, listing(1, `s${i}-`), (err) => errors.push(err));
    await cache.saved();
    expect(errors).toEqual([]);
    expect((await cache.read(server))?.lists.tools.map((t) => t.name)).toEqual(['s4-0']);
  });
});

describe('state directory', () => {
  it('is $SWITCHBOARD_STATE_DIR, else $XDG_STATE_HOME/mcp-switchboard (absolute only), else the platform default', () => {
    expect(stateDir({ SWITCHBOARD_STATE_DIR: '/s', XDG_STATE_HOME: '/x' }, 'linux', '/home/u')).toBe('/s');
    expect(stateDir({ XDG_STATE_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/mcp-switchboard');
    expect(stateDir({ XDG_STATE_HOME: 'relative/dir' }, 'linux', '/home/u')).toBe('/home/u/.local/state/mcp-switchboard');
    expect(stateDir({}, 'linux', '/home/u')).toBe('/home/u/.local/state/mcp-switchboard');
    expect(stateDir({}, 'darwin', '/Users/u')).toBe('/Users/u/Library/Application Support/mcp-switchboard');
    expect(listingsDir('/x/mcp-switchboard')).toBe('/x/mcp-switchboard/listings');
  });
});
