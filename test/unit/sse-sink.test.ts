import type { ServerResponse } from 'node:http';
import { describe, expect, it } from 'vitest';
import { SseSink, type Frame } from '../../src/transports/sse-sink.js';
import { eventId, parseEventId } from '../../src/transports/event-store.js';

/** What a response received, in order: written text, then 'END' once ended. */
function recordingResponse(): { res: ServerResponse; written: string[] } {
  const written: string[] = [];
  const res = {
    writableEnded: false,
    destroyed: false,
    writableLength: 0,
    write(text: string) {
      written.push(text);
      return true;
    },
    end() {
      this.writableEnded = true;
      written.push('END');
      return this;
    },
  };
  return { res: res as unknown as ServerResponse, written };
}

const frame = (seq: number): Frame => ({ seq, text: `#${seq}` });

describe('SseSink', () => {
  it('writes live frames at once when not replaying', () => {
    const { res, written } = recordingResponse();
    const sink = new SseSink(res, false);
    sink.write(frame(1));
    sink.write(frame(2));
    sink.end();
    sink.write(frame(3)); // after the end: nowhere to go
    expect(written).toEqual(['#1', '#2', 'END']);
  });

  it('holds live frames during a replay, then writes the replay and only the live frames it did not contain', () => {
    const { res, written } = recordingResponse();
    const sink = new SseSink(res, true);
    sink.write(frame(5)); // arrived while the replay was read, and is in it too
    sink.write(frame(6));
    expect(written).toEqual([]);
    sink.replayed([frame(3), frame(4), frame(5)]);
    expect(written).toEqual(['#3', '#4', '#5', '#6']);
    sink.write(frame(7));
    expect(written.at(-1)).toBe('#7');
  });

  it('defers an end asked for during the replay until the replay and held frames are out', () => {
    const { res, written } = recordingResponse();
    const sink = new SseSink(res, true);
    sink.write(frame(9));
    sink.end();
    expect(written).toEqual([]);
    sink.replayed([frame(8)]);
    expect(written).toEqual(['#8', '#9', 'END']);
  });
});

describe('event ids', () => {
  it('round-trip, and anything else is not ours', () => {
    expect(parseEventId(eventId('p12', 1733220000000, 42))).toEqual({ streamId: 'p12', ms: 1733220000000, seq: 42 });
    expect(parseEventId(eventId('g', 5, 1))).toEqual({ streamId: 'g', ms: 5, seq: 1 });
    for (const foreign of ['', '42', 'g_1', 'x_1-2', 'g_1-2-3', 'p1_a-1', 'event-7']) expect(parseEventId(foreign)).toBeUndefined();
  });
});
