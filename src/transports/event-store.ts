/**
 * Where a 2025 session's SSE events are kept for replay (Streamable HTTP "Resumability and
 * Redelivery"): a client whose stream broke sends GET with Last-Event-ID and gets, on the new
 * stream, what the broken one would have carried after that id.
 *
 * Event ids are made by the session's transport, not by the store, so writing an event to its socket
 * never waits for a store: `<stream>_<ms>-<seq>`, where `<stream>` is `g` for the GET stream or
 * `p<n>` for the n-th POST answered as a stream, and `<ms>-<seq>` a position that only grows within
 * the session (a valid Redis Streams id too, which is why it has that shape).
 */
import type { JSONRPCMessage } from '@modelcontextprotocol/server';

export interface StoredEvent {
  id: string;
  message: JSONRPCMessage;
}

export interface EventPosition {
  streamId: string;
  ms: number;
  seq: number;
}

export interface EventStore {
  /** Keep an event for replay. Never awaited: a store that is slow or down costs replay, not latency. */
  append(sessionId: string, event: StoredEvent): void;
  /** The stream's events after `after`, oldest first (empty when they aged out or were never kept). */
  replay(sessionId: string, after: EventPosition): Promise<StoredEvent[]>;
  /** The session ended: its events will never be asked for again. */
  forget(sessionId: string): void;
  close(): Promise<void>;
}

export interface EventBounds {
  /** Events kept per stream (in memory: per session). */
  maxLength: number;
  /** Older events are not replayed. */
  maxAgeMs: number;
}

export const GET_STREAM = 'g';

/**
 * One process keeps fewer events per session than Redis does per stream: they share its heap with
 * every other session (1000 sessions x 200 events of ~300 bytes is ~60 MB at worst).
 */
export const MEMORY_EVENT_BOUNDS: EventBounds = { maxLength: 200, maxAgeMs: 5 * 60_000 };

export function eventId(streamId: string, ms: number, seq: number): string {
  return `${streamId}_${ms}-${seq}`;
}

const EVENT_ID = /^([gp][0-9]*)_([0-9]{1,15})-([0-9]{1,15})$/;

/** The position a Last-Event-ID names, or undefined when it is not one of ours. */
export function parseEventId(id: string): EventPosition | undefined {
  const m = EVENT_ID.exec(id);
  if (!m) return undefined;
  return { streamId: m[1]!, ms: Number(m[2]), seq: Number(m[3]) };
}

interface Kept extends StoredEvent {
  at: EventPosition;
}

/**
 * One process's store (no cluster): each session keeps its last `maxLength` events across its
 * streams, and none older than `maxAgeMs`. The session's owner is the only replayer, so memory is
 * enough; the bound is per session because a session's streams share one history.
 */
export class MemoryEventStore implements EventStore {
  readonly #sessions = new Map<string, Kept[]>();

  constructor(private readonly bounds: EventBounds) {}

  append(sessionId: string, event: StoredEvent): void {
    const at = parseEventId(event.id);
    if (!at) return;
    let kept = this.#sessions.get(sessionId);
    if (!kept) this.#sessions.set(sessionId, (kept = []));
    kept.push({ ...event, at });
    const oldest = at.ms - this.bounds.maxAgeMs;
    let drop = Math.max(0, kept.length - this.bounds.maxLength);
    while (drop < kept.length && kept[drop]!.at.ms < oldest) drop++;
    if (drop > 0) kept.splice(0, drop);
  }

  async replay(sessionId: string, after: EventPosition): Promise<StoredEvent[]> {
    const oldest = Date.now() - this.bounds.maxAgeMs;
    const kept = this.#sessions.get(sessionId) ?? [];
    return kept.filter((e) => e.at.streamId === after.streamId && e.at.seq > after.seq && e.at.ms >= oldest).map(({ id, message }) => ({ id, message }));
  }

  forget(sessionId: string): void {
    this.#sessions.delete(sessionId);
  }

  async close(): Promise<void> {
    this.#sessions.clear();
  }
}
