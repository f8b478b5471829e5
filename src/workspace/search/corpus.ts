/**
 * The searchable documents built from tools: per-tool field terms in a BM25F index, and one pooled
 * document per server (all of its tools' text) in a second BM25F index, plus the lookups the
 * ranking signals read (name words, required arguments, server membership).
 *
 * A tool is known by its id, the slot of its document in the tool index: scoring works on arrays
 * indexed by id, and names are only looked up for the few results. An id stays the tool's while
 * the tool is indexed and may be reused after it is removed.
 *
 * It changes one server at a time: whatever a tool list update touches is re-derived for the
 * servers it touched, never for the whole catalog.
 */
import { LRUCache } from 'lru-cache';
import { Bm25fIndex } from './bm25f.js';
import { bareToolName, nameWords, requiredParams, toolFields } from './fields.js';
import { MAX_WORD_MEMO_ENTRIES, SERVER_FIELDS, SERVER_FIELD_WEIGHTS, type RankerParams, type ServerField } from './parameters.js';
import { tokenize } from './tokenizer.js';
import { TOOL_FIELDS, type SearchableTool, type ToolField } from './types.js';

/** Tools without a server share one bucket; routing is skipped when there is only one bucket. */
export const NO_SERVER = '';

type ToolFieldTerms = Record<ToolField, string[]>;

interface ToolEntry {
  bareName: string;
  server: string;
  /** Slot of the server's pooled document in `servers`. */
  serverSlot: number;
  fields: ToolFieldTerms;
  nameWords: string[];
  /** Terms of the required argument names ("ticker", "station", "latitude"). */
  requires: string[];
}

export class ToolCorpus {
  readonly tools: Bm25fIndex<ToolField>;
  readonly servers: Bm25fIndex<ServerField>;
  /** By tool id. */
  private readonly entries: Array<ToolEntry | undefined> = [];
  /** Name word -> ids of the tools whose name contains it (for the name-coverage bonus). */
  private readonly toolsByNameWord = new Map<string, Set<number>>();
  /** Server -> its tools' names, in the order they were added. */
  private readonly serverMembers = new Map<string, Set<string>>();
  /** Word -> terms memo shared by indexing and queries (see TokenizeOptions.cache). */
  private nameIdf: { generation: number; totals: Float64Array } = { generation: -1, totals: new Float64Array(0) };
  private readonly tokenCache = new LRUCache<string, readonly string[]>({ max: MAX_WORD_MEMO_ENTRIES });

  constructor(private readonly params: Pick<RankerParams, 'fieldWeights' | 'k1' | 'b' | 'glossary'>) {
    const { fieldWeights, k1, b } = params;
    this.tools = new Bm25fIndex({ fields: TOOL_FIELDS, weights: fieldWeights, k1, b });
    this.servers = new Bm25fIndex({ fields: SERVER_FIELDS, weights: SERVER_FIELD_WEIGHTS, k1, b });
  }

  /** Query text to terms, exactly as tool text was indexed. */
  terms(text: string): string[] {
    return tokenize(text, { cache: this.tokenCache, gloss: this.params.glossary });
  }

  /** Terms with stop words kept (names keep theirs: "get", "list" are what a name says). */
  termsKeepingStopWords(text: string): string[] {
    return tokenize(text, { keepStopWords: true, cache: this.tokenCache });
  }

  nameOf(id: number): string {
    return this.tools.idOf(id);
  }

  bareNameOf(id: number): string {
    return this.entries[id]?.bareName ?? '';
  }

  /** Slot of the tool's server document in `servers`. */
  serverSlotOf(id: number): number {
    return this.entries[id]?.serverSlot ?? -1;
  }

  fieldsOf(id: number): ToolFieldTerms | undefined {
    return this.entries[id]?.fields;
  }

