/**
 * The three kinds of client the era matrix runs every case with, behind one small interface:
 * the SDK v2 client pinned to 2026-07-28 (stateless, server/discover, MRTR handled by the SDK's
 * own retry), the SDK v2 client in its plain 2025 mode (initialize, a session), and the SDK v1 client
 * (@modelcontextprotocol/sdk 1.x, 2025-11-25 at most). Every client answers the server's questions
 * the same deterministic way, so one expected value serves every combination:
 *
 * - elicitation: each requested property it knows is filled (answer: "re: <message>", name: Kim,
 *   age: 40, ok: true), and the form is accepted;
 * - sampling: the model "matrix-model" says "sampled: <first message's text>";
 * - roots: one root, MATRIX_ROOTS.
 */
import { Client as ClientV2, StreamableHTTPClientTransport as HttpV2 } from '@modelcontextprotocol/client';
import { StdioClientTransport as StdioV2 } from '@modelcontextprotocol/client/stdio';
import { Client as ClientV1 } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport as StdioV1 } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport as HttpV1 } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js';

export const MODERN = '2026-07-28';
export const LEGACY = '2025-11-25';
export const MATRIX_ROOTS = [{ uri: 'file:///matrix/root', name: 'matrix' }];
export const CLIENT_CAPABILITIES = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } };

export type ClientKind = 'sdk-v2@2026-07-28' | 'sdk-v2@2025-11-25' | 'sdk-v1@2025-11-25';
export const CLIENT_KINDS: readonly ClientKind[] = ['sdk-v2@2026-07-28', 'sdk-v2@2025-11-25', 'sdk-v1@2025-11-25'];

export function eraOf(kind: ClientKind): typeof MODERN | typeof LEGACY {
  return kind === 'sdk-v2@2026-07-28' ? MODERN : LEGACY;
}

/** One server->client request as the client's handler saw it. */
export interface Asked {
  method: string;
  /** The elicitation message, or the sampling request's first text. */
  text?: string;
}

export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  structuredContent?: unknown;
  isError?: boolean;
  [key: string]: unknown;
}

export interface CallOptions {
  onprogress?: (progress: { progress: number; total?: number }) => void;
  signal?: AbortSignal;
}

