/**
 * The open SSE response one session stream is written to right now. A stream outlives its
 * responses: when a client resumes it (GET with Last-Event-ID), a new sink takes over and holds live
 * events while the replay is being read, so they go out after it, in order, each exactly once.
 */
import type { ServerResponse } from 'node:http';
import type { JSONRPCMessage } from '@modelcontextprotocol/server';
import { encodeMessage } from '../util/encode-message.js';

export interface Frame {
  seq: number;
  text: string;
}

export function sseFrame(id: string, message: JSONRPCMessage): string {
  return `id: ${id}\nevent: message\ndata: ${encodeMessage(message)}\n\n`;
}

export class SseSink {
  /** Live frames that arrived while the replay was being read (undefined: not replaying). */
  #held?: Frame[];
  #endAfterReplay = false;

  constructor(
    readonly res: ServerResponse,
    replaying: boolean,
  ) {
    if (replaying) this.#held = [];
  }

  /** Bytes waiting for the client (what congestion control looks at). */
  get buffered(): number {
    return this.res.writableLength;
  }

  write(frame: Frame): void {
    if (this.#held) this.#held.push(frame);
    else if (!this.res.writableEnded && !this.res.destroyed) this.res.write(frame.text);
  }

  end(): void {
    if (this.#held) this.#endAfterReplay = true;
    else if (!this.res.writableEnded) this.res.end();
  }

  /** The replay was read: write it, then the live frames it did not already contain. */
  replayed(frames: Frame[]): void {
    const held = this.#held ?? [];
    this.#held = undefined;
    let last = -1;
    for (const frame of frames) {
      this.write(frame);
      last = Math.max(last, frame.seq);
    }
    for (const frame of held) if (frame.seq > last) this.write(frame);
    if (this.#endAfterReplay) this.end();
  }
}
