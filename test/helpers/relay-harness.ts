/**
 * Shared pieces of the "full protocol relay" suites: backend configs (two stdio fixtures and the
 * reference "everything" server), SDK clients that record every notification and every raw message,
 * a wire tap for a backend's transport, and a start gate that holds a backend's reconnection until
 * the test has looked at the "down" state (so nothing races a restart).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { Client, InMemoryTransport, ProtocolError, type ClientCapabilities, type JSONRPCMessage, type Transport } from '@modelcontextprotocol/client';
import { makeServerConfig, type ServerOptions } from '../../src/config/defaults.js';
import type { ServerConfig } from '../../src/config/types.js';
import { defaultTransportFactory, type TransportFactory } from '../../src/backends/transport-factory.js';
import type { Router } from '../../src/router.js';
import type { FrontSession } from '../../src/front/session.js';
import type { CatalogView } from '../../src/catalog/view.js';
import { isAlive, processTree } from './proc-tree.js';
import { fixtureStdioCommand } from './spawn-fixture.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const EVERYTHING = join(ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');

export function fixtureServer(name: string, opts: ServerOptions = {}): ServerConfig {
  const { command, args } = fixtureStdioCommand(name);
  return makeServerConfig(name, { kind: 'stdio', command, args, env: {}, cwd: ROOT }, opts);
}

export function everythingServer(opts: ServerOptions = {}): ServerConfig {
  return makeServerConfig('everything', { kind: 'stdio', command: process.execPath, args: [EVERYTHING, 'stdio'], env: {}, cwd: ROOT }, opts);
}

export interface Note {
  method: string;
  params: Record<string, unknown>;
}

/** Raw JSON-RPC traffic of one transport, in wire order. */
export interface Tap {
  sent: JSONRPCMessage[];
  received: JSONRPCMessage[];
}

/** Record what goes through a connected transport (call after connect: the SDK installs onmessage there). */
export function tapTransport(transport: Transport): Tap {
  const tap: Tap = { sent: [], received: [] };
  const send = transport.send.bind(transport);
  transport.send = (message, options) => {
    tap.sent.push(message);
    return send(message, options);
  };
  const onmessage = transport.onmessage;
  transport.onmessage = (message, extra) => {
    tap.received.push(message);
    onmessage?.call(transport, message, extra);
  };
  return tap;
}

export interface RelayClient {
  label: string;
  client: Client;
  /** Every notification the client received that the SDK did not consume itself, in order. */
  notes: Note[];
  tap: Tap;
  /** Server->client requests this client answered: method and params. */
  asked: Note[];
  transport: Transport;
  /** The router's side of this client. */
  session: FrontSession;
}

export const ALL_CLIENT_CAPABILITIES: ClientCapabilities = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } };

/**
 * Install sampling/elicitation/roots handlers whose answers name the client, so a test can tell who
 * answered. Only for the capabilities declared.
 */
export function answerAs(client: Client, label: string, capabilities: ClientCapabilities, asked: Note[]): void {
  if (capabilities.sampling) {
    client.setRequestHandler('sampling/createMessage', async (request) => {
      asked.push({ method: 'sampling/createMessage', params: request.params as Record<string, unknown> });
      const first = request.params.messages[0]?.content as { type?: string; text?: string } | undefined;
      return { role: 'assistant', model: `model-of-${label}`, content: { type: 'text', text: `${label} sampled: ${first?.text ?? ''}` } };
    });
  }
  if (capabilities.elicitation) {
    client.setRequestHandler('elicitation/create', async (request) => {
      asked.push({ method: 'elicitation/create', params: request.params as Record<string, unknown> });
      return { action: 'accept', content: { answer: `${label} answers` } };
    });
  }
  if (capabilities.roots) {
    client.setRequestHandler('roots/list', async (request) => {
      asked.push({ method: 'roots/list', params: (request.params ?? {}) as Record<string, unknown> });
      return { roots: [{ uri: `file:///work/${label}`, name: `${label}-root` }] };
    });
  }
}

export function recordNotes(client: Client, notes: Note[]): void {
  client.fallbackNotificationHandler = async (n) => {
    notes.push({ method: n.method, params: (n.params ?? {}) as Record<string, unknown> });
  };
}

