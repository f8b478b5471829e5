/**
 * One backend: a client session to one MCP server, its lists, and its lifecycle.
 *
 * A Backend never throws from start(): a server that fails to come up is reported (state 'down' with a
 * reason) and retried with backoff, so one broken server never blocks or fails the others.
 */
import { Client, SdkError, SdkErrorCode, type ClientCapabilities, type JSONRPCMessage, type JSONRPCRequest, type Result, type ServerCapabilities, type Transport, type Implementation } from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/types.js';
import { JsonRpcCode, SwitchboardError, UpstreamError, stripSdkPrefix, toSdkError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { passthroughResult } from './passthrough.js';
import { defaultTransportFactory, type TransportFactory, type TransportKind } from './transport-factory.js';
import { describeStartFailure } from './start-failure.js';
import { keepNotificationOrder } from './ordered-delivery.js';
import { LIST_KINDS, listAll, type BackendLists, type ListKind } from './lists.js';
import { isRawResponse } from '../front/fast-path.js';

export type BackendState = 'starting' | 'ready' | 'down' | 'closed';

export interface BackendHooks {
  /** The backend's lists changed (after a re-list, a disconnect or a reconnect). */
  onListsChanged?(backend: Backend, kinds: ListKind[]): void;
  /** A notification from the backend that the router relays (logging, resource updates, ...). */
  onNotification?(backend: Backend, method: string, params: Record<string, unknown> | undefined): void;
  /** A server->client request (sampling, elicitation, roots) that must reach the right front session. */
  onServerRequest?(backend: Backend, request: JSONRPCRequest, signal: AbortSignal): Promise<Result>;
  onStateChange?(backend: Backend): void;
  /** A response to a request sent with sendRaw() (the router's tools/call fast path). */
  onRawResponse?(backend: Backend, message: JSONRPCMessage): void;
}

export interface BackendOptions {
  log: Logger;
  hooks?: BackendHooks;
  transportFactory?: TransportFactory;
  /** Client capabilities declared to the backend. A shared backend declares all the router can relay. */
  clientCapabilities?: ClientCapabilities;
  clientInfo?: Implementation;
  /** Debounce for re-listing after list_changed: servers often announce several changes in a burst. */
  relistDebounceMs?: number;
  /** Retry delays after a failure, in ms; the last one repeats. */
  retryDelaysMs?: number[];
}

export interface RequestOptions {
  signal?: AbortSignal;
  onprogress?: (progress: { progress: number; total?: number; message?: string }) => void;
  /** Overrides the server's configured timeout. */
  timeoutMs?: number;
  /** Set on the one automatic retry after a lost session, so it never loops. */
  isRetry?: boolean;
}

export const SHARED_CLIENT_CAPABILITIES: ClientCapabilities = {
  sampling: {},
  elicitation: { form: {}, url: {} },
  roots: { listChanged: true },
};

const DEFAULT_RETRY_DELAYS = [1000, 2000, 5000, 10_000, 30_000];

export class Backend {
  readonly name: string;
  state: BackendState = 'starting';
  /** Why the backend is down, in words a user can act on. */
  lastError?: string;
  transportKind?: TransportKind;
  lists: BackendLists = emptyLists();
  pid?: number;

  private client?: Client;
  private readonly log: Logger;
  private readonly hooks: BackendHooks;
  private readonly transportFactory: TransportFactory;
  private readonly relistTimers = new Map<ListKind, NodeJS.Timeout>();
  private retryTimer?: NodeJS.Timeout;
  private attempts = 0;
  private firstStart?: Promise<void>;

  constructor(
    readonly config: ServerConfig,
    private readonly options: BackendOptions,
  ) {
    this.name = config.name;
    this.log = options.log.child({ backend: config.name });
    this.hooks = options.hooks ?? {};
    this.transportFactory = options.transportFactory ?? defaultTransportFactory;
  }

  get capabilities(): ServerCapabilities | undefined {
    return this.client?.getServerCapabilities();
  }

  get serverInfo(): Implementation | undefined {
    return this.client?.getServerVersion();
  }

  get instructions(): string | undefined {
    return this.client?.getInstructions();
  }

  get toolCount(): number {
    return this.lists.tools.length;
  }

  /** Resolves once the first connection attempt has succeeded or failed; never rejects. */
  start(): Promise<void> {
    this.firstStart ??= this.connect();
    return this.firstStart;
  }

  private async connect(): Promise<void> {
    if (this.state === 'closed') return;
    // A retry does not make a down backend 'starting' again: it stays down, with the reason, until a
    // connection succeeds (the start-up summary and health reporting read this state).
    if (this.state !== 'down') this.setState('starting');
    const stderr: string[] = [];
    const attempts = this.transportFactory(this.config, {
      onStderrLine: (line) => {
        stderr.push(line);
        this.log.debug({ stderr: line }, 'backend stderr');
      },
    });
    const failures: string[] = [];
    for (const attempt of attempts) {
      const client = this.newClient();
      try {
        await withTimeout(client.connect(attempt.transport), this.config.connectTimeoutMs, () => client.close());
        if ((this.state as BackendState) === 'closed') {
          await client.close();
          return;
        }
        keepNotificationOrder(attempt.transport);
        this.interceptRawResponses(attempt.transport);
        this.client = client;
        this.transportKind = attempt.kind;
        this.pid = (attempt.transport as { pid?: number }).pid;
        client.onclose = () => this.onDisconnect(client);
        await this.relist(LIST_KINDS, false);
        this.attempts = 0;
        this.lastError = undefined;
        this.setState('ready');
        this.hooks.onListsChanged?.(this, LIST_KINDS.filter((k) => this.lists[k].length > 0));
        return;
      } catch (err) {
        await client.close().catch(() => undefined);
        failures.push(describeStartFailure(this.config, attempt.kind, err, stderr));
      }
    }
    this.lastError = failures.join('; then ');
    this.setState('down');
    this.scheduleRetry();
  }

  /** Responses to sendRaw() requests bypass the SDK Client, which never saw those requests. */
  private interceptRawResponses(transport: Transport): void {
    const sdk = transport.onmessage;
    const onRaw = this.hooks.onRawResponse;
    if (!sdk || !onRaw) return;
    transport.onmessage = (message, extra) => {
      if (isRawResponse(message)) onRaw(this, message);
      else sdk.call(transport, message, extra);
    };
  }

  /** Write a message straight to the backend's transport; false when not connected. */
  sendRaw(message: JSONRPCMessage): boolean {
    const transport = this.client?.transport;
    if (!transport || this.state !== 'ready') return false;
    transport.send(message).catch((err) => this.log.debug({ err: String(err) }, 'raw send failed'));
    return true;
  }

  private newClient(): Client {
    const client = new Client(this.options.clientInfo ?? { name: 'mcp-switchboard', version: '0.1.0' }, {
      capabilities: this.options.clientCapabilities ?? SHARED_CLIENT_CAPABILITIES,
    });
    client.fallbackNotificationHandler = async (n) => this.onBackendNotification(n.method, n.params as Record<string, unknown> | undefined);
    client.fallbackRequestHandler = async (request, ctx) => {
      const handler = this.hooks.onServerRequest;
      if (!handler) throw toSdkError(new SwitchboardError('SB_CAPABILITY_MISSING', `the router cannot relay ${request.method}`));
      // The SDK sends a thrown error's numeric code; a SwitchboardError's code is its SB_* name.
      return handler(this, request, ctx.mcpReq.signal).catch((err: unknown) => {
        throw toSdkError(err);
      });
    };
    client.onerror = (err) => this.log.debug({ err: err.message }, 'backend transport error');
    return client;
  }

  private onBackendNotification(method: string, params: Record<string, unknown> | undefined): void {
    const kinds = LIST_CHANGED[method];
    if (kinds) {
      for (const kind of kinds) this.scheduleRelist(kind);
      return;
    }
    this.hooks.onNotification?.(this, method, params);
  }

  private scheduleRelist(kind: ListKind): void {
    clearTimeout(this.relistTimers.get(kind));
    const timer = setTimeout(() => {
      this.relistTimers.delete(kind);
      this.relist([kind], true).catch((err) => this.log.warn({ err: String(err), kind }, 're-list after list_changed failed'));
    }, this.options.relistDebounceMs ?? 50);
    timer.unref();
    this.relistTimers.set(kind, timer);
  }

  /** Fetch every page of the given lists (only those the server offers) and replace ours. */
  private async relist(kinds: readonly ListKind[], notify: boolean): Promise<void> {
    const client = this.client;
    if (!client) return;
    const caps = client.getServerCapabilities() ?? {};
    const changed: ListKind[] = [];
    await Promise.all(
      kinds.map(async (kind) => {
        const offered = kind === 'resourceTemplates' ? caps.resources : caps[kind];
        const items = offered ? await listAll(client, kind, this.config.timeoutMs) : [];
        this.lists = { ...this.lists, [kind]: items };
        changed.push(kind);
      }),
    );
    if (notify && this.state === 'ready') this.hooks.onListsChanged?.(this, changed);
  }

  private onDisconnect(client: Client): void {
    if (this.client !== client || this.state === 'closed') return;
    this.client = undefined;
    this.pid = undefined;
    this.lastError = 'the connection closed (the server exited or the network dropped); reconnecting';
    this.log.warn('backend disconnected; will reconnect');
    const had = LIST_KINDS.filter((k) => this.lists[k].length > 0);
    this.lists = emptyLists();
    this.setState('down');
    if (had.length) this.hooks.onListsChanged?.(this, had);
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.state === 'closed') return;
    const delays = this.options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
    const delay = delays[Math.min(this.attempts, delays.length - 1)] ?? 30_000;
    this.attempts += 1;
    this.retryTimer = setTimeout(() => void this.connect(), delay);
    this.retryTimer.unref();
  }

  private setState(state: BackendState): void {
    if (this.state === state) return;
    this.state = state;
    this.hooks.onStateChange?.(this);
  }

  /** Send a request under the backend's own names; the result comes back untouched. */
  async request(method: string, params: Record<string, unknown> | undefined, opts: RequestOptions = {}): Promise<Result> {
    const client = this.client;
    if (!client || this.state !== 'ready') {
      throw new SwitchboardError(
        'SB_BACKEND_UNAVAILABLE',
        `server "${this.name}" is not connected${this.lastError ? `: ${this.lastError}` : ''}. Check servers.${this.name} in the config; the router keeps retrying.`,
      );
    }
    const timeout = opts.timeoutMs ?? this.config.timeoutMs;
    try {
      return await client.request({ method, params } as never, passthroughResult, {
        signal: opts.signal,
        timeout,
        onprogress: opts.onprogress,
        resetTimeoutOnProgress: opts.onprogress !== undefined,
      });
    } catch (err) {
      // A Streamable HTTP server that restarted forgets our session and answers 404 to everything.
      // It did not process the request, so re-initialize once and send it again instead of looping.
      if (isSessionLost(err) && !opts.isRetry && (await this.recoverSession(client))) {
        return this.request(method, params, { ...opts, isRetry: true });
      }
      throw this.mapRequestError(err, method, timeout);
    }
  }

  private recovering?: Promise<boolean>;

  /** Replace a connection whose server-side session is gone; true when the new one is up. */
  private recoverSession(lost: Client): Promise<boolean> {
    if (this.client !== lost) return Promise.resolve(this.state === 'ready');
    this.recovering ??= (async () => {
      this.log.warn('backend no longer knows our session (HTTP 404); re-initializing');
      this.client = undefined;
      await lost.close().catch(() => undefined);
      await this.connect();
      return this.state === 'ready';
    })().finally(() => {
      this.recovering = undefined;
    });
    return this.recovering;
  }

  private mapRequestError(err: unknown, method: string, timeout: number): unknown {
    const code = (err as { code?: unknown })?.code;
    const message = err instanceof Error ? stripSdkPrefix(err.message) : String(err);
    // The SDK's own error codes, not message text: a backend's error that happens to say "timed out"
    // or "connection closed" (a database tool's, say) is the backend's answer and passes through.
    const sdkCode = err instanceof SdkError ? err.code : undefined;
    if (code === JsonRpcCode.RequestTimeout || sdkCode === SdkErrorCode.RequestTimeout) {
      return new SwitchboardError(
        'SB_BACKEND_TIMEOUT',
        `server "${this.name}" did not answer ${method} within ${timeout} ms (raise servers.${this.name}.timeout if it needs longer)`,
      );
    }
    if (sdkCode === SdkErrorCode.ConnectionClosed) {
      return new SwitchboardError('SB_BACKEND_UNAVAILABLE', `server "${this.name}" disconnected during ${method}; the router is reconnecting`);
    }
    if (typeof code === 'number') return new UpstreamError(code, message, (err as { data?: unknown }).data);
    return err;
  }

  notify(method: string, params?: Record<string, unknown>): Promise<void> {
    if (!this.client || this.state !== 'ready') return Promise.resolve();
    return this.client.notification({ method, params } as never).catch((err) => this.log.debug({ err: String(err), method }, 'notification to backend failed'));
  }

  /** The transport in use, for the bench and tests that need the raw pipe. */
  get transport(): Transport | undefined {
    return this.client?.transport;
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.setState('closed');
    clearTimeout(this.retryTimer);
    for (const t of this.relistTimers.values()) clearTimeout(t);
    this.relistTimers.clear();
    const client = this.client;
    this.client = undefined;
    await client?.close().catch(() => undefined);
  }
}

/** Templates have no notification of their own: resources/list_changed covers both lists. */
const LIST_CHANGED: Record<string, readonly ListKind[] | undefined> = {
  'notifications/tools/list_changed': ['tools'],
  'notifications/prompts/list_changed': ['prompts'],
  'notifications/resources/list_changed': ['resources', 'resourceTemplates'],
};

function isSessionLost(err: unknown): boolean {
  return (err as { data?: { status?: unknown } })?.data?.status === 404;
}

function emptyLists(): BackendLists {
  return { tools: [], prompts: [], resources: [], resourceTemplates: [] };
}

async function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => unknown): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      void Promise.resolve(onTimeout()).catch(() => undefined);
      reject(new SwitchboardError('SB_BACKEND_START_FAILED', `no handshake within ${ms} ms`));
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
