/**
 * One adapter per front the router serves, all with the same small surface, so a contract suite can
 * run the same cases against each: open a session, send raw text or an object, take the next message
 * that matches, end the session the front's own way. Everything goes through real transports: the
 * built CLI over a pipe, raw HTTP POSTs, the legacy SSE GET + POST pair, raw WebSocket frames, and
 * Router.connect with an in-memory pair (no bytes, so no framing cases there).
 */
import { WebSocket } from 'ws';
import { InMemoryTransport, type JSONRPCMessage } from '@modelcontextprotocol/client';
import { loadConfig } from '../../src/config/index.js';
import { silentLogger } from '../../src/log.js';
import { Router } from '../../src/router.js';
import { assertBuilt, spawnCli, type CliProcess } from '../helpers/cli.js';
import { BaseConn, NO_STATUS, textOf, type FrontConn, type Sent } from './conn.js';
import type { Message } from './inbox.js';
import { HttpConn, SseConn, WsConn } from './network-conns.js';

export { PROTOCOL_VERSION, initialize, type FrontConn } from './conn.js';

export interface FrontDriver {
  readonly name: string;
  /** Raw bytes reach the router (so malformed JSON can be sent). */
  readonly bytes: boolean;
  /** Each message is an HTTP request with a status of its own. */
  readonly http: boolean;
  /** Size of one message over the front's limit; undefined when the front has none. */
  readonly oversize?: number;
  /** What `end()` observes on this front when the router behaves. */
  readonly ended: string;
  start(configPath: string): Promise<void>;
  open(): Promise<FrontConn>;
  stop(): Promise<void>;
}

/** listen.maxBodyBytes in the contract config: the limit of the HTTP, SSE and WebSocket fronts. */
export const NETWORK_LIMIT = 64 * 1024;
/** The stdio front's fixed line limit (StdioFrontTransport's default). */
export const STDIO_LIMIT = 64 * 1024 * 1024;

const BACKENDS_UP = /mcp-switchboard: (\d+)\/\1 backends up/;

// ---- stdio: the built CLI's `serve`, newline-delimited JSON over a real pipe ----

export class StdioConn extends BaseConn {
  private partial = '';
  readonly nonJson: string[] = [];

  constructor(private readonly cli: CliProcess) {
    super();
    const out = cli.child.stdout!;
    out.setEncoding('utf8');
    out.on('data', (chunk: string) => {
      const lines = (this.partial + chunk).split('\n');
      this.partial = lines.pop() ?? '';
      for (const line of lines) {
        try {
          this.inbox.push(JSON.parse(line) as Message);
        } catch {
          this.nonJson.push(line);
        }
      }
    });
    void cli.exited.then((e) => this.inbox.end(`serve exited with ${e.code ?? e.signal}`));
    cli.child.stdin!.on('error', () => undefined); // EPIPE once the process is gone: the inbox says so
  }

  send(message: string | object): Sent {
    this.cli.child.stdin!.write(`${textOf(message)}\n`);
    return NO_STATUS;
  }

  async end(): Promise<string> {
    this.cli.child.stdin!.end();
    const exit = await this.cli.exited;
    const stray = this.nonJson.length + (this.partial ? 1 : 0);
    return `exit ${exit.code ?? exit.signal}${stray ? `, ${stray} non-JSON line(s) on stdout` : ''}`;
  }

  async close(): Promise<void> {
    await this.cli.kill();
  }
}

/** stdio has one session per process: each open() starts another `serve`, as each client launches its own. */
export function stdioFront(): FrontDriver {
  let configPath: string | undefined;
  const started: CliProcess[] = [];
  return {
    name: 'stdio',
    bytes: true,
    http: false,
    // Over one read chunk past the limit: the reader checks the partial line it buffers.
    oversize: STDIO_LIMIT + 1024 * 1024,
    ended: 'exit 0',
    async start(path) {
      assertBuilt();
      configPath = path;
    },
    async open() {
      const cli = spawnCli(['serve', '--config', configPath!, '--log-level', 'warn']);
      started.push(cli);
      const conn = new StdioConn(cli);
      await cli.waitForStderr(BACKENDS_UP, 25_000);
      return conn;
    },
    async stop() {
      await Promise.all(started.map((cli) => cli.kill()));
    },
  };
}

