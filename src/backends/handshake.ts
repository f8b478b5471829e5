/**
 * The 2025-era handshake toward a backend: initialize, check the version, tell the transport (HTTP
 * sends it as a header on every later request), then notifications/initialized. Ours rather than
 * the SDK Client's because the connection runs on our own peer (src/rpc/peer.ts) from the first byte.
 */
import type { ClientCapabilities, Implementation, ServerCapabilities } from '@modelcontextprotocol/client';
import type { RpcPeer } from '../rpc/peer.js';
import { LATEST_PROTOCOL_VERSION, SUPPORTED_PROTOCOL_VERSIONS } from '../rpc/protocol-version.js';

export interface Handshake {
  protocolVersion: string;
  capabilities: ServerCapabilities;
  serverInfo?: Implementation;
  instructions?: string;
}

export async function initialize(peer: RpcPeer, clientCapabilities: ClientCapabilities, clientInfo: Implementation, timeoutMs: number): Promise<Handshake> {
  const result = (await peer.request(
    'initialize',
    { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: clientCapabilities, clientInfo },
    { timeoutMs },
  )) as { protocolVersion?: unknown; capabilities?: ServerCapabilities; serverInfo?: Implementation; instructions?: unknown };
  const version = result.protocolVersion;
  if (typeof version !== 'string' || !SUPPORTED_PROTOCOL_VERSIONS.includes(version)) {
    throw new Error(`the server answered initialize with protocol version ${JSON.stringify(version)}, which this router does not speak (it speaks ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`);
  }
  (peer.transport as { setProtocolVersion?: (v: string) => void }).setProtocolVersion?.(version);
  await peer.notify('notifications/initialized');
  return {
    protocolVersion: version,
    capabilities: result.capabilities ?? {},
    ...(result.serverInfo && { serverInfo: result.serverInfo }),
    ...(typeof result.instructions === 'string' && { instructions: result.instructions }),
  };
}
