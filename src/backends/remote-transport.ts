/**
 * The SDK's Streamable HTTP and legacy SSE client transports, loaded when a remote backend first
 * connects. A value import of '@modelcontextprotocol/client' loads the whole SDK and builds its zod
 * schemas; a router with only stdio backends never needs it, and one with remote backends should
 * spawn its stdio children before paying for it.
 */
import type { JSONRPCMessage, Transport, TransportSendOptions } from '@modelcontextprotocol/client';
import type { RemoteTarget } from '../config/types.js';
import { isNonInteractive } from './oauth/grant.js';
import { NeedsLoginError, needsLoginMessage } from './oauth/needs-login.js';
import { RouterOAuthProvider } from './oauth/provider.js';
import type { RefreshCoalescer } from './oauth/refresh-coalescer.js';
import { OAuthTokenStore } from './oauth/token-store.js';

/** For a server with `auth: oauth`: whose tokens to use and where they are kept. */
export interface RemoteOAuthContext {
  serverName: string;
  stateDir: string;
  /** Shared by every connection the router makes, so concurrent 401s refresh once. */
  refreshes: RefreshCoalescer;
}

export class LazyRemoteTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  private inner?: Transport;
  private version?: string;
  private closed = false;

  constructor(
    private readonly kind: 'http' | 'sse',
    private readonly target: RemoteTarget,
    /** The fetch for requests (e.g. one adding a traceparent header); default: global fetch. */
    private readonly fetch?: (input: string | URL | Request, init?: RequestInit) => Promise<Response>,
    private readonly oauth?: RemoteOAuthContext,
  ) {}

  async start(): Promise<void> {
    const { SSEClientTransport, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    if (this.closed) throw new Error('the connection was closed before it started');
    const url = new URL(this.target.url);
    const requestInit = { headers: this.target.headers };
    const authProvider = await this.oauthProvider();
    if (this.closed) throw new Error('the connection was closed before it started');
    // Token requests go through the same fetch, so concurrent refreshes of one token are sent once.
    const fetchFn = authProvider ? this.oauth!.refreshes.wrap(this.fetch) : this.fetch;
    const custom = { ...(fetchFn ? { fetch: fetchFn } : {}), ...(authProvider ? { authProvider } : {}) };
    const inner: Transport =
      this.kind === 'http'
        ? new StreamableHTTPClientTransport(url, { requestInit, ...custom })
        : new SSEClientTransport(url, { requestInit, ...custom, eventSourceInit: { fetch: headersFetch(this.target.headers) } });
    inner.onmessage = (m) => this.onmessage?.(m);
    inner.onerror = (e) => this.onerror?.(e);
    inner.onclose = () => this.onclose?.();
    if (this.version) inner.setProtocolVersion?.(this.version);
    this.inner = inner;
    await inner.start();
  }

  /**
   * The router's own grant for this backend (never a client's token: the spec forbids passing
   * those through). Without one there is nothing to refresh and nobody to send to a browser, so
   * fail at once with the command that fixes it instead of collecting a 401. A client_credentials
   * or jwt-bearer grant needs nobody: its first 401 makes the SDK ask the token endpoint.
   */
  private async oauthProvider(): Promise<RouterOAuthProvider | undefined> {
    if (!this.target.oauth || !this.oauth) return undefined;
    const store = new OAuthTokenStore(this.oauth.stateDir, this.oauth.serverName, this.target.url);
    if (!isNonInteractive(this.target.oauth) && !(await store.read())?.tokens) throw new NeedsLoginError(this.oauth.serverName);
    return new RouterOAuthProvider({ serverName: this.oauth.serverName, store, settings: this.target.oauth });
  }

  get sessionId(): string | undefined {
    return this.inner?.sessionId;
  }

  setProtocolVersion(version: string): void {
    this.version = version;
    this.inner?.setProtocolVersion?.(version);
  }

  send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    if (!this.inner) return Promise.reject(new Error('the connection has not started'));
    if (!this.oauth) return this.inner.send(message, options);
    return this.inner.send(message, options).catch((err: unknown) => {
      // The grant is gone (revoked, refresh refused): drop the connection, so the backend goes down
      // with the needs-login reason where the summary and status page show it, and its reconnects
      // wait for the tokens a `switchboard login` stores.
      // Deferred: the failed request must reject with this reason before the close fails it again.
      if (needsLoginMessage(err)) setImmediate(() => void this.close());
      throw err;
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.inner) await this.inner.close();
    else this.onclose?.();
  }
}

/**
 * EventSource ignores requestInit; give its GET the configured headers (e.g. Authorization).
 * Set through Headers so a configured name replaces the SDK's own case-insensitively: merging plain
 * objects sent "authorization" and "Authorization" both, joined into one invalid value.
 */
function headersFetch(configured: Record<string, string>) {
  return (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    for (const [name, value] of Object.entries(configured)) headers.set(name, value);
    return fetch(input, { ...init, headers });
  };
}
