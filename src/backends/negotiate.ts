/**
 * Which protocol era a backend speaks, decided at connect time.
 *
 * 2026-07-28 has no initialize: a client asks server/discover (with the per-request envelope) and
 * then sends every request statelessly. 2025 servers know nothing of server/discover, and a stdio
 * one may answer an error (fine: initialize follows on the same connection, as the spec's stdio
 * backward-compatibility rules say), ignore it (the probe is time-bounded), or crash or close (a
 * fresh connection is opened: a stdio child is respawned). The probe never blocks longer than
 * min(connectTimeout, 3 s) unless this server was found modern before.
 */
import type { ServerCapabilities, Implementation, Transport } from '@modelcontextprotocol/client';
import type { ProtocolSetting } from '../config/types.js';
import { SwitchboardError, UpstreamError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { MODERN_PROTOCOL_VERSION, SERVER_INFO_META_KEY, withEnvelope, type Envelope, type ProtocolEra } from '../rpc/envelope.js';
import type { RpcPeer } from '../rpc/peer.js';
import { initialize, type Handshake } from './handshake.js';
import { handshakeError, isHandshakeTimeout, withTimeout } from './backend-errors.js';
import type { TransportAttempt, TransportKind } from './transport-factory.js';

/** The longest a probe of a server of unknown era may take before it counts as "not modern". */
export const PROBE_LIMIT_MS = 3000;

export interface NegotiationInput {
  setting: ProtocolSetting;
  kind: TransportKind;
  /** What `auto` found last time (protocol-memory.ts). */
  remembered?: ProtocolEra;
  /** A started connection: the first call uses the transport already built, later ones a fresh one. */
  open(): Promise<RpcPeer>;
  envelope: Envelope;
  connectTimeoutMs: number;
  log: Logger;
}

export interface Negotiated {
  peer: RpcPeer;
  handshake: Handshake;
  era: ProtocolEra;
}

/**
 * server/discover on a started connection: the handshake when the server speaks 2026-07-28,
 * undefined when it answered but is not modern. Throws what the request threw (an UpstreamError
 * when the server answered with an error).
 */
export async function discover(peer: RpcPeer, envelope: Envelope, timeoutMs: number): Promise<Handshake | undefined> {
  try {
    return await discoverOnce(peer, envelope, timeoutMs);
  } catch (err) {
    // -32022 names the versions the server does support. When ours is among them (a server may
    // refuse a first request, or one it could not serve just then), the spec's client retries with a
    // supported version: ours, once.
    if (!offersModern(err)) throw err;
    return discoverOnce(peer, envelope, timeoutMs);
  }
}

/** -32022 UnsupportedProtocolVersion whose data.supported lists 2026-07-28. */
function offersModern(err: unknown): boolean {
  if (!(err instanceof UpstreamError) || err.code !== UNSUPPORTED_PROTOCOL_VERSION) return false;
  const supported = (err.data as { supported?: unknown } | undefined)?.supported;
  return Array.isArray(supported) && supported.includes(MODERN_PROTOCOL_VERSION);
}

const UNSUPPORTED_PROTOCOL_VERSION = -32022;

async function discoverOnce(peer: RpcPeer, envelope: Envelope, timeoutMs: number): Promise<Handshake | undefined> {
  const result = (await peer.request('server/discover', withEnvelope(undefined, envelope), { timeoutMs })) as {
    supportedVersions?: unknown;
    capabilities?: ServerCapabilities;
    instructions?: unknown;
    serverInfo?: Implementation;
    _meta?: Record<string, unknown>;
  };
  if (!Array.isArray(result.supportedVersions) || !result.supportedVersions.includes(MODERN_PROTOCOL_VERSION)) return undefined;
  const serverInfo = (result._meta?.[SERVER_INFO_META_KEY] as Implementation | undefined) ?? result.serverInfo;
  return {
    protocolVersion: MODERN_PROTOCOL_VERSION,
    capabilities: result.capabilities ?? {},
    ...(serverInfo && { serverInfo }),
    ...(typeof result.instructions === 'string' && { instructions: result.instructions }),
  };
}

export async function negotiate(input: NegotiationInput): Promise<Negotiated> {
  const { setting, kind } = input;
  // Legacy HTTP+SSE predates 2026-07-28 entirely: nothing to probe.
  if (setting === '2025-11-25' || kind === 'sse') return legacy(input, await input.open());
  if (setting === '2026-07-28') return forcedModern(input);
  if (input.remembered === '2025-11-25') {
    const peer = await input.open();
    try {
      return await legacy(input, peer);
    } catch (err) {
      // Found legacy before, refuses initialize now: it may have been upgraded. Probe afresh.
      input.log.info({ err: err instanceof Error ? err.message : String(err) }, 'remembered as 2025-11-25 but initialize failed; probing with server/discover');
      abandon(peer);
    }
  }
  return probe(input);
}

async function probe(input: NegotiationInput): Promise<Negotiated> {
  let peer = await input.open();
  // A server found modern before may take its time to start; an unknown one gets a short probe.
  const limit = input.remembered === '2026-07-28' ? input.connectTimeoutMs : Math.min(input.connectTimeoutMs, PROBE_LIMIT_MS);
  try {
    const handshake = await discover(peer, input.envelope, limit);
    if (handshake) return { peer, handshake, era: MODERN_PROTOCOL_VERSION };
    input.log.debug('server/discover answered without 2026-07-28; using initialize');
  } catch (err) {
    if (err instanceof UpstreamError) {
      input.log.debug({ code: err.code }, 'server/discover answered with an error; initialize on the same connection');
    } else {
      // No answer in time, or the connection broke: this connection cannot be trusted with an
      // initialize (a late answer, a dead child). Start over on a fresh one.
      input.log.debug({ err: err instanceof Error ? err.message : String(err) }, 'server/discover probe got no answer; initialize on a fresh connection');
      abandon(peer);
      peer = await input.open();
    }
  }
  return legacy(input, peer);
}

async function forcedModern(input: NegotiationInput): Promise<Negotiated> {
  const peer = await input.open();
  let handshake: Handshake | undefined;
  try {
    handshake = await discover(peer, input.envelope, input.connectTimeoutMs);
  } catch (err) {
    if (err instanceof UpstreamError) throw notModern(`it answered server/discover with an error: ${err.message}`);
    throw err;
  }
  if (!handshake) throw notModern('its server/discover answer does not list 2026-07-28');
  return { peer, handshake, era: MODERN_PROTOCOL_VERSION };
}

async function legacy(input: NegotiationInput, peer: RpcPeer): Promise<Negotiated> {
  const handshake = await initialize(peer, input.envelope.clientCapabilities, input.envelope.clientInfo, input.connectTimeoutMs);
  return { peer, handshake, era: '2025-11-25' };
}

/** A connection given up on mid-negotiation: nobody waits for it to die (it may use its whole grace). */
function abandon(peer: RpcPeer): void {
  peer.close().catch(() => undefined);
}

function notModern(why: string): SwitchboardError {
  return new SwitchboardError('SB_BACKEND_START_FAILED', `the server does not speak protocol 2026-07-28 (${why}); set protocol: auto or 2025-11-25 for it`);
}

export interface AttemptInput extends Omit<NegotiationInput, 'open' | 'kind'> {
  attempt: TransportAttempt;
  /** A new transport of the attempt's kind (a probe may leave the first one unusable). */
  fresh(): Transport;
  /** A peer over a transport, wired to the backend's handlers. */
  newPeer(transport: Transport): RpcPeer;
}

/** Negotiate over one transport attempt; on failure every connection it opened is closed. */
export async function negotiateOver(input: AttemptInput): Promise<Negotiated> {
  let unused: Transport | undefined = input.attempt.transport;
  let latest: RpcPeer | undefined;
  const open = async (): Promise<RpcPeer> => {
    const transport = unused ?? input.fresh();
    unused = undefined;
    latest = input.newPeer(transport);
    await withTimeout(latest.start(), input.connectTimeoutMs);
    return latest;
  };
  try {
    return await negotiate({ ...input, kind: input.attempt.kind, open });
  } catch (err) {
    // Failures are closed here, whichever step failed. One that did not answer in time may use its
    // whole shutdown grace: nobody waits for that. One that exited is gone already, and waiting lets
    // its last stderr lines into the message.
    const closing = latest?.close().catch(() => undefined);
    if (!isHandshakeTimeout(handshakeError(err, input.connectTimeoutMs))) await closing;
    throw err;
  }
}
