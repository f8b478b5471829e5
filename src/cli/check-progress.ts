/**
 * `check`'s live progress on a terminal: one line per backend, "… github connecting", each replaced
 * in place by its result as it arrives (backends connect in parallel, so results come in any order).
 * Not a terminal: nothing is written; the table says it all.
 */

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressLines {
  private readonly live: boolean;

  constructor(
    private readonly stream: ProgressStream,
    private readonly names: readonly string[],
  ) {
    this.live = stream.isTTY === true && names.length > 0;
    if (!this.live) return;
    const width = Math.max(...names.map((n) => n.length));
    for (const name of names) stream.write(`${this.fit(`… ${name.padEnd(width)}  connecting`)}\n`);
  }

  /** Replace line `index` (in the order of `names`) with `text`; the cursor returns below the block. */
  done(index: number, text: string): void {
    if (!this.live) return;
    const up = this.names.length - index;
    this.stream.write(`\u001b[${up}A\r\u001b[2K${this.fit(text)}\u001b[${up}B\r`);
  }

  /** A line wider than the terminal would wrap and break the count of lines to move up. */
  private fit(text: string): string {
    const columns = this.stream.columns ?? 100;
    return text.length < columns ? text : `${text.slice(0, Math.max(1, columns - 2))}…`;
  }
}
