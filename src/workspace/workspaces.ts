/**
 * The workspaces of one router: built from router.yaml (and again on each reload), asked for a view
 * whenever a session opens (by flag/env, by URL path, by default) or a client's roots change.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Catalog } from '../catalog/catalog.js';
import type { CursorCodec } from '../catalog/cursor.js';
import type { RouterConfig, WorkspaceConfig } from '../config/types.js';
import { SwitchboardError } from '../errors/index.js';
import { FullView, type CatalogView } from '../catalog/view.js';
import type { Logger } from '../log.js';
import { configWarnings } from './warnings.js';
import { selectWorkspace, unknownWorkspace, type Selection } from './select.js';
import type { UsageStore } from './usage.js';
import { Workspace } from './workspace.js';
import { WorkspaceView } from './workspace-view.js';

export interface WorkspacesOptions {
  catalog: Catalog;
  codec: CursorCodec;
  config: RouterConfig;
  log: Logger;
  usage: UsageStore;
  /** serve --workspace NAME */
  flag?: string;
  /** $SWITCHBOARD_WORKSPACE */
  env?: string;
}

export class Workspaces {
  // Replaced whole by reload(), never edited in place: a view built before a reload keeps the
  // Workspace it was built on until refreshView() gives its session a new one.
  private byName = new Map<string, Workspace>();
  /** A workspace fixed for every session by flag or env; undefined when sessions choose. */
  private fixed?: Selection;
  private rootsChoose = false;
  private config: RouterConfig;

  constructor(private readonly options: WorkspacesOptions) {
    this.config = options.config;
    this.apply(options.config, new Map());
  }

  /**
   * Take a reloaded config. A workspace whose definition, servers and search settings are all
   * unchanged keeps its Workspace (its sessions keep their views). Throws, changing nothing, when the
   * workspace fixed by --workspace or $SWITCHBOARD_WORKSPACE is missing from the new config.
   */
  reload(config: RouterConfig): void {
    const keep = isDeepStrictEqual(scopeInputs(this.config), scopeInputs(config)) ? this.byName : new Map<string, Workspace>();
    this.apply(config, keep);
    this.config = config;
  }

  private apply(config: RouterConfig, keep: ReadonlyMap<string, Workspace>): void {
    const chosen = selectWorkspace(config.workspaces, { flag: this.options.flag, env: this.options.env });
    const { catalog, usage } = this.options;
    const byName = new Map<string, Workspace>();
    for (const ws of config.workspaces) {
      const old = keep.get(ws.name);
      byName.set(ws.name, old && isDeepStrictEqual(old.config, ws) ? old : new Workspace(ws, { catalog, servers: config.servers, search: config.search, usage }));
    }
    this.byName = byName;
    this.fixed = chosen.source === 'flag' || chosen.source === 'env' ? chosen : undefined;
    this.rootsChoose = config.workspaces.some((w) => w.roots?.length);
  }

  /**
   * After reload(): the view a session moves to, or undefined when its view is still current. A
   * changed workspace gives a new view of itself (chosen the same way, with the same roots); a
   * removed one falls back to the view a new session would start with.
   */
  refreshView(view: CatalogView): CatalogView | undefined {
    if (!(view instanceof WorkspaceView)) return undefined;
    const current = this.byName.get(view.name);
    if (current === view.workspace) return undefined;
    if (!current) return this.initialView();
    return view.selectByRoots ? this.implicitView(view.name, view.roots) : this.explicitView(view.name, view.roots);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /** The view a new session starts with: the fixed workspace, else the default one (roots may change it). */
  initialView(): CatalogView {
    if (this.fixed?.name) return this.explicitView(this.fixed.name);
    return this.implicitView(selectWorkspace(this.configs(), {}).name);
  }

  /** The view of /w/NAME/...: that workspace, unless flag or env fixed another for the whole process. */
  pathView(name: string): CatalogView {
    const refusal = this.pathRefusal(name);
    if (refusal) throw refusal;
    return this.explicitView(name);
  }

  /** Why /w/NAME/... is not served (unknown, or another workspace is fixed), or undefined. Builds no view. */
  pathRefusal(name: string): SwitchboardError | undefined {
    if (this.fixed?.name && this.fixed.name !== name) {
      return new SwitchboardError('SB_UNKNOWN_WORKSPACE', `this router serves only workspace "${this.fixed.name}" (set by ${this.fixed.source === 'flag' ? '--workspace' : '$SWITCHBOARD_WORKSPACE'})`);
    }
    return this.byName.has(name) ? undefined : unknownWorkspace(name, 'the URL path', this.names());
  }

  /** Each workspace with the tools a new client of it is listed now (the status page shows them). */
  listings(): Array<{ name: string; tools: string[] }> {
    return this.names().map((name) => ({ name, tools: this.explicitView(name).toolNames() }));
  }

  /** Log what in the workspaces matches nothing: called once backends are up, when names exist. */
  warnConfig(): void {
    for (const ws of this.byName.values()) {
      for (const w of configWarnings(ws, this.config.servers)) this.options.log.warn({ field: w.path }, `${w.path}: ${w.message}`);
    }
  }

  close(): void {
    this.options.usage.close();
  }

  private configs(): WorkspaceConfig[] {
    return this.config.workspaces;
  }

  private explicitView(name: string, roots?: readonly string[]): WorkspaceView {
    return new WorkspaceView(this.byName.get(name)!, { codec: this.options.codec, pageSize: this.config.pageSize, ...(roots && { roots }) });
  }

  private implicitView(name: string | undefined, roots?: readonly string[]): CatalogView {
    const select = this.rootsChoose ? (uris: readonly string[]) => this.forRoots(uris, name ?? '') : undefined;
    const { catalog, codec } = this.options;
    const config = this.config;
    if (name === undefined) return new FullView(catalog, codec, config.pageSize, select);
    return new WorkspaceView(this.byName.get(name)!, { codec, pageSize: config.pageSize, ...(roots && { roots }), ...(select && { selectByRoots: select }) });
  }

  /** The view the client's roots select, or undefined when that is the workspace it already has. */
  private forRoots(uris: readonly string[], current: string): CatalogView | undefined {
    const chosen = selectWorkspace(this.configs(), { roots: uris });
    if ((chosen.name ?? '') === current) return undefined;
    this.options.log.info({ workspace: chosen.name ?? '(all)', source: chosen.source }, 'workspace chosen by the client roots');
    return this.implicitView(chosen.name, uris);
  }
}

/** What every Workspace is built on besides its own definition: a change here rebuilds them all. */
function scopeInputs(config: RouterConfig): unknown {
  return { search: config.search, servers: config.servers.map((s) => [s.name, s.enabled, s.tags, s.description]) };
}
