/**
 * The searchable documents built from tools: per-tool field terms in a BM25F index, and one pooled
 * document per server (all of its tools' text) in a second BM25F index, plus the lookups the
 * ranking signals read (name words, required arguments, server membership).
 *
 * It changes one server at a time: whatever a tool list update touches is re-derived for the
 * servers it touched, never for the whole catalog.
 */
import { Bm25fIndex } from './bm25f.js';
import { nameWords, requiredParams, toolFields } from './fields.js';
import { SERVER_FIELDS, SERVER_FIELD_WEIGHTS, type RankerParams, type ServerField } from './parameters.js';
import { tokenize } from './tokenizer.js';
import { TOOL_FIELDS, type SearchableTool, type ToolField } from './types.js';

/** Tools without a server share one bucket; routing is skipped when there is only one bucket. */
export const NO_SERVER = '';

type ToolFieldTerms = Record<ToolField, string[]>;

export class ToolCorpus {
  readonly tools: Bm25fIndex<ToolField>;
  readonly servers: Bm25fIndex<ServerField>;
  private readonly toolServer = new Map<string, string>();
  private readonly fieldsByTool = new Map<string, ToolFieldTerms>();
  private readonly nameWordsByTool = new Map<string, string[]>();
  /** Name word -> tools whose name contains it (for the name-coverage bonus). */
  private readonly toolsByNameWord = new Map<string, Set<string>>();
  private readonly serverMembers = new Map<string, Set<string>>();
  /** Terms of each tool's required argument names ("ticker", "station", "latitude"). */
  private readonly requiresByTool = new Map<string, string[]>();
  /** Word -> terms memo shared by indexing and queries (see TokenizeOptions.cache). */
  private readonly tokenCache = new Map<string, readonly string[]>();

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

  serverOf(tool: string): string | undefined {
    return this.toolServer.get(tool);
  }

  fieldsOf(tool: string): ToolFieldTerms | undefined {
    return this.fieldsByTool.get(tool);
  }

  nameWordsOf(tool: string): readonly string[] {
    return this.nameWordsByTool.get(tool) ?? [];
  }

  toolsWithNameWord(word: string): Iterable<string> {
    return this.toolsByNameWord.get(word) ?? [];
  }

  requiredTermsOf(tool: string): readonly string[] {
    return this.requiresByTool.get(tool) ?? [];
  }

  membersOf(server: string): ReadonlySet<string> {
    return this.serverMembers.get(server) ?? new Set();
  }

  /** Add or replace tools by name; returns the servers whose membership changed. */
  upsert(items: readonly SearchableTool[]): Set<string> {
    const touched = new Set<string>();
    const { glossary } = this.params;
    for (const item of items) {
      const previous = this.toolServer.get(item.name);
      if (previous !== undefined) {
        this.serverMembers.get(previous)?.delete(item.name);
        touched.add(previous);
      }
      const server = item.server ?? NO_SERVER;
      const fields = toolFields(item, this.tokenCache, glossary);
      this.tools.set(item.name, fields);
      this.fieldsByTool.set(item.name, fields);
      this.unindexName(item.name);
      const words = nameWords(item, this.tokenCache, glossary);
      this.nameWordsByTool.set(item.name, words);
      for (const w of words) {
        let set = this.toolsByNameWord.get(w);
        if (!set) this.toolsByNameWord.set(w, (set = new Set()));
        set.add(item.name);
      }
      this.toolServer.set(item.name, server);
      this.requiresByTool.set(item.name, [...new Set(tokenize(requiredParams(item.inputSchema).join(' '), { cache: this.tokenCache, gloss: glossary }))]);
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
      const server = this.toolServer.get(name);
      if (server === undefined) continue;
      this.tools.delete(name);
      this.fieldsByTool.delete(name);
      this.requiresByTool.delete(name);
      this.unindexName(name);
      this.toolServer.delete(name);
      this.serverMembers.get(server)?.delete(name);
      touched.add(server);
    }
    this.reindexServers(touched);
    return touched;
  }

  private unindexName(tool: string): void {
    for (const w of this.nameWordsByTool.get(tool) ?? []) {
      const set = this.toolsByNameWord.get(w);
      set?.delete(tool);
      if (set && set.size === 0) this.toolsByNameWord.delete(w);
    }
    this.nameWordsByTool.delete(tool);
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
      const names: string[] = [];
      const text: string[] = [];
      let serverTerms: string[] = [];
      for (const tool of members) {
        const f = this.fieldsByTool.get(tool);
        if (!f) continue;
        names.push(...f.name, ...f.title);
        text.push(...f.description, ...f.tags);
        serverTerms = f.server;
      }
      this.servers.set(server, { server: serverTerms, names, text });
    }
  }
}
