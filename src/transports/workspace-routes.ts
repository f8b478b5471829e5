/**
 * Workspaces over HTTP: /w/NAME/mcp (Streamable HTTP) and /w/NAME/sse + /w/NAME/message (legacy
 * SSE) serve workspace NAME; listen.path serves the default. A URL is an explicit choice, so roots
 * do not move those sessions elsewhere. An unknown NAME gets a 404 naming the workspaces that exist,
 * after the bearer-token check, so only authorized clients learn the names.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Transport } from '@modelcontextprotocol/server';
import type { ListenConfig } from '../config/types.js';
import type { FrontSession } from '../front/session.js';
import type { CatalogView } from '../catalog/view.js';
import { sendHttpError } from '../errors/index.js';
import type { Logger } from '../log.js';
import type { Workspaces } from '../workspace/workspaces.js';
import { createGuards } from './http-guards.js';
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
  connect: (transport: Transport, view: CatalogView) => Promise<FrontSession>;
}

export class WorkspaceHttp {
  private readonly sse = new Map<string, SseFront>();
  private readonly guards;

  constructor(private readonly options: WorkspaceHttpOptions) {
    this.guards = createGuards({ listen: options.listen });
  }

  /** HttpFront's `route`: the view of a Streamable HTTP path, or undefined when it is not one. */
  readonly route = (pathname: string): { view: () => CatalogView } | undefined => {
    const { workspaces } = this.options;
    if (pathname === this.options.listen.path) return { view: () => workspaces.initialView() };
    const parsed = parseWorkspacePath(pathname);
    // extraRoute answered unknown names before this runs.
    if (parsed?.endpoint !== 'mcp' || workspaces.pathRefusal(parsed.name)) return undefined;
    return { view: () => workspaces.pathView(parsed.name) };
  };

  /** An HttpFront extra route: 404 for unknown workspaces, and the per-workspace legacy SSE endpoints. */
  readonly extraRoute = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> => {
    const parsed = parseWorkspacePath(url.pathname);
    if (!parsed) return false;
    const refusal = this.options.workspaces.pathRefusal(parsed.name);
    if (refusal) {
      if (this.guards.auth(req, res)) sendHttpError(res, refusal);
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
        connect: (t) => this.options.connect(t, this.options.workspaces.pathView(name)),
      });
      this.sse.set(name, front);
    }
    return front;
  }
}
