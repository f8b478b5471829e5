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

  it('drops a partial line over the limit, reports it once, and keeps reading', () => {
    const { reader, lines, overflows } = collect(10);
    reader.push('x'.repeat(11));
    expect(overflows()).toBe(1);
    reader.push('ok\n');
    expect(lines).toEqual(['ok']);
  });

  it('handles many lines in one chunk', () => {
    const { reader, lines } = collect();
    reader.push(Array.from({ length: 5000 }, (_, i) => `m${i}`).join('\n') + '\n');
    expect(lines).toHaveLength(5000);
    expect(lines[4999]).toBe('m4999');
  });
});
