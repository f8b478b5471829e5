import { describe, expect, it } from 'vitest';
import { LineReader } from '../../src/util/line-reader.js';

function collect(max = 1000) {
  const lines: string[] = [];
  let overflows = 0;
  const reader = new LineReader((l) => lines.push(l), max, () => overflows++);
  return { reader, lines, overflows: () => overflows };
}

describe('LineReader', () => {
  it('splits on newlines across chunk boundaries, strips CR and skips blank lines', () => {
    const { reader, lines } = collect();
    reader.push('{"a":1}\r\n{"b"');
    reader.push(':2}\n\n   \n{"c":3}');
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
    reader.push('\n');
    expect(lines).toEqual(['{"a":1}', '{"b":2}', '{"c":3}']);
  });

  it('drops a partial line over the limit, reports it once, skips its tail, and keeps reading', () => {
    const { reader, lines, overflows } = collect(10);
    reader.push('x'.repeat(11));
    expect(overflows()).toBe(1);
    // The rest of the oversized line is not a message of its own.
    reader.push('xx{"tail":1}\nok\n');
    expect(overflows()).toBe(1);
    expect(lines).toEqual(['ok']);
  });

  it('refuses a complete line over the limit that arrives in one chunk', () => {
    const { reader, lines, overflows } = collect(10);
    reader.push(`${'y'.repeat(11)}\nok\n`);
    expect(overflows()).toBe(1);
    expect(lines).toEqual(['ok']);
  });

  it('joins a long line from many chunks in linear time', () => {
    const { reader, lines } = collect(10_000_000);
    for (let i = 0; i < 20_000; i++) reader.push('z'.repeat(100));
    reader.push('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toHaveLength(2_000_000);
  });

  it('handles many lines in one chunk', () => {
    const { reader, lines } = collect();
    reader.push(Array.from({ length: 5000 }, (_, i) => `m${i}`).join('\n') + '\n');
    expect(lines).toHaveLength(5000);
    expect(lines[4999]).toBe('m4999');
  });
});
