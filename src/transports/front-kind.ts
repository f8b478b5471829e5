/** Which front a transport belongs to, so sessions can be counted by front (metrics, status page). */
import type { Transport } from '@modelcontextprotocol/server';
import type { FrontKind } from '../status/sessions.js';
import { SseServerTransport } from './sse-server.js';
import { StdioFrontTransport } from './stdio-front.js';
import { StreamableHttpServerTransport } from './streamable-http-transport.js';
import { WebSocketTransport } from './ws-transport.js';

export function frontKindOf(transport: Transport): FrontKind | undefined {
  if (transport instanceof StreamableHttpServerTransport) return 'http';
  if (transport instanceof SseServerTransport) return 'sse';
  if (transport instanceof WebSocketTransport) return 'ws';
  if (transport instanceof StdioFrontTransport) return 'stdio';
  return undefined;
}
