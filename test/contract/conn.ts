/**
 * The surface every contract connection offers, whatever carries it: send raw text or an object,
 * take the next message that matches, end the session the front's own way.
 */
import { Inbox, isResponseTo, type Match, type Message } from './inbox.js';

export const PROTOCOL_VERSION = '2025-06-18';

export interface Sent {
  /** The HTTP status of the request that carried the message; undefined on fronts without one. */
  status: Promise<number | undefined>;
}

export interface FrontConn {
  readonly inbox: Inbox;
  send(message: string | object): Sent;
  next(match: Match, what: string, timeoutMs?: number): Promise<Message>;
  response(id: string | number, timeoutMs?: number): Promise<Message>;
  /** Ends the session the front's way; resolves with what the client then observes. */
  end(): Promise<string>;
  close(): Promise<void>;
}

/** initialize + notifications/initialized, as any client starts. */
export async function initialize(conn: FrontConn, id: string | number = 'init'): Promise<Message> {
  conn.send({ jsonrpc: '2.0', id, method: 'initialize', params: { protocolVersion: PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'contract', version: '1.0.0' } } });
  const init = await conn.response(id);
  await conn.send({ jsonrpc: '2.0', method: 'notifications/initialized' }).status;
  return init;
}

export function textOf(message: string | object): string {
  return typeof message === 'string' ? message : JSON.stringify(message);
}

/** The shared parts of every connection: the inbox and its waits. */
export abstract class BaseConn implements FrontConn {
  readonly inbox = new Inbox();
  abstract send(message: string | object): Sent;
  abstract end(): Promise<string>;
  abstract close(): Promise<void>;

  next(match: Match, what: string, timeoutMs?: number): Promise<Message> {
    return this.inbox.next(match, what, timeoutMs);
  }

  response(id: string | number, timeoutMs?: number): Promise<Message> {
    return this.inbox.next(isResponseTo(id), `response to id ${JSON.stringify(id)}`, timeoutMs);
  }
}

export const NO_STATUS: Sent = { status: Promise.resolve(undefined) };
