/**
 * The CLI's output pieces that need no backend: check's live progress lines on a terminal, the
 * pretty log line, call's argument messages and exit codes.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { argumentProblems, buildArguments } from '../../src/cli/call-arguments.js';
import { exitForError } from '../../src/cli/call.js';
import { ProgressLines } from '../../src/cli/check-progress.js';
import { createLogger } from '../../src/log.js';
import { formatPrettyLine } from '../../src/util/pretty-log.js';

function terminal(isTTY: boolean): { writes: string[]; write(s: string): void; isTTY: boolean; columns: number } {
  const writes: string[] = [];
  return { writes, write: (s: string) => void writes.push(s), isTTY, columns: 40 };
}

describe('check progress lines', () => {
  it('on a terminal: one "connecting" line per backend, each replaced in place by its result', () => {
    const tty = terminal(true);
    const lines = new ProgressLines(tty, ['github', 'fs']);
    lines.done(1, 'ok fs');
    lines.done(0, 'x'.repeat(60));
    expect(tty.writes).toEqual([
      '… github  connecting\n',
      '… fs      connecting\n',
      '\u001b[1A\r\u001b[2Kok fs\u001b[1B\r',
      `\u001b[2A\r\u001b[2K${'x'.repeat(38)}…\u001b[2B\r`,
    ]);
  });

  it('not a terminal: writes nothing (the table says it all)', () => {
    const pipe = terminal(false);
    new ProgressLines(pipe, ['github']).done(0, 'ok');
    expect(pipe.writes).toEqual([]);
  });
});

describe('pretty log lines', () => {
  const event = { level: 40, time: '2026-01-02T03:04:05.006Z', name: 'switchboard', backend: 'gh', msg: 'backend down', reason: 'not found', rid: 'ab12cd34-7', tools: 3 };
  const clock = (iso: string) => {
    const d = new Date(iso);
    const p = (n: number, w = 2) => String(n).padStart(w, '0');
    return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  };

  it('one line: time, level, backend column, message, then the request id first among the fields', () => {
    expect(formatPrettyLine(JSON.stringify(event), false, () => 6)).toBe(`${clock(event.time)}  WARN   gh      backend down  rid=ab12cd34-7 reason="not found" tools=3\n`);
  });

  it('colours only when asked', () => {
    const line = formatPrettyLine(JSON.stringify(event), true);
    expect(line).toContain('\u001b[33mWARN \u001b[0m');
    expect(formatPrettyLine(JSON.stringify(event), false)).not.toContain('\u001b[');
  });

  it('createLogger pretty writes through the formatter, aligning to the longest configured name', () => {
    const out: string[] = [];
    const sink = new Writable({ write: (chunk, _enc, done) => void (out.push(String(chunk)), done()) });
    const log = createLogger('info', sink, { format: 'pretty', color: false, nameWidth: 10 });
    log.child({ backend: 'fs' }).info({ tools: 2 }, 'backend up');
    log.debug('hidden');
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} {2}INFO {3}fs {10}backend up {2}tools=2\n$/);
  });
});

describe('call arguments', () => {
  const schema = {
    type: 'object',
    properties: { path: { type: 'string' }, mode: { enum: ['r', 'w'] }, opts: { type: 'object', properties: { depth: { type: 'integer', minimum: 0 } } } },
    required: ['path'],
    additionalProperties: false,
  };

  it('names each argument that is wrong, nested ones by their dotted path', () => {
    expect(argumentProblems(schema, { mode: 'x', opts: { depth: -1 }, pth: 'a' })).toEqual([
      'missing required argument "path"',
      'unknown argument "pth" (did you mean "path"?)',
      'argument "mode" must be one of "r", "w", got string "x"',
      'argument "opts.depth" must be >= 0, got number -1',
    ]);
    expect(argumentProblems(schema, { path: '/tmp', opts: { depth: 2 } })).toEqual([]);
  });

  it('JSON-ARGS then --arg: JSON values when they parse, strings otherwise', () => {
    expect(buildArguments('{"a":1,"b":{"c":true}}', ['b=[1,2]', 's=hello world', 'n=07', 'e='])).toEqual({ a: 1, b: [1, 2], s: 'hello world', n: '07', e: '' });
    expect(() => buildArguments('[1]', [])).toThrow(/JSON-ARGS must be a JSON object/);
    expect(() => buildArguments(undefined, ['novalue'])).toThrow(/--arg: expected key=value, got "novalue"/);
  });

  it('exit codes: backend down, busy or timed out 4, unknown tool 3, any other error 2', () => {
    expect(exitForError(-32010, 'SB_BACKEND_UNAVAILABLE', true)).toBe(4);
    expect(exitForError(-32001, 'SB_BACKEND_TIMEOUT', true)).toBe(4);
    expect(exitForError(-32011, 'SB_BACKEND_BUSY', true)).toBe(4);
    expect(exitForError(-32602, 'SB_UNKNOWN_TOOL', false)).toBe(3);
    expect(exitForError(-32602, 'SB_INVALID_PARAMS', true)).toBe(2);
    // Without the router's reason (call --url): the JSON-RPC code alone.
    expect(exitForError(-32010, undefined, true)).toBe(4);
    expect(exitForError(-32001, undefined, true)).toBe(4);
    expect(exitForError(-32602, undefined, false)).toBe(3);
    expect(exitForError(-32602, undefined, true)).toBe(2);
    expect(exitForError(-32050, undefined, false)).toBe(2);
  });
});
