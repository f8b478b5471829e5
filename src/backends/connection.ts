/**
 * Opening one connection to a backend: each transport the factory offers, in order (a remote server
 * without `type` tries Streamable HTTP, then legacy SSE), until one starts, completes the handshake
 * within connectTimeout and is prepared (listed). Every failed attempt becomes one sentence for the
 * user (start-failure.ts).
 */
import type { ClientCapabilities, Transport } from '@modelcontextprotocol/client';
import type { ServerConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import type { Envelope, ProtocolEra } from '../rpc/envelope.js';
import type { RpcPeer } from '../rpc/peer.js';
import { handshakeError, isHandshakeTimeout } from './backend-errors.js';
import type { Handshake } from './handshake.js';
import { negotiateOver } from './negotiate.js';
import { ProtocolMemory, stateDirectory } from './protocol-memory.js';
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
  /** The protocol era negotiated (negotiate.ts): 2026-07-28 means no session, an envelope per request. */
  era: ProtocolEra;
  kind: TransportKind;
  pid?: number;
}

export interface OpenOptions {
  factory: TransportFactory;
  newPeer(transport: Transport): RpcPeer;
  /** What the connection declares: the 2025 initialize's capabilities and info, or the 2026 envelope's. */
  envelope: Envelope;
  /** Where `protocol: auto` remembers what it found; default: the user's state directory. */
  protocolMemory?: ProtocolMemory;
  log: Logger;
  /** The backend was closed meanwhile: the new connection is closed and nothing is returned. */
  isClosed(): boolean;
  /** Runs on a connection that completed the handshake (the listing); a throw fails the attempt. */
  prepare(connection: Connection): Promise<void>;
}

export type OpenResult = { connection: Connection } | { failure: string } | { closed: true };

export async function openConnection(config: ServerConfig, options: OpenOptions): Promise<OpenResult> {
  const stderr: string[] = [];
  const hooks = {
    onStderrLine: (line: string) => {
      stderr.push(line);
      options.log.debug({ stderr: line }, 'backend stderr');
    },
  };
  const attempts = options.factory(config, hooks);
  const failures: string[] = [];
  const memory = config.protocol === 'auto' ? (options.protocolMemory ?? new ProtocolMemory(stateDirectory())) : undefined;
  const remembered = await memory?.recall(config.target);
  for (const attempt of attempts) {
    let peer: RpcPeer | undefined;
    try {
      const negotiated = await negotiateOver({
        attempt,
        fresh: () => options.factory(config, hooks).find((a) => a.kind === attempt.kind)!.transport,
        newPeer: (transport) => options.newPeer(transport),
        setting: config.protocol,
        remembered,
        envelope: options.envelope,
        connectTimeoutMs: config.connectTimeoutMs,
        log: options.log,
      });
      peer = negotiated.peer;
      if (options.isClosed()) {
        await peer.close();
        return { closed: true };
      }
      if (memory && attempt.kind !== 'sse' && negotiated.era !== remembered) {
        memory.remember(config.name, config.target, negotiated.era).catch((err: unknown) => options.log.warn({ err: String(err) }, 'could not remember the protocol era'));
      }
      const pid = (peer.transport as { pid?: number }).pid;
      const connection: Connection = { peer, handshake: negotiated.handshake, era: negotiated.era, kind: attempt.kind, ...(pid !== undefined && { pid }) };
      await options.prepare(connection);
      return { connection };
    } catch (err) {
      // negotiateOver closed what it opened; a failure past it (the listing) leaves ours to close.
      const closing = peer ? peer.close().catch(() => undefined) : Promise.resolve();
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
