/**
 * Opaque cursors for merged lists: `<base64url(JSON payload)>.<base64url(HMAC-SHA256 truncated to 128 bits)>`.
 *
 * The MAC (keyed per router instance) means a client can only hand back cursors we minted: forged,
 * truncated, edited or foreign cursors fail with SB_BAD_CURSOR / -32602 instead of making the router
 * resume at a made-up position (peers that echoed cursors made clients loop forever). The list kind is
 * inside the MACed payload, so a tools cursor cannot be replayed against prompts/list.
 * Payload: {"k":"<kind code>","p":[[server, after|null, done 0|1, backendCursor|null], ...]} with
 * trailing defaults dropped, to keep cursors short. The format version lives in the MAC's domain
 * string, so a future format fails verification instead of being misread. Positions travel as tuples,
 * not an object keyed by server, so a server called "__proto__" cannot touch a prototype.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { SwitchboardError } from '../errors/index.js';

const CURSOR_KINDS = ['tools', 'prompts', 'resources', 'resourceTemplates', 'tasks'] as const;
export type CursorKind = (typeof CURSOR_KINDS)[number];

export interface SectionPosition {
  /** Last key (public name or URI) emitted from this section. */
  after?: string;
  /** The backend's own nextCursor, for callers that page through a backend lazily. */
  backendCursor?: string;
  /** Every item of this section has been emitted. */
  done?: boolean;
}

export interface CursorState {
  kind: CursorKind;
  positions: Record<string, SectionPosition>;
}

/** One-letter kind codes: every byte is repeated in every page request of a long listing. */
const KIND_CODES: Record<CursorKind, string> = { tools: 't', prompts: 'p', resources: 'r', resourceTemplates: 'u', tasks: 'k' };
const KIND_BY_CODE = new Map(Object.entries(KIND_CODES).map(([kind, code]) => [code, kind as CursorKind]));
const MAC_BYTES = 16;
const MIN_KEY_BYTES = 16;
/** Far above any honest cursor; bounds the work a hostile one can cause. */
export const MAX_CURSOR_LENGTH = 64 * 1024;
const DOMAIN = 'mcp-switchboard/cursor/v1\u0000';

type WirePosition = [server: string, after?: string | null, done?: 0 | 1, backendCursor?: string | null];

function bad(reason: string): SwitchboardError {
  return new SwitchboardError('SB_BAD_CURSOR', `Invalid cursor: ${reason}`);
}

export class CursorCodec {
  readonly #key: Buffer;

  constructor(key: Buffer) {
    if (key.length < MIN_KEY_BYTES) throw new RangeError(`cursor key must be at least ${MIN_KEY_BYTES} bytes`);
    this.#key = Buffer.from(key); // a copy: the caller zeroing or reusing its buffer must not change us
  }

  encode(state: CursorState): string {
    const p: WirePosition[] = [];
    for (const [server, pos] of Object.entries(state.positions)) {
      const w: WirePosition = [server, pos.after ?? null, pos.done ? 1 : 0, pos.backendCursor ?? null];
      while (w.length > 1 && (w[w.length - 1] === null || w[w.length - 1] === 0)) w.pop();
      p.push(w);
    }
    // An unknown kind yields no "k", so such a cursor can never decode.
    const payload = Buffer.from(JSON.stringify({ k: KIND_CODES[state.kind], p }), 'utf8').toString('base64url');
    return `${payload}.${this.#mac(payload).toString('base64url')}`;
  }

  /** Verify and decode; throws SB_BAD_CURSOR (-32602) on anything we did not mint for `expectedKind`. */
  decode(cursor: string, expectedKind?: CursorKind): CursorState {
    if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > MAX_CURSOR_LENGTH) throw bad('wrong length');
    const dot = cursor.lastIndexOf('.');
    if (dot <= 0) throw bad('malformed');
    const payload = cursor.slice(0, dot);
    const given = Buffer.from(cursor.slice(dot + 1), 'base64url');
    // Buffer's base64url decoder skips junk, so compare the canonical re-encoding too.
    if (given.length !== MAC_BYTES || given.toString('base64url') !== cursor.slice(dot + 1)) throw bad('malformed');
    if (!timingSafeEqual(given, this.#mac(payload))) throw bad('not issued by this router');

    let data: unknown;
    try {
      data = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
    } catch {
      throw bad('malformed');
    }
    const state = parsePayload(data);
    if (!state) throw bad('malformed');
    if (expectedKind !== undefined && state.kind !== expectedKind) {
      throw bad(`issued for ${state.kind}, not ${expectedKind}`);
    }
    return state;
  }

  #mac(payload: string): Buffer {
    return createHmac('sha256', this.#key).update(DOMAIN).update(payload).digest().subarray(0, MAC_BYTES);
  }
}

/** Strict shape check. The MAC already vouches for the content; this guards against our own bugs. */
function parsePayload(data: unknown): CursorState | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { k, p } = data as { k?: unknown; p?: unknown };
  const kind = typeof k === 'string' ? KIND_BY_CODE.get(k) : undefined;
  if (!kind || !Array.isArray(p)) return undefined;
  const entries: Array<[string, SectionPosition]> = [];
  for (const item of p) {
    if (!Array.isArray(item) || item.length < 1 || item.length > 4) return undefined;
    const [server, after, done, backendCursor] = item as unknown[];
    if (typeof server !== 'string') return undefined;
    if (!(after === undefined || after === null || typeof after === 'string')) return undefined;
    if (!(done === undefined || done === 0 || done === 1)) return undefined;
    if (!(backendCursor === undefined || backendCursor === null || typeof backendCursor === 'string')) return undefined;
    const pos: SectionPosition = {};
    if (typeof after === 'string') pos.after = after;
    if (typeof backendCursor === 'string') pos.backendCursor = backendCursor;
    if (done === 1) pos.done = true;
    entries.push([server, pos]);
  }
  // fromEntries defines own properties, so "__proto__" is a plain key here too.
  return { kind, positions: Object.fromEntries(entries) };
}