// ---- the network fronts of `serve --transport http|sse|ws` ----

interface Listening {
  cli: CliProcess;
  urls: string[];
}

async function serveNetwork(transport: 'http' | 'sse' | 'ws', configPath: string): Promise<Listening> {
  assertBuilt();
  const cli = spawnCli(['serve', '--transport', transport, '--port', '0', '--config', configPath, '--log-level', 'warn']);
  await cli.waitForStderr(BACKENDS_UP, 25_000);
  const urls = [...cli.stderr().matchAll(/mcp-switchboard listening on (\S+)\n/g)].map((m) => m[1]!);
  return { cli, urls };
}

export function httpFront(): FrontDriver {
  let served: Listening | undefined;
  return {
    name: 'streamable-http',
    bytes: true,
    http: true,
    oversize: NETWORK_LIMIT + 1024,
    ended: 'DELETE 200, then 404',
    async start(configPath) {
      served = await serveNetwork('http', configPath);
    },
    async open() {
      return new HttpConn(served!.urls.find((u) => u.endsWith('/mcp'))!);
    },
    async stop() {
      await served?.cli.kill();
    },
  };
}

export function sseFront(): FrontDriver {
  let served: Listening | undefined;
  return {
    name: 'legacy-sse',
    bytes: true,
    http: true,
    oversize: NETWORK_LIMIT + 1024,
    ended: 'stream closed, then 404',
    async start(configPath) {
      served = await serveNetwork('sse', configPath);
    },
    async open() {
      return new SseConn(served!.urls.find((u) => u.endsWith('/sse'))!).open();
    },
    async stop() {
      await served?.cli.kill();
    },
  };
}

export function wsFront(): FrontDriver {
  let served: Listening | undefined;
  return {
    name: 'websocket',
    bytes: true,
    http: false,
    oversize: NETWORK_LIMIT + 1024,
    ended: 'close 1000',
    async start(configPath) {
      served = await serveNetwork('ws', configPath);
    },
    async open() {
      const ws = new WebSocket(served!.urls.find((u) => u.startsWith('ws://'))!, ['mcp']);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      return new WsConn(ws);
    },
    async stop() {
      await served?.cli.kill();
    },
  };
}

// ---- in-memory: Router.connect with a linked pair, in this process ----

class MemoryConn extends BaseConn {
  constructor(
    private readonly router: Router,
    private readonly transport: InMemoryTransport,
  ) {
    super();
    transport.onmessage = (m) => this.inbox.push(m as unknown as Message);
    transport.onclose = () => this.inbox.end('in-memory transport closed');
  }

  send(message: string | object): Sent {
    const object = typeof message === 'string' ? (JSON.parse(message) as object) : message;
    void this.transport.send(object as JSONRPCMessage).catch(() => undefined);
    return NO_STATUS;
  }

  async end(): Promise<string> {
    const before = this.router.sessionCount();
    await this.transport.close();
    const deadline = Date.now() + 5000;
    while (this.router.sessionCount() !== before - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const after = this.router.sessionCount();
    return after === before - 1 ? 'one session fewer' : `sessions ${before} -> ${after}`;
  }

  async close(): Promise<void> {
    await this.transport.close();
  }
}

export function memoryFront(): FrontDriver {
  let router: Router | undefined;
  return {
    name: 'in-memory',
    bytes: false,
    http: false,
    ended: 'one session fewer',
    async start(configPath) {
      const { config } = await loadConfig({ path: configPath, env: process.env, cwd: process.cwd() });
      router = new Router(config, { log: silentLogger(), waitForFirstStart: true });
      await router.start();
    },
    async open() {
      const [client, server] = InMemoryTransport.createLinkedPair();
      const conn = new MemoryConn(router!, client);
      await client.start();
      await router!.connect(server);
      return conn;
    },
    async stop() {
      await router?.close();
    },
  };
}

/** A fresh driver per front (drivers hold their server): one set per test file. */
export function allFronts(): FrontDriver[] {
  return [stdioFront(), httpFront(), sseFront(), wsFront(), memoryFront()];
}
