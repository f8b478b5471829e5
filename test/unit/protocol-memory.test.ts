import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ProtocolMemory, stateDirectory } from '../../src/backends/protocol-memory.js';
import type { ServerTarget } from '../../src/config/types.js';

const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'sb-pm-'));
  dirs.push(d);
  return d;
};
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

const stdio = (args: string[], env: Record<string, string> = {}): ServerTarget => ({ kind: 'stdio', command: 'node', args, env, cwd: '/srv' });

describe('stateDirectory', () => {
  it('prefers SWITCHBOARD_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state', () => {
    expect(stateDirectory({ SWITCHBOARD_STATE_DIR: '/s', XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/s');
    expect(stateDirectory({ XDG_STATE_HOME: '/x' }, '/home/u')).toBe('/x/mcp-switchboard');
    expect(stateDirectory({}, '/home/u')).toBe('/home/u/.local/state/mcp-switchboard');
  });
});

describe('ProtocolMemory', () => {
  it('remembers per server identity: env does not change it, args do', async () => {
    const memory = new ProtocolMemory(join(tempDir(), 'nested'));
    await memory.remember('a', stdio(['a.js'], { TOKEN: 'one' }), '2026-07-28');
    expect(await memory.recall(stdio(['a.js'], { TOKEN: 'two' }))).toBe('2026-07-28');
    expect(await memory.recall(stdio(['b.js']))).toBeUndefined();
    expect(memory.fileFor(stdio(['a.js']))).toMatch(/\/protocol-[0-9a-z]{12}\.json$/);
    const record = JSON.parse(readFileSync(memory.fileFor(stdio(['a.js'])), 'utf8'));
    expect(record).toMatchObject({ era: '2026-07-28', server: 'a' });
    await memory.remember('a', stdio(['a.js']), '2025-11-25');
    expect(await memory.recall(stdio(['a.js']))).toBe('2025-11-25');
  });

  it('ignores a file it cannot use', async () => {
    const memory = new ProtocolMemory(tempDir());
    const target: ServerTarget = { kind: 'http', url: 'http://h/mcp', headers: {} };
    writeFileSync(memory.fileFor(target), '{"era":"1999-01-01"}');
    expect(await memory.recall(target)).toBeUndefined();
    writeFileSync(memory.fileFor(target), 'not json');
    expect(await memory.recall(target)).toBeUndefined();
  });
});
