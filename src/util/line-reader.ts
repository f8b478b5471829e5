/**
 * Splits a stream of UTF-8 text into newline-delimited lines (the stdio framing of MCP) without
 * buffering without bound: a partial line longer than `maxBytes` is dropped and reported.
 */
export class LineReader {
  private buffer = '';

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: string): void {
    const text = this.buffer + chunk;
    let start = 0;
    let newline: number;
    // Scan with an index and keep the remainder once: slicing the buffer per line is quadratic.
    while ((newline = text.indexOf('\n', start)) >= 0) {
      const end = newline > start && text.charCodeAt(newline - 1) === 13 ? newline - 1 : newline;
      const line = text.slice(start, end);
      start = newline + 1;
      if (line.trim()) this.onLine(line);
    }
    this.buffer = start === 0 ? text : text.slice(start);
    if (this.buffer.length > this.maxBytes) {
      this.buffer = '';
      this.onOverflow();
    }
  }
}
