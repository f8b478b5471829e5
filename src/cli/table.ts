/**
 * Plain-text tables for the CLI's human output: columns padded to their widest cell, two spaces
 * apart, the last column free (or cut to what is left of the terminal).
 */

export interface TableOptions {
  /** Shapes the last column's cells; `used` is the width taken by the columns before it. */
  lastColumn?: (text: string, used: number) => string;
}

export function table(head: readonly string[], rows: readonly (readonly string[])[], options: TableOptions = {}): string {
  const all = [head, ...rows];
  const widths = head.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const used = widths.slice(0, -1).reduce((n, w) => n + w + 2, 0);
  const line = (row: readonly string[]): string => {
    const cells = row.map((cell, i) => (i === row.length - 1 ? (options.lastColumn?.(cell, used) ?? cell) : cell.padEnd(widths[i]!)));
    return cells.join('  ').replace(/ +$/, '');
  };
  return all.map(line).join('\n') + '\n';
}

/** `text` in at most `width` characters, with an ellipsis when cut (at least a few are always kept). */
export function cut(text: string, width: number): string {
  const room = Math.max(width, 10);
  return text.length <= room ? text : `${text.slice(0, room - 1)}…`;
}
