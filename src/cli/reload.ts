/**
 * Reloading router.yaml in a running `serve` (on --watch file changes and on SIGHUP): read and
 * validate the whole file first, so a broken config changes nothing and the old one keeps serving;
 * then hand the servers to the router and the workspaces to Workspaces, and say in one line what
 * happened. Reloads never overlap: a request during one runs once more after it.
 */
import { loadConfig } from '../config/index.js';
import { diffConfig, formatReloadSummary, formatRestartField, liveConfig, nothingChanged } from '../config/diff.js';
import type { SecretRedactor } from '../config/redact.js';
import type { RouterConfig } from '../config/types.js';
import type { Router } from '../router.js';
import type { Workspaces } from '../workspace/workspaces.js';

export type ReloadTrigger = 'watch' | 'SIGHUP';

export interface ConfigReloaderOptions {
  /** The config file's absolute path (as loaded at start-up). */
  path: string;
  env: NodeJS.ProcessEnv;
  /** Command-line flags over the file's settings, exactly as at start-up. */
  withFlags: (config: RouterConfig) => RouterConfig;
  router: Router;
  workspaces: Workspaces;
  /** One line to stderr. */
  write: (line: string) => void;
  /** Logs, errors and the status page hide every secret value of each config loaded, from the moment it is read. */
  secrets?: readonly SecretRedactor[];
  /** Refuses a config the running fronts could not honour (throws), as at start-up. */
  check?: (config: RouterConfig) => void;
}

export class ConfigReloader {
  private running?: Promise<void>;
  private pending?: ReloadTrigger;
  private closed = false;

  constructor(private readonly options: ConfigReloaderOptions) {}

  /** Reload now, or once more right after the reload in progress. Never rejects. */
  request(trigger: ReloadTrigger): Promise<void> {
    if (this.closed) return Promise.resolve();
    if (this.running) {
      // A signal outranks a file event: it always reports, even when nothing changed.
      if (this.pending !== 'SIGHUP') this.pending = trigger;
      return this.running;
    }
    this.running = this.reload(trigger).finally(() => {
      this.running = undefined;
      const next = this.pending;
      this.pending = undefined;
      if (next) void this.request(next);
    });
    return this.running;
  }

  private async reload(trigger: ReloadTrigger): Promise<void> {
    const { path, router, workspaces, write } = this.options;
    let next: RouterConfig;
    try {
      next = this.options.withFlags((await loadConfig({ path, env: this.options.env, cwd: process.cwd() })).config);
    } catch (err) {
      // The loader's own message: every problem, each naming its field, as at start-up.
      write(`mcp-switchboard: reload failed; still serving the previous config. ${message(err)}`);
      return;
    }
    // Before anything can print them: a new backend's start-up, a refusal message quoting the file.
    for (const secrets of this.options.secrets ?? []) secrets.add(next);
    const diff = diffConfig(router.config, next);
    const live = liveConfig(router.config, next);
    // Editors and sync tools touch files without changing them: only a signal reports a no-op.
    if (trigger === 'watch' && nothingChanged(diff)) return;
    try {
      if (this.closed) return;
      this.options.check?.(live);
      workspaces.reload(live);
      await router.reload(live, (view) => workspaces.refreshView(view));
    } catch (err) {
      write(`mcp-switchboard: reload failed; still serving the previous config. ${message(err)}`);
      return;
    }
    write(`mcp-switchboard: reloaded ${path} (${trigger}): ${formatReloadSummary(diff)}`);
    for (const field of diff.restartNeeded) write(`mcp-switchboard: ${path}: ${formatRestartField(field)}`);
  }

  /** Stop reloading (shutdown); resolves when a reload in progress is over. */
  async close(): Promise<void> {
    this.closed = true;
    await this.running;
  }
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
