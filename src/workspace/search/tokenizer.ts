/**
 * Tokenizer shared by indexing and querying, so both sides always agree on terms.
 *
 * Tool names are identifiers (get_current_stock_price, createIssue, kebab-case, fs.readFile,
 * base64), while queries are prose, so identifiers are split into their words. CJK text has no
 * spaces; overlapping character bigrams are the standard dictionary-free way to index it.
 */
import { glossCjk } from './cjk-glossary.js';
import { stem } from './stemmer.js';
import { STOP_WORDS } from './stopwords.js';

/** Han, Hiragana, Katakana and Hangul: scripts written without spaces between words. */
const CJK_RUN = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+/gu;
const HAS_CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
/** Anything that is not a letter or digit separates words (snake_case, kebab, dots, slashes). */
const SEPARATORS = /[^\p{L}\p{N}]+/u;
/** The same for pure-ASCII text, which most tool docs are; the Unicode-aware split is far slower. */
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const ASCII_SEPARATORS = /[^A-Za-z0-9]+/;

export interface TokenizeOptions {
  /** Keep stop words (used for names, where "get" or "list" must survive). Default false. */
  keepStopWords?: boolean;
  /** Apply the Porter stemmer. Default true. */
  stem?: boolean;
  /** Add English glosses of common Chinese words after CJK text (cjk-glossary.ts). Default true. */
  gloss?: boolean;
  /**
   * Per-word memo owned by the caller (an index keeps one): a catalog repeats the same few
   * thousand words, and splitting + stemming each occurrence again dominated build time. The
   * owner bounds it (queries keep bringing new words into a long-lived router).
   */
  cache?: TermMemo;
}

/** What tokenize needs of a memo: a Map or a bounded cache (lru-cache) both fit. */
export interface TermMemo {
  get(word: string): readonly string[] | undefined;
  set(word: string, terms: readonly string[]): unknown;
}

/** Longer alphanumeric runs are skipped (see tokenizeLatin). */
const MAX_WORD_CHARS = 40;

type CharClass = 'lower' | 'upper' | 'digit' | 'other';

function classify(ch: string): CharClass {
  const c = ch.charCodeAt(0);
  if (c >= 97 && c <= 122) return 'lower';
  if (c >= 65 && c <= 90) return 'upper';
  if (c >= 48 && c <= 57) return 'digit';
  if (c < 128) return 'other';
  // Non-ASCII is rare in identifiers; the Unicode-aware test only runs for it.
  if (/\p{Lu}/u.test(ch)) return 'upper';
  if (/\p{Ll}/u.test(ch)) return 'lower';
  if (/\p{N}/u.test(ch)) return 'digit';
  return 'other';
}

/**
 * Split one alphanumeric word at camelCase, ACRONYMWord and letter/digit boundaries.
 * "HTTPServer2Go" -> ["HTTP", "Server", "2", "Go"]. A hand-rolled scan: this runs on every word
 * of every tool doc, and four Unicode regex passes per word made index builds several times slower.
 */
export function splitIdentifier(word: string): string[] {
  if (/^[A-Za-z]?[a-z]*$/.test(word)) return word.length > 0 ? [word] : [];
  const chars = Array.from(word);
  const classes = chars.map(classify);
  const parts: string[] = [];
  let start = 0;
  for (let i = 1; i < chars.length; i++) {
    const prev = classes[i - 1];
    const cur = classes[i];
    const next = classes[i + 1];
    const isLetter = (c: CharClass | undefined): boolean => c === 'lower' || c === 'upper' || c === 'other';
    const boundary =
      (prev === 'lower' && cur === 'upper') ||
      (prev === 'upper' && cur === 'upper' && next === 'lower') ||
      (isLetter(prev) && cur === 'digit') ||
      (prev === 'digit' && isLetter(cur));
    if (boundary) {
      parts.push(chars.slice(start, i).join(''));
      start = i;
    }
  }
  if (chars.length > start) parts.push(chars.slice(start).join(''));
  return parts;
}

function cjkBigrams(run: string, out: string[]): void {
  const chars = Array.from(run);
  if (chars.length === 1) {
    out.push(chars[0] as string);
    return;
  }
  for (let i = 0; i + 1 < chars.length; i++) out.push((chars[i] as string) + (chars[i + 1] as string));
}

type ResolvedOptions = Required<Omit<TokenizeOptions, 'cache'>> & Pick<TokenizeOptions, 'cache'>;

function pushWord(lower: string, out: string[], opts: ResolvedOptions): void {
  // Single letters carry no meaning; single digits can ("2fa" split off, "top 5"), but rarely help.
  if (lower.length < 2) return;
  if (!opts.keepStopWords && STOP_WORDS.has(lower)) return;
  out.push(opts.stem ? stem(lower) : lower);
}

/** Tokenize free text or identifiers into normalized, stemmed terms (duplicates kept, in order). */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const opts: ResolvedOptions = {
    keepStopWords: options.keepStopWords ?? false,
    stem: options.stem ?? true,
    gloss: options.gloss ?? true,
    cache: options.cache,
  };
  const out: string[] = [];
  // Apostrophes join rather than split, so "don't" is one (stop) word, not "don" + "t".
  const normalized = text.normalize('NFKC').replace(/['\u2019]/g, '');
  if (!HAS_CJK.test(normalized)) {
    tokenizeLatin(normalized, out, opts);
    return out;
  }
  let last = 0;
  for (const match of normalized.matchAll(CJK_RUN)) {
    tokenizeLatin(normalized.slice(last, match.index), out, opts);
    cjkBigrams(match[0], out);
    if (opts.gloss) for (const word of glossCjk(match[0])) pushWord(word, out, opts);
    last = match.index + match[0].length;
  }
  tokenizeLatin(normalized.slice(last), out, opts);
  return out;
}

function tokenizeLatin(text: string, out: string[], opts: ResolvedOptions): void {
  const words = text.split(ASCII_ONLY.test(text) ? ASCII_SEPARATORS : SEPARATORS);
  // Default-mode words are cached under themselves; other modes get a prefix no word contains.
  const prefix = opts.keepStopWords || !opts.stem ? `${opts.keepStopWords ? 'k' : '-'}${opts.stem ? 's' : '-'} ` : '';
  for (const word of words) {
    // No natural word is this long: it is data (base64, a hash, a blob). The check runs before an
    // identifier is split, so a camelCase name over the limit is skipped whole too.
    if (word.length === 0 || word.length > MAX_WORD_CHARS) continue;
    const key = prefix + word;
    let terms = opts.cache?.get(key);
    if (!terms) {
      terms = wordTerms(word, opts);
      opts.cache?.set(key, terms);
    }
    for (const t of terms) out.push(t);
  }
}

function wordTerms(word: string, opts: ResolvedOptions): string[] {
  const out: string[] = [];
  const parts = splitIdentifier(word);
  for (const part of parts) pushWord(part.toLowerCase(), out, opts);
  // Also keep a camelCase word whole: "YouTube" must still match a query that says "youtube",
  // and "GitHub" must match "github". Pure letter/digit splits ("base64") keep the joined form too.
  if (parts.length > 1) pushWord(word.toLowerCase(), out, opts);
  return out;
}