/** A front client on an in-memory pair into Router.connect. */
export async function connectClient(
  router: Router,
  label: string,
  capabilities: ClientCapabilities = ALL_CLIENT_CAPABILITIES,
  view?: CatalogView,
): Promise<RelayClient> {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const session = await router.connect(serverSide, view);
  const client = new Client({ name: `relay-${label}`, version: '1.0.0' }, { capabilities });
  const notes: Note[] = [];
  const asked: Note[] = [];
  recordNotes(client, notes);
  answerAs(client, label, capabilities, asked);
  await client.connect(clientSide);
  const tap = tapTransport(clientSide);
  return { label, client, notes, tap, asked, transport: clientSide, session };
}

export function notesOf(c: { notes: Note[] }, method: string): Note[] {
  return c.notes.filter((n) => n.method === method);
}

export function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((c) => (c.type === 'text' ? c.text : `[${c.type}]`)).join('\n');
}

export async function rpcError(promise: Promise<unknown>, what = 'the request'): Promise<ProtocolError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return err as ProtocolError;
  }
  throw new Error(`expected ${what} to fail`);
}

/** Every page of tools/list via raw requests; fails on a repeated cursor. */
export async function allToolNames(client: Client, onPage?: (page: number) => Promise<void>): Promise<string[]> {
  const names: string[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let page = 1; page <= 200; page++) {
    const result = (await client.request({ method: 'tools/list', params: cursor === undefined ? {} : { cursor } } as never)) as {
      tools: Array<{ name: string }>;
      nextCursor?: string;
    };
    names.push(...result.tools.map((t) => t.name));
    if (result.nextCursor === undefined) return names;
    expect(seen.has(result.nextCursor), `cursor repeated: ${result.nextCursor}`).toBe(false);
    seen.add(result.nextCursor);
    cursor = result.nextCursor;
    await onPage?.(page);
  }
  throw new Error('tools/list: more than 200 pages');
}

/** Requests (method, id, params) a tap saw going out. */
export function sentRequests(tap: Tap, method: string): Array<{ id: string | number; params: Record<string, unknown> }> {
  return tap.sent.flatMap((m) => ('method' in m && 'id' in m && m.method === method ? [{ id: m.id as string | number, params: (m.params ?? {}) as Record<string, unknown> }] : []));
}

/** The tools/call requests for `tool` a tap saw going out. */
export function sentToolCalls(tap: Tap, tool: string): Array<{ id: string | number; params: Record<string, unknown> }> {
  return sentRequests(tap, 'tools/call').filter((r) => r.params.name === tool);
}

/**
 * Holds chosen backends' next (re)connection until released: the transport's start() waits for the
 * gate. Lets a test look at a backend's "down" state without racing the router's retry.
 */
export class StartGate {
  private readonly held = new Map<string, { promise: Promise<void>; release: () => void }>();

  hold(server: string): void {
    let release!: () => void;
    const promise = new Promise<void>((resolve) => (release = resolve));
    this.held.set(server, { promise, release });
  }

  release(server: string): void {
    this.held.get(server)?.release();
    this.held.delete(server);
  }

  releaseAll(): void {
    for (const server of [...this.held.keys()]) this.release(server);
  }

  readonly factory: TransportFactory = (server, hooks) =>
    defaultTransportFactory(server, hooks).map((attempt) => {
      const gate = this.held.get(server.name);
      return gate ? { kind: attempt.kind, transport: gated(attempt.transport, gate.promise) } : attempt;
    });
}

function gated(inner: Transport, gate: Promise<void>): Transport {
  const outer: Transport = {
    async start() {
      await gate;
      inner.onmessage = (message, extra) => outer.onmessage?.(message, extra);
      inner.onclose = () => outer.onclose?.();
      inner.onerror = (error) => outer.onerror?.(error);
      await inner.start();
    },
    send: (message, options) => inner.send(message, options),
    close: () => inner.close(),
  };
  return outer;
}

/** Live fixture processes started (directly or in their own process groups) below this test process, for server `name`. */
export function fixtureProcesses(name: string): number[] {
  return processTree(process.pid).filter((pid) => {
    if (!isAlive(pid)) return false;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      return false;
    }
    return cmdline.includes('fixture-main.ts') && cmdline.includes(` --name ${name} `);
  });
}
