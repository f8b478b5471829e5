/**
 * What the pipeline's stages may use. Routes (src/engine/routes.ts, tasks.ts) see only this, never
 * the Engine class, so stages and the pipeline that runs them do not import each other.
 */
import type { Result } from '@modelcontextprotocol/server';
import type { Backend } from '../backends/backend.js';
import type { Catalog } from '../catalog/catalog.js';
import type { CursorCodec } from '../catalog/cursor.js';
import type { RequestContext, SessionRef } from './context.js';
import type { InflightRequests } from './inflight.js';
import type { Subscriptions } from './subscriptions.js';
import type { TaskOwners } from './task-owners.js';
import type { Params } from './params.js';

/** Where a request goes: the backend's own method, params and names, and how its result comes back. */
export interface Forward {
  server: string;
  method: string;
  params: Params;
  /** The client's name for the tool or prompt (metrics, logs, traces). */
  publicName?: string;
  /** Map the backend's result for the client (URIs, task ids). */
  map?: (result: Result) => Result;
  /** Runs once, when the request is sent (usage counting). */
  onSent?: () => void;
  /**
   * Entries the engine adds to the forwarded request's `params._meta`: set by an observer's start()
   * (trace context: `traceparent`, `tracestate`), the one way an observer touches the request.
   */
  meta?: Record<string, string>;
}

/** A route's plan: answered by the router itself, or forwarded. */
export type Plan = { answer: Result } | Forward;

export interface BackendDirectory {
  /** The connection a session's request to `server` goes over; release() when the request is done. */
  acquire(server: string, session: SessionRef): { backend: Backend; release: () => void } | Promise<{ backend: Backend; release: () => void }>;
  all(): Backend[];
  /** Resolves when backends still on their first start are up or failed (bounded). */
  settled(): Promise<void>;
  isStarted(): boolean;
}

export interface EngineServices {
  readonly catalog: Catalog;
  readonly cursorCodec: CursorCodec;
  readonly pageSize: number;
  readonly backends: BackendDirectory;
  readonly inflight: InflightRequests;
  readonly subscriptions: Subscriptions;
  readonly tasks: TaskOwners;
  /** Stages 3-5 for one forward: admit, send, map. */
  forward(ctx: RequestContext, plan: Forward): Promise<Result>;
  /** A tools/call through the whole pipeline on behalf of a router-local tool (call_tool). */
  callTool(ctx: RequestContext, name: string, args: Params | undefined): Promise<Result>;
}

export type Route = (services: EngineServices, ctx: RequestContext, params: Params) => Plan | Promise<Plan>;
