/**
 * Every network front on one port: Streamable HTTP (HttpFront, which owns the node:http server,
 * health endpoints and the Host/Origin/CORS guards), legacy HTTP+SSE as its extra route, and
 * WebSocket on its upgrade event. `serve` and `bridge` both build their listeners here, so a guard
 * or limit added once applies to every output.
 */
import type { ListenConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Router } from '../router.js';
import type { ConnectSession } from './front-connect.js';
import { HttpFront } from './http-front.js';
import { sendJsonRpcError } from './http-util.js';
import { SseFront } from './sse-front.js';
import { WsFront } from './ws-front.js';

export interface NetworkFrontsOptions {
  /** Serves the default views; sessions open through `connect` when given, else router.connect. */
  router: Router;
  listen: ListenConfig;
  log: Logger;
  connect?: ConnectSession;
  /** Streamable HTTP on listen.path (default true). */
  streamableHttp?: boolean;
  sse?: { ssePath: string; messagePath: string; baseUrl?: string };
  /** WebSocket upgrades on this path (may equal listen.path: upgrades and plain requests never mix). */
  wsPath?: string;
  /** Added to every HTTP response (supergateway's --header in stdio-input modes). */
  responseHeaders?: Record<string, string>;
}

export interface FrontUrls {
  streamableHttp?: string;
  sse?: string;
  ws?: string;
}

export class NetworkFronts {
  readonly http: HttpFront;
  private sse?: SseFront;
  private ws?: WsFront;

  constructor(private readonly options: NetworkFrontsOptions) {
    const { router, listen, log } = options;
    const connect = options.connect ?? ((t) => router.connect(t));
    const streamable = options.streamableHttp ?? true;
    this.http = new HttpFront({
      router,
      listen,
      log,
      ...(streamable ? {} : { route: () => undefined }),
      ...(options.connect ? { connect: (t) => options.connect!(t) } : {}),
    });
    const headers = Object.entries(options.responseHeaders ?? {});
    if (headers.length) {
      this.http.extraRoutes.push((_req, res) => {
        for (const [k, v] of headers) res.setHeader(k, v);
        return false;
      });
    }
    if (options.sse) {
      this.sse = new SseFront({ listen, log, connect, ...options.sse });
      this.http.extraRoutes.push(this.sse.route);
    }
    if (options.wsPath) this.ws = new WsFront({ listen, log, connect, path: options.wsPath, server: this.http.httpServer });
    if (!streamable) {
      // Without Streamable HTTP, HttpFront's own 404 would point at a path we do not serve.
      const served = [options.sse && `GET ${options.sse.ssePath} (SSE)`, options.wsPath && `${options.wsPath} (WebSocket)`].filter(Boolean).join(', ');
      this.http.extraRoutes.push((_req, res) => {
        sendJsonRpcError(res, 404, -32601, `Not found: MCP is served at ${served}`);
        return true;
      });
    }
  }

  /** Start listening; resolves with the URL of each enabled front. */
  async listen(): Promise<FrontUrls> {
    const mcpUrl = new URL(await this.http.listen());
    const origin = mcpUrl.origin;
    const urls: FrontUrls = {};
    if (this.options.streamableHttp ?? true) urls.streamableHttp = mcpUrl.href;
    if (this.options.sse) urls.sse = `${origin}${this.options.sse.ssePath}`;
    if (this.options.wsPath) urls.ws = `${origin.replace(/^http/, 'ws')}${this.options.wsPath}`;
    return urls;
  }

  get port(): number {
    return this.http.port;
  }


  async close(): Promise<void> {
    await Promise.all([this.ws?.close(), this.sse?.close()]);
    await this.http.close();
  }
}

export interface AttachedFronts {
  urls: FrontUrls;
  close(): Promise<void>;
}

/**
 * `serve --transport sse|ws`: the legacy SSE front (/sse + /message) or the WebSocket front (on
 * listen.path, beside Streamable HTTP) added to an HttpFront that serve built itself. Streamable HTTP
 * stays on, so one port serves old and new clients alike.
 */
export function attachFronts(http: HttpFront, kind: 'sse' | 'ws', opts: { listen: ListenConfig; log: Logger; connect: ConnectSession }): AttachedFronts {
  const origin = () => `http://${opts.listen.host.includes(':') ? `[${opts.listen.host}]` : opts.listen.host}:${http.port}`;
  if (kind === 'sse') {
    const sse = new SseFront({ ...opts, ssePath: LEGACY_SSE_PATH, messagePath: LEGACY_MESSAGE_PATH });
    // First look, so a workspace or catch-all route cannot shadow the legacy paths.
    http.extraRoutes.unshift(sse.route);
    return { get urls() { return { sse: `${origin()}${LEGACY_SSE_PATH}` }; }, close: () => sse.close() };
  }
  const ws = new WsFront({ ...opts, path: opts.listen.path, server: http.httpServer });
  return { get urls() { return { ws: `${origin().replace(/^http/, 'ws')}${opts.listen.path}` }; }, close: () => ws.close() };
}

export const LEGACY_SSE_PATH = '/sse';
export const LEGACY_MESSAGE_PATH = '/message';
