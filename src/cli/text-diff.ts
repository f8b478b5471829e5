/**
 * A unified-style line diff for `install --dry-run`. The files it compares are small config files,
 * so a plain longest-common-subsequence table is fast enough and keeps this short.
 */

type Op = { kind: ' ' | '-' | '+'; line: string };

function diffLines(a: string[], b: string[]): Op[] {
  const lcs: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ kind: ' ', line: a[i++]! });
      j++;
    } else if (j < b.length && (i === a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      ops.push({ kind: '+', line: b[j++]! });
    } else {
      ops.push({ kind: '-', line: a[i++]! });
    }
  }
  return ops;
}

function splitLines(text: string): string[] {
  if (text === '') return [];
  return text.replace(/\n$/, '').split('\n');
}

/** `--- a` / `+++ b` headers and @@ hunks with `context` lines around each change; '' when equal. */
export function unifiedDiff(before: string, after: string, names: { from: string; to: string }, context = 3): string {
  const ops = diffLines(splitLines(before), splitLines(after));
  const changed = ops.map((op, idx) => (op.kind === ' ' ? -1 : idx)).filter((idx) => idx >= 0);
  if (changed.length === 0) return '';
  const out = [`--- ${names.from}`, `+++ ${names.to}`];
  let k = 0;
  while (k < changed.length) {
    const start = Math.max(0, changed[k]! - context);
    let end = Math.min(ops.length, changed[k]! + context + 1);
    while (k + 1 < changed.length && changed[k + 1]! - context <= end) end = Math.min(ops.length, changed[++k]! + context + 1);
    k++;
    const before = ops.slice(0, start);
    const hunk = ops.slice(start, end);
    const oldStart = before.filter((o) => o.kind !== '+').length + 1;
    const newStart = before.filter((o) => o.kind !== '-').length + 1;
    const oldLen = hunk.filter((o) => o.kind !== '+').length;
    const newLen = hunk.filter((o) => o.kind !== '-').length;
    out.push(`@@ -${oldStart},${oldLen} +${newStart},${newLen} @@`, ...hunk.map((o) => `${o.kind}${o.line}`));
  }
  return out.join('\n') + '\n';
}
