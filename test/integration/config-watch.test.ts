/** ConfigWatcher on a real file: in-place writes and editor-style renames, a burst made one call. */
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigWatcher } from '../../src/cli/config-watch.js';
import { tempDir } from '../helpers/cli.js';
import { eventually } from '../helpers/eventually.js';

const DEBOUNCE_MS = 100;

describe('ConfigWatcher', () => {
  let tmp: ReturnType<typeof tempDir>;
  let path: string;
  let calls = 0;
  let watcher: ConfigWatcher;

  beforeEach(() => {
    tmp = tempDir('sb-watch-');
    path = tmp.write('router.yaml', 'servers: {}\n');
    calls = 0;
    watcher = new ConfigWatcher(path, () => void calls++, { debounceMs: DEBOUNCE_MS });
  });

  afterEach(() => {
    watcher.close();
    tmp.remove();
  });

  /** No further call within a few debounce periods (the only way to see that a burst made just one). */
  const settled = () => sleep(DEBOUNCE_MS * 4);

  it('makes one call of a burst of in-place writes', async () => {
    for (let i = 0; i < 5; i++) writeFileSync(path, `servers: {}\n# ${i}\n`);
    await eventually(() => calls > 0, { what: 'the first call' });
    await settled();
    expect(calls).toBe(1);
  });

  it('keeps hearing the file after editors replace it by rename, again and again', async () => {
    for (let round = 1; round <= 3; round++) {
      const next = tmp.write('.router.yaml.tmp', `servers: {}\n# round ${round}\n`);
      renameSync(next, path);
      await eventually(() => calls === round, { what: `the call for rename ${round}` });
    }
    writeFileSync(path, 'servers: {}\n# in place after renames\n');
    await eventually(() => calls === 4, { what: 'the call for the in-place write' });
    await settled();
    expect(calls).toBe(4);
  });

  it('ignores other files in the directory, and hears the file come back after a delete', async () => {
    tmp.write('other.yaml', 'x: 1\n');
    await settled();
    expect(calls).toBe(0);
    rmSync(path);
    await eventually(() => calls === 1, { what: 'the call for the delete' });
    tmp.write('router.yaml', 'servers: {}\n# back\n');
    await eventually(() => calls === 2, { what: 'the call for the new file' });
  });

  it('makes no call after close', async () => {
    watcher.close();
    writeFileSync(path, 'servers: {}\n# closed\n');
    await settled();
    expect(calls).toBe(0);
  });
});
