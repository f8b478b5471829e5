/**
 * subscriptions/listen (2026-07-28): one long-lived request per listener, over which the router sends
 * the list changes and resource updates the client asked for, each stamped with the listen request's
 * id as subscriptionId. It replaces the 2025 GET stream and resources/subscribe. A listener is a
 * SessionRef too, so resource subscriptions reuse the engine's Subscriptions (one backend
 * subscription per URI however many listeners want it).
 */
import { randomUUID } from 'node:crypto';
import type { RequestId, Result } from '@modelcontextprotocol/server';
import type { ListKind } from '../../backends/lists.js';
import type { CatalogView } from '../../catalog/view.js';
import { SwitchboardError } from '../../errors/index.js';
import type { SessionRef } from '../../engine/context.js';
import { SERVER_INFO } from '../capabilities.js';
import { SERVER_INFO_META_KEY, SUBSCRIPTION_ID_META_KEY, type Envelope } from './envelope.js';
import type { RequestSink } from './stateless-session.js';
import type { Principal } from '../../util/principal.js';

export interface ListenFilter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
}

const FILTER_KEY: Record<ListKind, keyof ListenFilter> = {
  tools: 'toolsListChanged',
  prompts: 'promptsListChanged',
  resources: 'resourcesListChanged',
  resourceTemplates: 'resourcesListChanged',
};

const NOTICE: Record<ListKind, string> = {
  tools: 'notifications/tools/list_changed',
  prompts: 'notifications/prompts/list_changed',
  resources: 'notifications/resources/list_changed',
  resourceTemplates: 'notifications/resources/list_changed',
};

/** The filter as asked; -32602 when it is not an object of the spec's fields. */
export function readFilter(params: Record<string, unknown> | undefined): ListenFilter {
  const n = params?.notifications;
  if (!n || typeof n !== 'object' || Array.isArray(n)) {
    throw new SwitchboardError('SB_INVALID_PARAMS', 'subscriptions/listen: params.notifications must be an object (toolsListChanged, promptsListChanged, resourcesListChanged, resourceSubscriptions)');
  }
  const f = n as Record<string, unknown>;
  const subs = f.resourceSubscriptions;
  if (subs !== undefined && (!Array.isArray(subs) || !subs.every((u) => typeof u === 'string'))) {
    throw new SwitchboardError('SB_INVALID_PARAMS', 'subscriptions/listen: params.notifications.resourceSubscriptions must be an array of URIs');
  }
  const honored: ListenFilter = {};
  if (f.toolsListChanged === true) honored.toolsListChanged = true;
  if (f.promptsListChanged === true) honored.promptsListChanged = true;
  if (f.resourcesListChanged === true) honored.resourcesListChanged = true;
  if (Array.isArray(subs) && subs.length > 0) honored.resourceSubscriptions = [...(subs as string[])];
  return honored;
}

export class ListenStream implements SessionRef {
  readonly id = randomUUID();
  readonly isInitialized = true;
  readonly clientCapabilities;
  readonly clientName?: string;
  /** The version of each list this listener last heard about: a change is news once. */
  private readonly known = new Map<ListKind, string>();
  private ended?: () => void;
  readonly done: Promise<void>;

  constructor(
    readonly subscriptionId: RequestId,
    readonly view: CatalogView,
    readonly filter: ListenFilter,
    envelope: Envelope,
    private readonly sink: RequestSink,
    readonly principal?: Principal,
  ) {
    this.clientCapabilities = envelope.clientCapabilities;
    this.clientName = envelope.clientInfo?.name;
    for (const kind of ['tools', 'prompts', 'resources', 'resourceTemplates'] as const) this.known.set(kind, view.version(kind));
    this.done = new Promise((resolve) => (this.ended = resolve));
  }

  /** Sent first: what the router will deliver. */
  acknowledge(): void {
    this.write('notifications/subscriptions/acknowledged', { notifications: this.filter });
  }

  listsChanged(kinds: readonly ListKind[]): void {
    const sent = new Set<string>();
    for (const kind of kinds) {
      const version = this.view.version(kind);
      if (this.known.get(kind) === version) continue;
      this.known.set(kind, version);
      if (this.filter[FILTER_KEY[kind]] !== true || sent.has(NOTICE[kind])) continue;
      sent.add(NOTICE[kind]);
      this.write(NOTICE[kind], {});
    }
  }

  /**
   * A list change another replica saw: told without comparing versions (this replica's catalog may
   * not have moved). A list_changed told twice only makes the client list once more.
   */
  remoteListsChanged(kinds: readonly ListKind[]): void {
    const sent = new Set<string>();
    for (const kind of kinds) {
      if (this.filter[FILTER_KEY[kind]] !== true || sent.has(NOTICE[kind])) continue;
      sent.add(NOTICE[kind]);
      this.write(NOTICE[kind], {});
    }
  }

  /** Resource updates reach a listener through Subscriptions (it subscribed as this SessionRef). */
  notify(method: string, params: Record<string, unknown>): void {
    this.write(method, params);
  }

  request(method: string): Promise<Result> {
    return Promise.reject(new SwitchboardError('SB_CAPABILITY_MISSING', `${method} cannot be asked on a subscriptions/listen stream`));
  }

  markListed(): void {}

  relayLog(): void {}

  /** The graceful end (shutdown): the listen request's result. */
  result(): Result {
    return { _meta: { [SUBSCRIPTION_ID_META_KEY]: this.subscriptionId, [SERVER_INFO_META_KEY]: SERVER_INFO } };
  }

  end(): void {
    this.ended?.();
  }

  private write(method: string, params: Record<string, unknown>): void {
    const meta = (params._meta as Record<string, unknown> | undefined) ?? {};
    this.sink.notify(method, { ...params, _meta: { ...meta, [SUBSCRIPTION_ID_META_KEY]: this.subscriptionId } });
  }
}

/** Every open listen stream: the router's list-change fan-out reaches them here. */
export class ListenerRegistry {
  private readonly streams = new Set<ListenStream>();

  add(stream: ListenStream): () => void {
    this.streams.add(stream);
    return () => this.streams.delete(stream);
  }

  get size(): number {
    return this.streams.size;
  }

  listsChanged(kinds: readonly ListKind[]): void {
    for (const stream of this.streams) stream.listsChanged(kinds);
  }

  remoteListsChanged(kinds: readonly ListKind[]): void {
    for (const stream of this.streams) stream.remoteListsChanged(kinds);
  }

  /** Shutdown: each listener gets its graceful result. */
  closeAll(): void {
    for (const stream of [...this.streams]) stream.end();
    this.streams.clear();
  }
}
