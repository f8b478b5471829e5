/**
 * Opening one connection to a backend: each transport the factory offers, in order (a remote server
 * without `type` tries Streamable HTTP, then legacy SSE), until one starts, completes the handshake
 * within connectTimeout and is prepared (listed). Every failed attempt becomes one sentence for the
 * user (start-failure.ts).
 */
import type { ClientCapabilities, Implementation, Transport } from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { RpcPeer } from '../rpc/peer.js';
import { handshakeError, isHandshakeTimeout, withTimeout } from './backend-errors.js';
import { initialize, type Handshake } from './handshake.js';
import { describeStartFailure } from './start-failure.js';
import type { TransportFactory, TransportKind } from './transport-factory.js';

/** What a shared connection declares: everything the router can relay to some client. */
export const SHARED_CLIENT_CAPABILITIES: ClientCapabilities = {
  sampling: {},
  elicitation: { form: {}, url: {} },
  roots: { listChanged: true },
};

export interface Connection {
  peer: RpcPeer;
  handshake: Handshake;
  kind: TransportKind;
  pid?: number;
}

export interface OpenOptions {
  factory: TransportFactory;
  newPeer(transport: Transport): RpcPeer;
  clientCapabilities: ClientCapabilities;
  clientInfo: Implementation;
  log: Logger;
  /** The backend was closed meanwhile: the new connection is closed and nothing is returned. */
  isClosed(): boolean;
  /** Runs on a connection that completed the handshake (the listing); a throw fails the attempt. */
  prepare(connection: Connection): Promise<void>;
}

export type OpenResult = { connection: Connection } | { failure: string } | { closed: true };

export async function openConnection(config: ServerConfig, options: OpenOptions): Promise<OpenResult> {
  const stderr: string[] = [];
  const attempts = options.factory(config, {
    onStderrLine: (line) => {
      stderr.push(line);
      options.log.debug({ stderr: line }, 'backend stderr');
    },
  });
  const failures: string[] = [];
  for (const attempt of attempts) {
    const peer = options.newPeer(attempt.transport);
    try {
      await withTimeout(peer.start(), config.connectTimeoutMs);
      const handshake = await initialize(peer, options.clientCapabilities, options.clientInfo, config.connectTimeoutMs);
      if (options.isClosed()) {
        await peer.close();
        return { closed: true };
      }
      const pid = (attempt.transport as { pid?: number }).pid;
      const connection: Connection = { peer, handshake, kind: attempt.kind, ...(pid !== undefined && { pid }) };
      await options.prepare(connection);
      return { connection };
    } catch (err) {
      const closing = peer.close().catch(() => undefined);
      const failure = handshakeError(err, config.connectTimeoutMs);
      // A server that did not answer in time may use its whole shutdown grace too: nobody waits for
      // that (a call waiting for a lazy start is bounded by connectTimeout). One that exited is gone
      // already, and waiting lets its last stderr lines into the message.
      if (!isHandshakeTimeout(failure)) await closing;
      failures.push(describeStartFailure(config, attempt.kind, failure, stderr));
    }
  }
  return { failure: failures.join('; then ') };
}