/** What a client hears of tool list changes, however its era delivers them. */
export interface ToolChangeWatch {
  /** The params of every tools/list_changed received since the watch began. */
  seen: Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export interface MatrixClient {
  kind: ClientKind;
  era: typeof MODERN | typeof LEGACY;
  negotiatedVersion(): string | undefined;
  /** Every question the server asked this client, in order. */
  asked: Asked[];
  callTool(name: string, args: Record<string, unknown>, opts?: CallOptions): Promise<ToolResult>;
  /** A raw tools/call with extra top-level params (what a client library's callTool would not send). */
  callToolRaw(params: Record<string, unknown>): Promise<ToolResult>;
  toolNames(): Promise<string[]>;
  /** 2026-07-28: a subscriptions/listen stream; 2025: the session's unsolicited notifications. */
  watchToolChanges(): Promise<ToolChangeWatch>;
  close(): Promise<void>;
}

export type ClientTarget = { http: string } | { stdio: { command: string; args: string[]; cwd?: string } };

function elicited(message: string, schema: { properties?: Record<string, unknown> } | undefined): Record<string, unknown> {
  const known: Record<string, unknown> = { answer: `re: ${message}`, name: 'Kim', age: 40, ok: true };
  return Object.fromEntries(Object.keys(schema?.properties ?? {}).filter((k) => k in known).map((k) => [k, known[k]]));
}

function firstText(messages: Array<{ content: unknown }>): string {
  const content = messages[0]?.content as { type?: string; text?: string } | Array<{ type?: string; text?: string }> | undefined;
  const block = Array.isArray(content) ? content[0] : content;
  return block?.type === 'text' ? (block.text ?? '') : '';
}

const sampled = (text: string) => ({ role: 'assistant' as const, model: 'matrix-model', content: { type: 'text' as const, text: `sampled: ${text}` } });

export async function connectMatrixClient(kind: ClientKind, target: ClientTarget): Promise<MatrixClient> {
  return kind === 'sdk-v1@2025-11-25' ? connectV1(target) : connectV2(kind, target);
}

async function connectV2(kind: ClientKind, target: ClientTarget): Promise<MatrixClient> {
  const era = eraOf(kind);
  const asked: Asked[] = [];
  // The v2 client has no "pin 2025-11-25": its pin is for the modern era only, and 'legacy' is the
  // plain 2025 connect (initialize, which negotiates 2025-11-25, the SDK's latest of that era).
  const client = new ClientV2({ name: `matrix-${kind}`, version: '1.0.0' }, {
    capabilities: CLIENT_CAPABILITIES,
    versionNegotiation: { mode: era === MODERN ? { pin: MODERN } : 'legacy' },
  });
  client.setRequestHandler('elicitation/create', async (r) => {
    asked.push({ method: 'elicitation/create', text: r.params.message });
    return { action: 'accept', content: elicited(r.params.message, 'requestedSchema' in r.params ? r.params.requestedSchema : undefined) as Record<string, string> };
  });
  client.setRequestHandler('sampling/createMessage', async (r) => {
    const text = firstText(r.params.messages);
    asked.push({ method: 'sampling/createMessage', text });
    return sampled(text);
  });
  client.setRequestHandler('roots/list', async () => {
    asked.push({ method: 'roots/list' });
    return { roots: MATRIX_ROOTS };
  });
  const transport = 'http' in target ? new HttpV2(new URL(target.http)) : new StdioV2({ ...target.stdio, stderr: 'ignore' });
  await client.connect(transport);
  const seen: Array<Record<string, unknown>> = [];
  let watching = false;
  client.setNotificationHandler('notifications/tools/list_changed', async (n) => {
    if (watching) seen.push((n.params ?? {}) as Record<string, unknown>);
  });
  return {
    kind,
    era,
    asked,
    negotiatedVersion: () => client.getNegotiatedProtocolVersion(),
    callTool: async (name, args, opts) => (await client.callTool({ name, arguments: args }, opts)) as ToolResult,
    callToolRaw: async (params) => (await client.request({ method: 'tools/call', params: params as { name: string } })) as ToolResult,
    toolNames: async () => (await client.listTools()).tools.map((t) => t.name),
    async watchToolChanges() {
      seen.length = 0;
      watching = true;
      const subscription = era === MODERN ? await client.listen({ toolsListChanged: true }) : undefined;
      return {
        seen,
        close: async () => {
          watching = false;
          await subscription?.close();
        },
      };
    },
    close: () => client.close(),
  };
}

async function connectV1(target: ClientTarget): Promise<MatrixClient> {
  const asked: Asked[] = [];
  const client = new ClientV1({ name: 'matrix-sdk-v1', version: '1.0.0' }, { capabilities: CLIENT_CAPABILITIES });
  client.setRequestHandler(ElicitRequestSchema, async (r) => {
    asked.push({ method: 'elicitation/create', text: r.params.message });
    const schema = 'requestedSchema' in r.params ? (r.params.requestedSchema as { properties?: Record<string, unknown> }) : undefined;
    return { action: 'accept', content: elicited(r.params.message, schema) as Record<string, string> };
  });
  client.setRequestHandler(CreateMessageRequestSchema, async (r) => {
    const text = firstText(r.params.messages);
    asked.push({ method: 'sampling/createMessage', text });
    return sampled(text);
  });
  client.setRequestHandler(ListRootsRequestSchema, async () => {
    asked.push({ method: 'roots/list' });
    return { roots: MATRIX_ROOTS };
  });
  const transport: (HttpV1 | StdioV1) & { setProtocolVersion?: (version: string) => void } = 'http' in target ? new HttpV1(new URL(target.http)) : new StdioV1({ ...target.stdio, stderr: 'ignore' });
  // v1 has no accessor for the negotiated version; it hands it to its transport after initialize.
  let negotiated: string | undefined;
  const handOver = transport.setProtocolVersion?.bind(transport);
  transport.setProtocolVersion = (version: string) => {
    negotiated = version;
    handOver?.(version);
  };
  await client.connect(transport);
  const seen: Array<Record<string, unknown>> = [];
  let watching = false;
  client.setNotificationHandler(ToolListChangedNotificationSchema, async (n) => {
    if (watching) seen.push((n.params ?? {}) as Record<string, unknown>);
  });
  return {
    kind: 'sdk-v1@2025-11-25',
    era: LEGACY,
    asked,
    negotiatedVersion: () => negotiated,
    callTool: async (name, args, opts) => (await client.callTool({ name, arguments: args }, undefined, opts)) as ToolResult,
    callToolRaw: async (params) => {
      const { CallToolResultSchema } = await import('@modelcontextprotocol/sdk/types.js');
      return (await client.request({ method: 'tools/call', params: params as { name: string } }, CallToolResultSchema)) as ToolResult;
    },
    toolNames: async () => (await client.listTools()).tools.map((t) => t.name),
    async watchToolChanges() {
      seen.length = 0;
      watching = true;
      return {
        seen,
        close: async () => {
          watching = false;
        },
      };
    },
    close: () => client.close(),
  };
}

/**
 * A bare SDK v2 client over Streamable HTTP: pinned to 2026-07-28, or in its 2025 mode (a session).
 * For tests that need a client of an era and nothing of the matrix's answering machinery.
 */
export async function bareHttpClient(url: string, era: typeof MODERN | typeof LEGACY): Promise<ClientV2> {
  const name = era === MODERN ? 'modern' : 'legacy';
  const client = new ClientV2({ name, version: '1.0.0' }, { capabilities: {}, ...(era === MODERN && { versionNegotiation: { mode: { pin: MODERN } } }) });
  await client.connect(new HttpV2(new URL(url)));
  return client;
}
