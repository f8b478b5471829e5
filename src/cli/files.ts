/** File reads and writes for the config-editing commands: clear not-found errors, and a backup before any overwrite. */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { SwitchboardError } from '../errors/index.js';

/** The file's text, or undefined when it does not exist. */
export async function readIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new SwitchboardError('SB_CONFIG_INVALID', `cannot read ${path}: ${(err as Error).message}`, { cause: err });
  }
}

export async function readRequired(path: string, what: string): Promise<string> {
  const text = await readIfExists(path);
  if (text === undefined) throw new SwitchboardError('SB_CONFIG_NOT_FOUND', `${what} ${path} does not exist`);
  return text;
}

/** `2026-05-04T10-11-12-345Z`: sortable, and legal in file names on every OS. */
export function backupStamp(now: Date): string {
  return now.toISOString().replace(/[:.]/g, '-');
}

/**
 * Write `text` to `path`, first copying an existing file to `<path>.<stamp>.bak`. Returns the
 * backup's path, if one was made.
 */
export async function writeWithBackup(path: string, text: string, now: Date): Promise<string | undefined> {
  const exists = (await readIfExists(path)) !== undefined;
  const backup = exists ? `${path}.${backupStamp(now)}.bak` : undefined;
  if (backup) await copyFile(path, backup);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, text);
  return backup;
}
