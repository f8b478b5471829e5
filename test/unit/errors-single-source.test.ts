/**
 * Wire errors are built only in src/errors/: everywhere else throws a SwitchboardError (or passes a
 * backend's error on) and lets toWireError / sendHttpError shape it. This test reads src/ for the
 * shapes that would bypass that: an `error: { code: ... }` literal, or a JSON-RPC error code written
 * as a number in code (comments may mention codes).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const SRC = join(ROOT, 'src');

/**
 * Places allowed to write a code as a number, with the reason. Empty today; an entry needs a reason a
 * reviewer would accept (say, matching a backend's code to recognise it, never to send one).
 */
const EXCEPTIONS: ReadonlyArray<{ file: string; pattern: RegExp; why: string }> = [];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return path === join(SRC, 'errors') ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** The code of a file with comments blanked out, so documentation may name codes. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/.*$/gm, '$1');
}

const HAND_BUILT: ReadonlyArray<{ what: string; pattern: RegExp }> = [
  { what: 'an error object literal with a code', pattern: /error\s*:\s*\{\s*code\b/g },
  { what: 'a code: -32xxx property', pattern: /code\s*:\s*-32\d{3}/g },
  { what: 'a JSON-RPC error code as a bare number', pattern: /-32\d{3}\b/g },
];

function findHandBuilt(file: string, text: string): string[] {
  const code = withoutComments(text);
  const found: string[] = [];
  for (const { what, pattern } of HAND_BUILT) {
    for (const match of code.matchAll(pattern)) {
      const line = code.slice(0, match.index).split('\n').length;
      const allowed = EXCEPTIONS.some((e) => e.file === file && e.pattern.test(match[0]));
      if (!allowed) found.push(`${file}:${line}: ${what}: ${match[0]}`);
    }
  }
  return found;
}

describe('wire errors are built in src/errors/ only', () => {
  it('finds no hand-built JSON-RPC error or bare error code anywhere else in src/', () => {
    const files = sourceFiles(SRC);
    expect(files.length).toBeGreaterThan(50);
    const found = files.flatMap((path) => findHandBuilt(relative(ROOT, path), readFileSync(path, 'utf8')));
    expect(found).toEqual([]);
  });

  it('the scan would notice each shape it forbids, and ignores comments', () => {
    const sample = [
      "send({ jsonrpc: '2.0', id, error: { code, message } });",
      'const e = { code: -32001, message };',
      'reply(-32600, "bad");',
      '// a comment may say -32602',
      '/** and so may a doc comment:',
      ' *  { error: { code: -32603 } } */',
      "const url = 'http://x/-32000'; // a string after a URL's // is still code",
    ].join('\n');
    expect(findHandBuilt('sample.ts', sample).map((f) => f.split(': ')[0])).toEqual(['sample.ts:1', 'sample.ts:2', 'sample.ts:2', 'sample.ts:3', 'sample.ts:7']);
  });
});