  /**
   * The sum of the IDFs of the tool's name words, in name order (so the value is exactly what
   * summing them on the spot gives), kept until the IDFs change: name coverage reads it for every
   * tool sharing a word with the query, often the whole catalog.
   */
  nameIdfTotal(id: number): number {
    const generation = this.tools.idfGeneration();
    if (this.nameIdf.generation !== generation || id >= this.nameIdf.totals.length) {
      // NaN marks "not summed yet" (a real total is a finite number).
      this.nameIdf = { generation, totals: new Float64Array(Math.max(this.tools.capacity, id + 1)).fill(NaN) };
    }
    let total = this.nameIdf.totals[id] as number;
    if (Number.isNaN(total)) {
      total = 0;
      for (const w of this.nameWordsOf(id)) total += this.tools.idf(w);
      this.nameIdf.totals[id] = total;
    }
    return total;
  }

  nameWordsOf(id: number): readonly string[] {
    return this.entries[id]?.nameWords ?? [];
  }

  requiredTermsOf(id: number): readonly string[] {
    return this.entries[id]?.requires ?? [];
  }

  toolsWithNameWord(word: string): Iterable<number> {
    return this.toolsByNameWord.get(word) ?? [];
  }

  /** Names of the server's tools. */
  membersOf(server: string): ReadonlySet<string> {
    return this.serverMembers.get(server) ?? new Set();
  }

  /** Ids of the server's tools, in the order they were added. */
  memberIds(server: string): number[] {
    return [...this.membersOf(server)].flatMap((name) => this.tools.slotOf(name) ?? []);
  }

  /** Add or replace tools by name; returns the servers whose membership changed. */
  upsert(items: readonly SearchableTool[]): Set<string> {
    const touched = new Set<string>();
    const { glossary } = this.params;
    for (const item of items) {
      const previous = this.forget(item.name);
      if (previous !== undefined) touched.add(previous);
      const server = item.server ?? NO_SERVER;
      const fields = toolFields(item, this.tokenCache, glossary);
      const id = this.tools.set(item.name, fields);
      const words = nameWords(item, this.tokenCache, glossary);
      for (const w of words) {
        let set = this.toolsByNameWord.get(w);
        if (!set) this.toolsByNameWord.set(w, (set = new Set()));
        set.add(id);
      }
      const requires = [...new Set(tokenize(requiredParams(item.inputSchema).join(' '), { cache: this.tokenCache, gloss: glossary }))];
      this.entries[id] = { bareName: bareToolName(item.name), server, serverSlot: -1, fields, nameWords: words, requires };
      let members = this.serverMembers.get(server);
      if (!members) this.serverMembers.set(server, (members = new Set()));
      members.add(item.name);
      touched.add(server);
    }
    this.reindexServers(touched);
    return touched;
  }

  /** Remove tools by name (unknown names are ignored); returns the servers whose membership changed. */
  remove(names: readonly string[]): Set<string> {
    const touched = new Set<string>();
    for (const name of names) {
      const server = this.forget(name);
      if (server === undefined) continue;
      this.tools.delete(name);
      touched.add(server);
    }
    this.reindexServers(touched);
    return touched;
  }

  /** Drop what is derived from a tool, except its document; returns its server, if it was indexed. */
  private forget(name: string): string | undefined {
    const id = this.tools.slotOf(name);
    const entry = id === undefined ? undefined : this.entries[id];
    if (id === undefined || !entry) return undefined;
    for (const w of entry.nameWords) {
      const set = this.toolsByNameWord.get(w);
      set?.delete(id);
      if (set && set.size === 0) this.toolsByNameWord.delete(w);
    }
    this.entries[id] = undefined;
    this.serverMembers.get(entry.server)?.delete(name);
    return entry.server;
  }

  /** Rebuild the pooled documents of the servers whose tools changed. */
  private reindexServers(servers: ReadonlySet<string>): void {
    for (const server of servers) {
      const members = this.serverMembers.get(server);
      if (!members || members.size === 0) {
        this.serverMembers.delete(server);
        this.servers.delete(server);
        continue;
      }
      const ids = this.memberIds(server);
      const names: string[] = [];
      const text: string[] = [];
      let serverTerms: string[] = [];
      for (const id of ids) {
        const f = (this.entries[id] as ToolEntry).fields;
        names.push(...f.name, ...f.title);
        text.push(...f.description, ...f.tags);
        serverTerms = f.server;
      }
      const slot = this.servers.set(server, { server: serverTerms, names, text });
      for (const id of ids) (this.entries[id] as ToolEntry).serverSlot = slot;
    }
  }
}
