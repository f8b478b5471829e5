/**
 * Splits a stream of UTF-8 text into newline-delimited lines (the stdio framing of MCP) without
 * buffering without bound: a line longer than `maxBytes` is reported once and the rest of it, up to
 * its newline, is skipped (never parsed as a message of its own).
 *
 * A partial line is kept as a list of chunks, joined once when its newline arrives: re-joining and
 * re-scanning the buffer per chunk made a 64 MiB line cost tens of seconds.
 */
export class LineReader {
  private parts: string[] = [];
  private pending = 0;
  /** Inside a line already reported as too long: drop text until its newline. */
  private skipping = false;

  constructor(
    private readonly onLine: (line: string) => void,
    private readonly maxBytes: number,
    private readonly onOverflow: () => void,
  ) {}

  push(chunk: string): void {
    let start = 0;
    let newline: number;
    while ((newline = chunk.indexOf('\n', start)) >= 0) {
      const piece = chunk.slice(start, newline);
      start = newline + 1;
      if (this.skipping) {
        this.skipping = false;
        continue;
      }
      let line = piece;
      if (this.parts.length) {
        this.parts.push(piece);
        line = this.parts.join('');
        this.parts = [];
        this.pending = 0;
      }
      if (line.length > this.maxBytes) {
        this.onOverflow();
        continue;
      }
      if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
      if (line.trim()) this.onLine(line);
    }
    if (start >= chunk.length || this.skipping) return;
    const rest = start === 0 ? chunk : chunk.slice(start);
    this.pending += rest.length;
    if (this.pending > this.maxBytes) {
      this.parts = [];
      this.pending = 0;
      this.skipping = true;
      this.onOverflow();
      return;
    }
    this.parts.push(rest);
  }
}
