/**
 * The SessionRef of one 2026-07-28 request. There is no session: the view comes from the endpoint
 * (URL / workspace), capabilities, client info and log level from the request's own envelope, and
 * everything the client hears goes back on that request's own stream. Nothing is remembered after
 * the request, so there is nothing to mark as listed and no list change to announce (clients learn
 * of changes through subscriptions/listen).
 */
import { randomUUID } from 'node:crypto';
import type { ClientCapabilities, LoggingLevel, Result } from '@modelcontextprotocol/server';
import type { CatalogView } from '../../catalog/view.js';
import { SwitchboardError } from '../../errors/index.js';
import type { ClientRequestOptions, SessionRef } from '../../engine/context.js';
import { logLevelAllows } from '../../engine/log-levels.js';
import type { Envelope } from './envelope.js';
import type { Principal } from '../../util/principal.js';

/** Where this request's messages go: its stream (HTTP SSE response, or the stdio connection). */
export interface RequestSink {
  notify(method: string, params: Record<string, unknown>): void;
}

/** How a backend's server->client request reaches a modern client: MRTR, when the request can hold. */
export type InputAsker = (server: string | undefined, request: { method: string; params?: unknown }, signal: AbortSignal) => Promise<Result>;

export class StatelessSession implements SessionRef {
  private sessionId?: string;
  readonly isInitialized = true;
  readonly logLevel?: LoggingLevel;
  readonly clientCapabilities: ClientCapabilities;
  readonly clientName?: string;

  constructor(
    readonly view: CatalogView,
    envelope: Envelope,
    private readonly sink: RequestSink,
    private readonly asker?: InputAsker,
    readonly principal?: Principal,
  ) {
    this.clientCapabilities = envelope.clientCapabilities;
    this.clientName = envelope.clientInfo?.name;
    this.logLevel = envelope.logLevel;
  }

  /** Made on first use (logs, relay bookkeeping): a plain call never needs one. */
  get id(): string {
    return (this.sessionId ??= randomUUID());
  }

  notify(method: string, params: Record<string, unknown>): void {
    this.sink.notify(method, params);
  }

  request(method: string, params: unknown, opts: ClientRequestOptions): Promise<Result> {
    // 2026-07-28 has no server->client requests: MRTR (input_required, then a retry) replaces them.
    if (this.asker) return this.asker(opts.server, { method, ...(params !== undefined && { params }) }, opts.signal);
    return Promise.reject(new SwitchboardError('SB_CAPABILITY_MISSING', `${method} cannot be asked of a 2026-07-28 client during this request; only tools/call, prompts/get and resources/read can carry input_required`));
  }

  markListed(): void {}

  listsChanged(): void {}

  relayLog(server: string, params: Record<string, unknown>): void {
    if (this.view.includesServer && !this.view.includesServer(server)) return;
    // 2026-07-28: no level in the envelope means the client asked for no log messages.
    if (!this.logLevel || !logLevelAllows(this.logLevel, params.level as LoggingLevel)) return;
    const logger = typeof params.logger === 'string' && params.logger !== server ? `${server}/${params.logger}` : server;
    this.sink.notify('notifications/message', { ...params, logger });
  }
}
