/**
 * What a backend sends on its own, routed to the right client: logs, resource updates, task status,
 * URL-elicitation completion, and server->client requests (sampling, elicitation, roots). Nothing is
 * ever broadcast or guessed: a message goes to the session that provably owns it, or is refused
 * (requests) or dropped with a debug line (notifications).
 */
import type { JSONRPCRequest, Result } from '@modelcontextprotocol/server';
import type { Backend } from '../backends/backend.js';
import type { Catalog } from '../catalog/catalog.js';
import { SwitchboardError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { requestId, type SessionRef } from './context.js';
import type { InflightRequests } from './inflight.js';
import type { Subscriptions } from './subscriptions.js';
import { publicTaskId } from './tasks.js';
import type { TaskOwners } from './task-owners.js';

/** Which client capability a server->client request needs. */
export const REQUIRED_CAPABILITY: Record<string, 'sampling' | 'elicitation' | 'roots' | undefined> = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
};

export interface RelayOptions {
  catalog: Catalog;
  inflight: InflightRequests;
  subscriptions: Subscriptions;
  tasks: TaskOwners;
  sessions: () => ReadonlySet<SessionRef>;
  log: Logger;
}

export class Relay {
  /** URL-mode elicitation id -> the session asked (its completion notification goes only there). */
  private readonly elicitationOwners = new Map<string, SessionRef>();

  constructor(private readonly options: RelayOptions) {}

  dropSession(session: SessionRef): void {
    for (const [id, owner] of this.elicitationOwners) if (owner === session) this.elicitationOwners.delete(id);
  }

  /** A notification on a shared connection. */
  onSharedNotification(backend: Backend, method: string, params: Record<string, unknown> | undefined): void {
    const p = params ?? {};
    if (method === 'notifications/message') {
      const sessions = this.options.sessions();
      for (const session of sessions) session.relayLog(backend.name, p);
      // Stateless (2026-07-28) requests have no session: one in flight at this backend hears its logs
      // on its own stream, if its envelope asked for a level that admits them.
      for (const { session } of this.options.inflight.owners(backend.name)) if (!sessions.has(session)) session.relayLog(backend.name, p);
    } else if (method === 'notifications/resources/updated' && typeof p.uri === 'string') {
      this.options.subscriptions.updated(backend, p.uri, p);
    } else {
      // Anything else belongs to one session: the task's or elicitation's owner when known, else the
      // one session talking to that backend. Never broadcast: another client must not see it.
      const owner = this.notificationOwner(backend.name, method, p);
      if (owner) owner.notify(method, this.publicParams(backend.name, method, p));
      else this.options.log.debug({ backend: backend.name, method }, 'dropped a notification with no certain owner');
    }
  }

  /** Notifications from a session's own connection belong to that session alone. */
  onSessionNotification(session: SessionRef, backend: Backend, method: string, params: Record<string, unknown>): void {
    if (method === 'notifications/message') session.relayLog(backend.name, params);
    else if (method === 'notifications/resources/updated' && typeof params.uri === 'string') this.options.subscriptions.updated(backend, params.uri, params);
    else session.notify(method, this.publicParams(backend.name, method, params));
  }

  private notificationOwner(server: string, method: string, params: Record<string, unknown>): SessionRef | undefined {
    if (method === 'notifications/tasks/status' && typeof params.taskId === 'string') {
      const owner = this.options.tasks.get(publicTaskId(this.options.catalog, server, params.taskId));
      if (owner) return owner;
    }
    if (method === 'notifications/elicitation/complete' && typeof params.elicitationId === 'string') {
      const owner = this.elicitationOwners.get(params.elicitationId);
      if (owner) {
        this.elicitationOwners.delete(params.elicitationId);
        return owner;
      }
    }
    const owners = this.options.inflight.owners(server);
    if (owners.length === 1) return owners[0]!.session;
    const sessions = this.options.sessions();
    return sessions.size === 1 ? [...sessions][0] : undefined;
  }

