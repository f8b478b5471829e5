/**
 * Workspaces over HTTP: /w/NAME/mcp (Streamable HTTP) and /w/NAME/sse + /w/NAME/message (legacy
 * SSE) serve workspace NAME; listen.path serves the default. A URL is an explicit choice, so roots
 * do not move those sessions elsewhere. An unknown NAME gets a 404 naming the workspaces that exist,
 * after the bearer-token check, so only authorized clients learn the names; with listen.auth, only
 * those its claims allow, and a workspace they do not allow gets 403.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transport } from '@modelcontextprotocol/server';
import type { ListenConfig } from '../config/types.js';
import type { FrontSession } from '../front/session.js';
import type { CatalogView } from '../catalog/view.js';
import { sendHttpError } from '../errors/index.js';
import type { Logger } from '../log.js';
import type { Workspaces } from '../workspace/workspaces.js';
import { createGuards, principalOf } from './http-guards.js';
import type { AccessTokens } from './access-tokens.js';
import type { Principal } from '../util/principal.js';
import { SseFront } from './sse-front.js';

const WORKSPACE_PATH = /^\/w\/([^/]+)\/(mcp|sse|message)$/;

function parseWorkspacePath(pathname: string): { name: string; endpoint: 'mcp' | 'sse' | 'message' } | undefined {
  const m = WORKSPACE_PATH.exec(pathname);
  if (!m) return undefined;
  try {
    return { name: decodeURIComponent(m[1]!), endpoint: m[2] as 'mcp' | 'sse' | 'message' };
  } catch {
    return undefined;
  }
}

export interface WorkspaceHttpOptions {
  workspaces: Workspaces;
  listen: ListenConfig;
  log: Logger;
  connect: (transport: Transport, view: CatalogView, principal?: Principal) => Promise<FrontSession>;
  /** The access-token verifier shared by the port's fronts (listen.auth). */
  tokens?: AccessTokens;
}

export class WorkspaceHttp {
  private readonly sse = new Map<string, SseFront>();
  private readonly guards;

  constructor(private readonly options: WorkspaceHttpOptions) {
    this.guards = createGuards({ listen: options.listen, ...(options.tokens && { tokens: options.tokens }) });
  }

  /** HttpFront's `route`: the view of a Streamable HTTP path, or undefined when it is not one. */
  readonly route = (pathname: string): { view: (principal?: Principal) => CatalogView } | undefined => {
    const { workspaces } = this.options;
    if (pathname === this.options.listen.path) return { view: (principal) => workspaces.initialView(principal) };
    const parsed = parseWorkspacePath(pathname);
    // extraRoute answered unknown and forbidden names before this runs.
    if (parsed?.endpoint !== 'mcp' || workspaces.pathRefusal(parsed.name)) return undefined;
    return { view: (principal) => workspaces.pathView(parsed.name, principal) };
  };

  /** An HttpFront extra route: 404 for unknown workspaces, and the per-workspace legacy SSE endpoints. */
  readonly extraRoute = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const parsed = parseWorkspacePath(url.pathname);
    if (!parsed) return false;
    if (!(await this.guards.auth(req, res))) return true;
    const refusal = this.options.workspaces.pathRefusal(parsed.name, principalOf(req));
    if (refusal) {
      sendHttpError(res, refusal);
      return true;
    }
    if (parsed.endpoint === 'mcp') return false;
    return this.sseFront(parsed.name).route(req, res, url);
  };

  async close(): Promise<void> {
    await Promise.all([...this.sse.values()].map((f) => f.close()));
  }

  private sseFront(name: string): SseFront {
    let front = this.sse.get(name);
    if (!front) {
      const base = `/w/${encodeURIComponent(name)}`;
      front = new SseFront({
        listen: this.options.listen,
        log: this.options.log,
        ssePath: `${base}/sse`,
        messagePath: `${base}/message`,
        connect: (t, principal) => this.options.connect(t, this.options.workspaces.pathView(name, principal), principal),
        ...(this.options.tokens && { tokens: this.options.tokens }),
      });
      this.sse.set(name, front);
    }
    return front;
  }
}
