/**
 * Watching router.yaml for `serve --watch`. Editors save in one of two ways: writing the file in
 * place (a change event on the file), or writing a temporary file and renaming it over the old one
 * (the watched inode is gone, so a watch on the file alone goes deaf after the first save). So the
 * directory is watched too, for events naming the file, and the file's own watch is renewed after
 * every change. One save often makes several events: they become one call after a quiet spell.
 */
import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export const WATCH_DEBOUNCE_MS = 200;

export interface ConfigWatcherOptions {
  debounceMs?: number;
  /** A watch that failed (the directory went away, too many watches): the caller logs it. */
  onError?: (err: Error) => void;
}

export class ConfigWatcher {
  private readonly dirWatcher: FSWatcher;
  private fileWatcher?: FSWatcher;
  private timer?: NodeJS.Timeout;
  private closed = false;

  constructor(
    private readonly path: string,
    private readonly onChange: () => void,
    private readonly options: ConfigWatcherOptions = {},
  ) {
    const name = basename(path);
    // Not persistent: watching must never be what keeps the process alive after shutdown.
    this.dirWatcher = watch(dirname(path), { persistent: false }, (_event, file) => {
      // Some platforms do not say which file: then any event in the directory may be ours.
      if (file === null || file === name) this.changed();
    });
    this.dirWatcher.on('error', (err) => options.onError?.(err));
    this.watchFile();
  }

  private watchFile(): void {
    this.fileWatcher?.close();
    this.fileWatcher = undefined;
    try {
      const watcher = watch(this.path, { persistent: false }, () => this.changed());
      watcher.on('error', () => watcher.close());
      this.fileWatcher = watcher;
    } catch {
      // The file is missing for the moment (between an editor's unlink and rename): the directory
      // watch sees it come back, and the next change renews this watch.
    }
  }

  private changed(): void {
    if (this.closed) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      if (this.closed) return;
      this.watchFile();
      this.onChange();
    }, this.options.debounceMs ?? WATCH_DEBOUNCE_MS);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.fileWatcher?.close();
    this.dirWatcher.close();
  }
}