  /** Backend-specific ids inside a notification, made public. */
  private publicParams(server: string, method: string, params: Record<string, unknown>): Record<string, unknown> {
    if (method === 'notifications/tasks/status' && typeof params.taskId === 'string') return { ...params, taskId: publicTaskId(this.options.catalog, server, params.taskId) };
    return params;
  }

  /**
   * A backend on a shared connection asks a client for sampling, elicitation or roots. It goes to the
   * one session with a request in flight at that backend, on that request's stream; never to a guess.
   */
  onSharedServerRequest(backend: Backend, request: JSONRPCRequest, signal: AbortSignal): Promise<Result> {
    const owners = this.options.inflight.owners(backend.name);
    const sessions = this.options.sessions();
    const [only] = sessions;
    if (owners.length === 0 && sessions.size === 1 && only!.isInitialized) {
      // One client connected (the stdio front, or a lone HTTP client): it is the owner for certain.
      // Before it finished initializing its capabilities are unknown, so it cannot be asked yet.
      return this.forwardToSession(only!, backend, request, signal);
    }
    if (owners.length !== 1) {
      const why = owners.length === 0 ? 'no client request is in flight at this server' : `${owners.length} clients have requests in flight at this server, so the one who asked cannot be known`;
      // Servers often ask for roots right after start, before any client is there: that is routine.
      const level = owners.length === 0 ? 'debug' : 'warn';
      this.options.log[level]({ backend: backend.name, method: request.method, ...(owners.length > 1 && { rids: owners.map((o) => requestId(o.ctx)) }) }, `refused ${request.method}: ${why}; set servers.${backend.name}.isolation: session to give each client its own connection`);
      return Promise.reject(
        new SwitchboardError('SB_AMBIGUOUS_OWNER', `mcp-switchboard cannot route ${request.method} from "${backend.name}": ${why}. Set servers.${backend.name}.isolation: session in router.yaml.`),
      );
    }
    return this.forwardToSession(owners[0]!.session, backend, request, signal);
  }

  /** The listing connection of an isolated server never reaches a client. */
  refuseListingRequest(backend: Backend, request: JSONRPCRequest): Promise<Result> {
    this.options.log.debug({ backend: backend.name, method: request.method }, 'refused a server request on the listing connection of an isolated server');
    return Promise.reject(
      new SwitchboardError('SB_AMBIGUOUS_OWNER', `${request.method} is answered only on a client's own connection to "${backend.name}"`),
    );
  }

  /**
   * Ask one session's client on a backend's behalf: on the stream of that session's request in flight
   * at this backend when there is one (Streamable HTTP carries it there), else on the session itself.
   */
  forwardToSession(session: SessionRef, backend: Backend, request: JSONRPCRequest, signal: AbortSignal): Promise<Result> {
    const needed = REQUIRED_CAPABILITY[request.method];
    if (needed && !session.clientCapabilities?.[needed]) {
      return Promise.reject(
        new SwitchboardError('SB_CAPABILITY_MISSING', `the client "${session.clientName ?? 'unknown'}" did not declare the ${needed} capability, so ${request.method} from "${backend.name}" cannot be answered`),
      );
    }
    this.trackElicitation(session, request);
    const owner = this.options.inflight.owners(backend.name).find((o) => o.session === session);
    if (owner && this.options.log.isLevelEnabled('debug')) this.options.log.debug({ rid: requestId(owner.ctx), backend: backend.name, method: request.method }, 'relaying a server request to the client');
    if (owner) return session.request(request.method, request.params, { signal: AbortSignal.any([signal, owner.ctx.signal]), relatedRequestId: owner.ctx.id, server: backend.name });
    return session.request(request.method, request.params, { signal, server: backend.name });
  }

  /** URL-mode elicitations complete later, by notification: remember who was asked. */
  private trackElicitation(session: SessionRef, request: JSONRPCRequest): void {
    const params = request.params as { mode?: unknown; elicitationId?: unknown } | undefined;
    if (request.method === 'elicitation/create' && params?.mode === 'url' && typeof params.elicitationId === 'string') {
      this.elicitationOwners.set(params.elicitationId, session);
    }
  }
}
