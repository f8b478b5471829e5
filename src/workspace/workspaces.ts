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
import type { Principal } from '../util/principal.js';
import { allowsPrincipal, anyRestricted } from './allow.js';
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
    const { principal } = view;
    const current = this.byName.get(view.name);
    const stillAllowed = current !== undefined && allowsPrincipal(current.config.allow, principal);
    if (stillAllowed && current === view.workspace) return undefined;
    if (!stillAllowed) {
      // The session's claims lost this workspace (or it is gone): where a new session of the same
      // client would start, and when that is nowhere, a view of nothing rather than of too much.
      try {
        return this.initialView(principal);
      } catch {
        return this.noAccessView(principal!);
      }
    }
    return view.selectByRoots ? this.implicitView(view.name, view.roots, principal) : this.explicitView(view.name, view.roots, principal);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  /**
   * The view a new session starts with: the fixed workspace, else the default one (roots may change
   * it). With a principal and any workspace restricted by `allow`, only allowed workspaces count:
   * "default" if allowed, else the first allowed in file order; none allowed throws 403.
   */
  initialView(principal?: Principal): CatalogView {
    if (this.fixed?.name) {
      const refusal = this.forbidden(this.fixed.name, principal);
      if (refusal) throw refusal;
      return this.explicitView(this.fixed.name, undefined, principal);
    }
    return this.implicitView(this.choose(principal), undefined, principal);
  }

  /** The view of /w/NAME/...: that workspace, unless flag or env fixed another for the whole process. */
  pathView(name: string, principal?: Principal): CatalogView {
    const refusal = this.pathRefusal(name, principal);
    if (refusal) throw refusal;
    return this.explicitView(name, undefined, principal);
  }

  /** Why /w/NAME/... is not served (unknown, another workspace is fixed, not allowed), or undefined. Builds no view. */
  pathRefusal(name: string, principal?: Principal): SwitchboardError | undefined {
    if (this.fixed?.name && this.fixed.name !== name) {
      return new SwitchboardError('SB_UNKNOWN_WORKSPACE', `this router serves only workspace "${this.fixed.name}" (set by ${this.fixed.source === 'flag' ? '--workspace' : '$SWITCHBOARD_WORKSPACE'})`);
    }
    // A client learns only the names its claims allow.
    if (!this.byName.has(name)) return unknownWorkspace(name, 'the URL path', this.allowedConfigs(principal).map((w) => w.name));
    return this.forbidden(name, principal);
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

  private explicitView(name: string, roots?: readonly string[], principal?: Principal): WorkspaceView {
    return new WorkspaceView(this.byName.get(name)!, { codec: this.options.codec, pageSize: this.config.pageSize, ...(roots && { roots }), ...(principal && { principal }) });
  }

  private implicitView(name: string | undefined, roots?: readonly string[], principal?: Principal): CatalogView {
    const select = this.rootsChoose ? (uris: readonly string[]) => this.forRoots(uris, name ?? '', principal) : undefined;
    const { catalog, codec } = this.options;
    const config = this.config;
    if (name === undefined) return new FullView(catalog, codec, config.pageSize, select);
    return new WorkspaceView(this.byName.get(name)!, { codec, pageSize: config.pageSize, ...(roots && { roots }), ...(select && { selectByRoots: select }), ...(principal && { principal }) });
  }

  /** The view the client's roots select, or undefined when that is the workspace it already has. */
  private forRoots(uris: readonly string[], current: string, principal?: Principal): CatalogView | undefined {
    const name = this.choose(principal, uris);
    if ((name ?? '') === current) return undefined;
    this.options.log.info({ workspace: name ?? '(all)' }, 'workspace chosen by the client roots');
    return this.implicitView(name, uris, principal);
  }

  /**
   * The workspace a session without an explicit choice gets: by roots, then "default", among the
   * workspaces the principal may use. Undefined means the whole catalog, which a principal never
   * gets while any workspace is restricted: it gets its first allowed workspace in file order.
   */
  private choose(principal: Principal | undefined, roots?: readonly string[]): string | undefined {
    const allowed = this.allowedConfigs(principal);
    const chosen = selectWorkspace(allowed, roots ? { roots } : {}).name;
    if (chosen !== undefined || !principal || !anyRestricted(this.configs())) return chosen;
    const first = allowed[0];
    if (!first) throw new SwitchboardError('SB_WORKSPACE_FORBIDDEN', `no workspace allows "${principal.sub}" (its groups and scopes): see workspaces.NAME.allow`);
    return first.name;
  }

  private allowedConfigs(principal: Principal | undefined): WorkspaceConfig[] {
    return this.configs().filter((w) => allowsPrincipal(w.allow, principal));
  }

  private forbidden(name: string, principal: Principal | undefined): SwitchboardError | undefined {
    if (allowsPrincipal(this.byName.get(name)?.config.allow, principal)) return undefined;
    return new SwitchboardError('SB_WORKSPACE_FORBIDDEN', `workspace "${name}" does not allow "${principal!.sub}": its token carries none of the sub, groups or scope in workspaces.${name}.allow`);
  }

  /** A view of nothing, for a session whose claims no longer allow any workspace after a reload. */
  private noAccessView(principal: Principal): WorkspaceView {
    const { catalog, usage } = this.options;
    const none = new Workspace({ name: '(none)', servers: [], include: [], exclude: [], pin: [], overrides: {} }, { catalog, servers: this.config.servers, search: this.config.search, usage });
    return new WorkspaceView(none, { codec: this.options.codec, pageSize: this.config.pageSize, principal });
  }
}

/** What every Workspace is built on besides its own definition: a change here rebuilds them all. */
function scopeInputs(config: RouterConfig): unknown {
  return { search: config.search, servers: config.servers.map((s) => [s.name, s.enabled, s.tags, s.description]) };
}
