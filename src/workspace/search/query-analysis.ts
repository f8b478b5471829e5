/**
 * Query analysis that runs before tokenizing.
 *
 * Segmentation: agents send multi-step tasks as one query ("find X, summarize it, then save it
 * to a file"). One bag of words lets the dominant step crowd the others out of the top k, so
 * each clause is also ranked on its own and the rankings are fused (see ToolSearchIndex).
 *
 * Entity hints: a literal path, URL or e-mail address in a query says what kind of object the
 * tool must handle even when the words "file" or "web page" never appear. These are format
 * rules about the query's syntax, independent of any catalog or benchmark vocabulary.
 */

/** Clause boundaries: sentence punctuation, commas/semicolons, and sequencing words. */
const SEGMENT_BOUNDARY = /[.!?;:,]+(?=\s|$)|\n+|\s(?:and then|then|after that|afterwards|finally|also|and)\s/i;
const MIN_SEGMENT_CHARS = 8;
const MAX_SEGMENTS = 8;

/** Split a query into clauses worth ranking on their own; [] when it is a single clause. */
export function splitSegments(query: string, maxSegments = MAX_SEGMENTS): string[] {
  const parts = query
    .split(new RegExp(SEGMENT_BOUNDARY.source, 'gi'))
    .map((s) => s.trim())
    .filter((s) => s.length >= MIN_SEGMENT_CHARS);
  return parts.length >= 2 ? parts.slice(0, maxSegments) : [];
}

const URL_PATTERN = /\bhttps?:\/\/\S+|\bwww\.\S+/i;
const EMAIL_PATTERN = /\b[\w.+-]+@[\w-]+\.[\w.]+\b/;
/** A Unix path with at least two components, or a Windows drive path. */
const PATH_PATTERN = /(?:^|\s|["'`(])(?:~|\.{1,2})?\/[\w.-]+\/[\w./-]*|\b[A-Za-z]:\\[\w\\.-]+/;

/**
 * Generic English verbs that say which way data flows through a file: "save the report to PATH"
 * needs a tool that writes files, "read PATH" one that reads them. Everyday verbs only.
 */
const WRITE_VERBS = /\b(?:save[sd]?|saving|write|writes|writing|wrote|store[sd]?|storing|export(?:s|ed|ing)?|output|put|dump|record|draft|create[sd]?|generate[sd]?|produce[sd]?|make|made|overwrite|append)\b/gi;
const READ_VERBS = /\b(?:read[s]?|reading|open(?:s|ed)?|load(?:s|ed)?|parse[sd]?|import(?:s|ed)?|view|inspect|under|from)\b/gi;

const PLAIN_TEXT_EXTENSIONS = new Set(
  'md markdown txt text log csv tsv json jsonl xml yaml yml toml ini html htm css js mjs ts tsx jsx py rb go rs java c h cpp sh sql php'.split(' '),
);

/**
 * One sub-query per file path in the query, naming the file operation it implies: the nearest
 * read- or write-verb before the path decides which ("write file" / "read file"). Ranked on
 * its own and fused like a clause, it keeps a file tool in the results of a long task whose
 * other steps dominate the words.
 */
export function fileOperations(query: string): string[] {
  const out: string[] = [];
  for (const match of query.matchAll(new RegExp(PATH_PATTERN.source, 'g'))) {
    // Binary formats (.pptx, .xlsx, .png) are written by format-specific tools, and a directory
    // is listed rather than read: only plain-text files imply the generic file tools.
    const path = match[0].trim().replace(/[.,;:!?"'`)]+$/, '');
    const ext = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase();
    if (!ext || !PLAIN_TEXT_EXTENSIONS.has(ext)) continue;
    const before = query.slice(Math.max(0, (match.index ?? 0) - 120), match.index);
    let last = -1;
    let op = '';
    for (const m of before.matchAll(WRITE_VERBS)) if ((m.index ?? 0) > last) [last, op] = [m.index ?? 0, 'write'];
    for (const m of before.matchAll(READ_VERBS)) if ((m.index ?? 0) > last) [last, op] = [m.index ?? 0, 'read'];
    if (op) out.push(`${op} file`);
  }
  return [...new Set(out)];
}

/**
 * What a binary file format is called in words. A path's extension names the application that
 * reads or writes the file ("x.docx" is a Word document), and tools describe themselves by that
 * name rather than by the extension. Plain-text formats are left out: any file tool handles them
 * (see fileOperations). A standard extension table, independent of any catalog.
 */
const FORMAT_NAMES: ReadonlyMap<string, string> = new Map(
  Object.entries({
    'word document': 'doc docx odt rtf',
    'excel spreadsheet': 'xls xlsx ods',
    'powerpoint presentation': 'ppt pptx odp',
    'pdf document': 'pdf',
    image: 'png jpg jpeg gif bmp webp tif tiff',
    audio: 'mp3 wav flac ogg m4a',
    video: 'mp4 mov avi mkv webm',
    archive: 'zip tar gz',
    ebook: 'epub',
  }).flatMap(([name, exts]) => exts.split(' ').map((ext): [string, string] => [ext, name])),
);

/** The format name a path's extension implies, or undefined (plain text, a directory, unknown). */
function formatOf(path: string): string | undefined {
  const ext = /\.([A-Za-z0-9]+)$/.exec(path.trim().replace(/[.,;:!?"'`)]+$/, ''))?.[1]?.toLowerCase();
  return ext === undefined ? undefined : FORMAT_NAMES.get(ext);
}

export interface QueryParts {
  /** The query with literal paths, URLs and e-mail addresses cut out: the user's intent. */
  prose: string;
  /** Words inside those literals (directory names, URL paths): data more than intent. */
  literals: string;
  /** What the literals imply about the tool's object ("file", "url"). */
  hints: string[];
  /** The names of the binary formats the query's paths have ("word document" for .docx). */
  formats: string[];
}

/**
 * Separate literal entities from the prose around them. "/root/markdown/report.md" says the tool
 * writes a file, not that it is about Markdown; letting "markdown" count in full made converters
 * outrank write_file. A URL's host stays in the prose, though: "youtube.com" names the subject.
 */
export function analyzeQuery(query: string): QueryParts {
  const hints = new Set<string>();
  const literals: string[] = [];
  let prose = query.replace(new RegExp(URL_PATTERN.source, 'gi'), (url) => {
    hints.add('url').add('web').add('page');
    const match = /^(?:https?:\/\/)?([^/?#\s]+)(.*)$/i.exec(url);
    literals.push(match?.[2] ?? '');
    return ` ${match?.[1] ?? ''} `;
  });
  prose = prose.replace(new RegExp(EMAIL_PATTERN.source, 'g'), (email) => {
    hints.add('email');
    literals.push(email);
    return ' ';
  });
  const formats = new Set<string>();
  prose = prose.replace(new RegExp(PATH_PATTERN.source, 'g'), (path) => {
    hints.add('file').add('path');
    literals.push(path);
    const format = formatOf(path);
    if (format) formats.add(format);
    return ' ';
  });
  return { prose, literals: literals.join(' '), hints: [...hints], formats: [...formats] };
}
