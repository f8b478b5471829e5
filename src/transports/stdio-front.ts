/**
 * The stdio front: newline-delimited JSON-RPC on our stdin/stdout. This is the one place in src/ that
 * writes to stdout. A line that is not JSON gets a JSON-RPC parse error (id null) instead of silence,
 * and the session carries on; a line over the size limit is dropped with an error, never buffered forever.
 */
import type { Readable, Writable } from 'node:stream';
import type { JSONRPCMessage, Transport } from '@modelcontextprotocol/server';
import { LineWriter } from '../util/line-writer.js';
import { LineReader } from '../util/line-reader.js';
import { isJsonRpcMessage } from '../rpc/message-shape.js';
import { SwitchboardError, toWireError } from '../errors/index.js';
import type { Logger } from '../log.js';
import { CongestionDrops } from './congestion.js';

/** Largest line accepted on stdin; a longer one gets a JSON-RPC error and is skipped. */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

export class StdioFrontTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private started = false;
  private closed = false;
  private readonly reader: LineReader;
  private readonly writer: LineWriter;
  private readonly drops: CongestionDrops;

  constructor(
    private readonly stdin: Readable = process.stdin,
    private readonly stdout: Writable = process.stdout,
    options: { log?: Logger; maxBufferedBytes?: number } = {},
  ) {
    this.writer = new LineWriter(stdout);
    this.drops = new CongestionDrops('stdio', options);
    this.reader = new LineReader(
      (line) => this.deliver(line),
      MAX_MESSAGE_BYTES,
      () => this.reply(new SwitchboardError('SB_MESSAGE_TOO_LARGE', `Message too large: the limit is ${MAX_MESSAGE_BYTES} bytes`, { data: { limit: MAX_MESSAGE_BYTES } })),
    );
  }

  async start(): Promise<void> {
    if (this.started) throw new Error('StdioFrontTransport already started');
    this.started = true;
    this.stdin.setEncoding('utf8');
    this.stdin.on('data', this.onData);
    this.stdin.on('end', this.onEnd);
    this.stdin.on('close', this.onEnd);
    this.stdin.on('error', this.onStreamError);
    this.stdout.on('error', this.onStreamError);
  }

  private readonly onData = (chunk: string): void => this.reader.push(chunk);

  private deliver(line: string): void {
    let message: unknown;
    try {
      message = JSON.parse(line);
    } catch {
      this.reply(new SwitchboardError('SB_PARSE_ERROR', 'Parse error: a line on stdin was not valid JSON'));
      return;
    }
    if (!isJsonRpcMessage(message)) {
      this.reply(new SwitchboardError('SB_INVALID_REQUEST', 'Invalid Request: expected a JSON-RPC 2.0 request, notification or response'));
      return;
    }
    this.onmessage?.(message);
  }

  /** Errors about a message we could not read have no request id to answer: id null. */
  private reply(err: SwitchboardError): void {
    void this.send({ jsonrpc: '2.0', id: null, error: toWireError(err) } as unknown as JSONRPCMessage).catch(() => undefined);
  }

  private readonly onEnd = (): void => {
    void this.close();
  };

  private readonly onStreamError = (err: Error): void => {
    this.onerror?.(err);
  };

  send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) return Promise.reject(new Error('stdio front is closed'));
    if (this.drops.drop(message, this.writer.bufferedBytes)) return Promise.resolve();
    this.writer.write(message);
    return Promise.resolve();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.writer.flush();
    this.closed = true;
    this.stdin.off('data', this.onData);
    this.stdin.off('end', this.onEnd);
    this.stdin.off('close', this.onEnd);
    this.stdin.pause();
    this.onclose?.();
  }
}
