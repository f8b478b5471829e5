/**
 * What a front does when its client reads slower than backends write. Backend messages reach a front
 * synchronously (the peer delivers in wire order), so without a limit a backend's burst toward a
 * client that stopped reading would sit in the router's memory without bound.
 *
 * The protocol lets a receiver lose logs and progress (both are advisory), never responses or
 * requests. So past `maxBufferedBytes` waiting for the client, logs and progress are dropped and
 * counted; everything else is still queued (it is bounded by the client's own requests). The count
 * is logged when dropping starts and, with the total, when the client has caught up.
 */
import type { Logger } from '../log.js';

/** 8 MiB: 20,000 progress notifications are about 2 MiB, so a burst to a client that reads is never cut. */
export const DEFAULT_MAX_BUFFERED_BYTES = 8 * 1024 * 1024;

const DROPPABLE = new Set(['notifications/message', 'notifications/progress']);

export class CongestionDrops {
  private readonly max: number;
  private readonly log?: Logger;
  private dropping = 0;
  /** Every message dropped since the front opened. */
  total = 0;

  constructor(
    private readonly front: string,
    options: { log?: Logger; maxBufferedBytes?: number },
  ) {
    this.max = options.maxBufferedBytes ?? DEFAULT_MAX_BUFFERED_BYTES;
    this.log = options.log;
  }

  /** True when `message` should be dropped: droppable, and the client is `buffered` bytes behind. */
  drop(message: unknown, buffered: number): boolean {
    if (buffered <= this.max) {
      if (this.dropping > 0) {
        this.log?.warn({ front: this.front, dropped: this.dropping, total: this.total }, 'client caught up; logs and progress flow again');
        this.dropping = 0;
      }
      return false;
    }
    const method = (message as { method?: unknown }).method;
    if (typeof method !== 'string' || !DROPPABLE.has(method)) return false;
    if (this.dropping === 0) this.log?.warn({ front: this.front, bufferedBytes: buffered }, 'client is not reading; dropping logs and progress until it catches up');
    this.dropping++;
    this.total++;
    return true;
  }
}
