/**
 * Every network front on one port: Streamable HTTP (HttpFront, which owns the node:http server,
 * health endpoints and the Host/Origin/CORS guards), legacy HTTP+SSE as its extra route, and
 * WebSocket on its upgrade event. `serve` and `bridge` both build their listeners here, so a guard
 * or limit added once applies to every output of both.
 */
import type { ListenConfig } from '../config/types.js';
import { SwitchboardError, sendHttpError } from '../errors/index.js';
import type { Logger } from '../log.js';
import type { Cluster } from '../cluster/cluster.js';
import { HttpFront, type ConnectWithView, type ExtraRoute, type HttpFrontOptions, type HttpRoute } from './http-front.js';
import { SseFront } from './sse-front.js';
import { AccessTokens } from './access-tokens.js';
import type { ConnectSession } from './front-connect.js';
import { protectedResourceRoute } from './protected-resource.js';
import { WsFront } from './ws-front.js';

export interface NetworkFrontsOptions {
  listen: ListenConfig;
  log: Logger;
  /** Opens each client's session; SSE and WebSocket sessions get its default view. */
  connect: ConnectWithView;
  /** Streamable HTTP paths and their views (default: listen.path, the connect default). */
  route?: HttpRoute;
  /** More routes, tried after the legacy SSE paths (serve's /w/NAME/...). */
  extraRoutes?: ExtraRoute[];
  /** Streamable HTTP on listen.path (default true). */
  streamableHttp?: boolean;
  sse?: { ssePath: string; messagePath: string; baseUrl?: string };
  /** WebSocket upgrades on this path (may equal listen.path: upgrades and plain requests never mix). */
  wsPath?: string;
  /** Added to every HTTP response (supergateway's --header in stdio-input modes). */
  responseHeaders?: Record<string, string>;
  /** Serve 2026-07-28 clients (stateless) on the Streamable HTTP paths too. */
  modern?: HttpFrontOptions['modern'];
  /** The access-token verifier (listen.auth) the routes in extraRoutes use too; default: a new one. */
  tokens?: AccessTokens;
  /** This process is one replica of a cluster (docs/scaling.md). */
  cluster?: Cluster;
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
    const { listen, log } = options;
    const connect: ConnectSession = (t, principal) => options.connect(t, undefined, principal);
    const streamable = options.streamableHttp ?? true;
    const route = streamable ? options.route : () => undefined;
    // One verifier for the whole port: one JWKS cache, one discovery.
    const tokens = options.tokens ?? (listen.auth && new AccessTokens(listen.auth));
    const shared = tokens ? { tokens } : {};
    this.http = new HttpFront({ listen, log, connect: options.connect, ...(route ? { route } : {}), ...shared, ...(options.modern && { modern: options.modern }), ...(options.cluster && { cluster: options.cluster }) });
    const headers = Object.entries(options.responseHeaders ?? {});
    if (headers.length) {
      this.http.extraRoutes.push((_req, res) => {
        for (const [k, v] of headers) res.setHeader(k, v);
        return false;
      });
    }
    // Public: a client reads it before it has a token.
    if (listen.auth) this.http.extraRoutes.push(protectedResourceRoute({ ...listen, auth: listen.auth }));
    if (options.sse) {
      this.sse = new SseFront({ listen, log, connect, ...options.sse, ...shared });
      this.http.extraRoutes.push(this.sse.route);
    }
    this.http.extraRoutes.push(...(options.extraRoutes ?? []));
    if (options.wsPath) this.ws = new WsFront({ listen, log, connect, path: options.wsPath, server: this.http.httpServer, ...shared });
    if (!streamable) {
      // Without Streamable HTTP, HttpFront's own 404 would point at a path we do not serve.
      const served = [options.sse && `GET ${options.sse.ssePath} (SSE)`, options.wsPath && `${options.wsPath} (WebSocket)`].filter(Boolean).join(', ');
      this.http.extraRoutes.push((_req, res) => {
        sendHttpError(res, new SwitchboardError('SB_UNKNOWN_PATH', `Not found: MCP is served at ${served}`));
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

/** The legacy HTTP+SSE paths of `serve --transport sse` and supergateway's defaults. */
export const LEGACY_SSE_PATH = '/sse';
export const LEGACY_MESSAGE_PATH = '/message';
