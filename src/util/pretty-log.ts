/**
 * Log lines for people: pino's JSON turned into one short line per event, for a terminal.
 *
 *   12:03:04.512 INFO  everything  backend up  transport=stdio tools=17
 *   12:03:09.020 WARN  github      backend down  reason="command \"gh\" was not found ..."
 *
 * Written as a tiny stream pino writes to, instead of pino-pretty: it needs no dependency and no
 * worker thread (pino's transports run in one), and it writes synchronously like the JSON output, so
 * the last lines before an exit are never lost. Re-parsing each JSON line costs a little; pretty
 * output is only for a terminal a person watches, never for a busy server's log pipeline.
 */
import { writeSync } from 'node:fs';

const LEVEL_NAMES: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };
/** ANSI colours per level: grey, blue, green, yellow, red, magenta. */
const LEVEL_COLOURS: Record<number, string> = { 10: '90', 20: '34', 30: '32', 40: '33', 50: '31', 60: '35' };
/** Fields that are already shown in the fixed columns, or that say nothing to a person. */
const HIDDEN = new Set(['level', 'time', 'msg', 'name', 'pid', 'hostname', 'backend', 'v']);
/** Fields shown first after the message when present (what a reader looks for). */
const FIRST = ['rid', 'session'];

export interface PrettyOptions {
  /** ANSI colours: only for a terminal, and never when NO_COLOR is set (the caller decides). */
  color: boolean;
  /** Width of the backend column; names seen later that are longer widen it. */
  nameWidth?: number;
}

export class PrettyLogStream {
  private nameWidth: number;

  constructor(
    private readonly destination: NodeJS.WritableStream | number,
    private readonly options: PrettyOptions,
  ) {
    this.nameWidth = options.nameWidth ?? 0;
  }

  /** pino calls this once per event with one JSON line. */
  write(chunk: string): boolean {
    const text = formatPrettyLine(chunk, this.options.color, (name) => (this.nameWidth = Math.max(this.nameWidth, name.length)));
    if (typeof this.destination === 'number') writeSync(this.destination, text);
    else this.destination.write(text);
    return true;
  }
}

/** One JSON log line as one readable line (a line that is not JSON is passed through). */
export function formatPrettyLine(json: string, color: boolean, widthFor: (name: string) => number = (n) => n.length): string {
  let event: Record<string, unknown>;
  try {
    event = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.endsWith('\n') ? json : `${json}\n`;
  }
  const level = typeof event.level === 'number' ? event.level : 30;
  const paint = (code: string | undefined, s: string): string => (color && code ? `\u001b[${code}m${s}\u001b[0m` : s);
  const backend = typeof event.backend === 'string' ? event.backend : '';
  const parts = [
    paint('90', clock(event.time)),
    paint(LEVEL_COLOURS[level], (LEVEL_NAMES[level] ?? String(level)).padEnd(5)),
    paint('36', backend.padEnd(widthFor(backend))),
    typeof event.msg === 'string' ? event.msg : '',
  ];
  const fields = fieldText(event);
  if (fields) parts.push(paint('90', fields));
  return `${parts.join('  ').replace(/ +$/, '')}\n`;
}

function fieldText(event: Record<string, unknown>): string {
  const keys = Object.keys(event).filter((k) => !HIDDEN.has(k) && event[k] !== undefined);
  keys.sort((a, b) => rank(a) - rank(b));
  return keys.map((k) => `${k}=${valueText(event[k])}`).join(' ');
}

function rank(key: string): number {
  const i = FIRST.indexOf(key);
  return i < 0 ? FIRST.length : i;
}

function valueText(value: unknown): string {
  if (typeof value === 'string') return /^[\w./:@-]+$/.test(value) ? value : JSON.stringify(value);
  return JSON.stringify(value);
}

/** Local wall-clock time of day with milliseconds: a terminal session needs no date. */
function clock(time: unknown): string {
  const date = typeof time === 'string' || typeof time === 'number' ? new Date(time) : new Date();
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}
