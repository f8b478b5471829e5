import { describe, expect, it } from 'vitest';
import { ToolSearchIndex } from '../../src/workspace/search/tool-search-index.js';
import type { SearchableTool } from '../../src/workspace/search/types.js';

const schema = (props: Record<string, string>): object => ({
  type: 'object',
  properties: Object.fromEntries(Object.entries(props).map(([k, d]) => [k, { type: 'string', description: d }])),
});

const CATALOG: SearchableTool[] = [
  { server: 'github', name: 'github__create_issue', description: 'Create a new issue in a GitHub repository.', inputSchema: schema({ repo: 'owner/name', title: 'Issue title', body: 'Issue body' }) },
  { server: 'github', name: 'github__list_issues', description: 'List issues of a GitHub repository, filtered by state.', inputSchema: schema({ repo: 'owner/name', state: 'open or closed' }) },
  { server: 'github', name: 'github__create_pull_request', description: 'Open a pull request from a branch.', inputSchema: schema({ repo: 'owner/name', head: 'source branch', base: 'target branch' }) },
  { server: 'github', name: 'github__search_code', description: 'Search source code across repositories.', inputSchema: schema({ q: 'search query' }) },
  { server: 'filesystem', name: 'filesystem__read_file', description: 'Read the contents of a file at a path.', inputSchema: schema({ path: 'file path' }) },
  { server: 'filesystem', name: 'filesystem__write_file', description: 'Create or overwrite a file with new content.', inputSchema: schema({ path: 'file path', content: 'text to write' }) },
  { server: 'filesystem', name: 'filesystem__list_directory', description: 'List the entries of a directory.', inputSchema: schema({ path: 'directory path' }) },
  { server: 'weather', name: 'weather__get_forecast', description: 'Get the weather forecast for a city for the next days.', inputSchema: schema({ city: 'city name', days: 'number of days' }) },
  { server: 'weather', name: 'weather__get_alerts', description: 'Get active severe weather alerts for a US state.', inputSchema: schema({ state: 'two-letter state code' }) },
  { server: 'weather', name: 'weather__current_conditions', description: 'Current temperature, wind and humidity at a location.', inputSchema: schema({ latitude: 'lat', longitude: 'lon' }) },
];

const top = (index: ToolSearchIndex, query: string, limit = 5): string[] => index.search(query, { limit }).map((r) => r.name);

describe('ToolSearchIndex', () => {
  it('ranks the obvious tool first', () => {
    const index = new ToolSearchIndex(CATALOG);
    expect(index.size).toBe(10);
    expect(top(index, 'create a github issue')[0]).toBe('github__create_issue');
    expect(top(index, 'what will the weather be in Paris next week')[0]).toBe('weather__get_forecast');
    expect(top(index, 'save this text to /tmp/notes.txt')[0]).toBe('filesystem__write_file');
    expect(top(index, 'list what is in a directory')[0]).toBe('filesystem__list_directory');
    expect(top(index, 'open a PR for my branch')[0]).toBe('github__create_pull_request');
  });

  it('tolerates typos in long words', () => {
    expect(top(new ToolSearchIndex(CATALOG), 'temperatre and humdity')[0]).toBe('weather__current_conditions');
  });

  it('respects limit and returns [] for empty or stop-word-only queries', () => {
    const index = new ToolSearchIndex(CATALOG);
    expect(index.search('github', { limit: 2 })).toHaveLength(2);
    expect(index.search('file', { limit: 3 })).toHaveLength(3);
    expect(index.search('github', { limit: 100 }).length).toBeLessThanOrEqual(index.size);
    expect(index.search('github issue', { limit: 0 })).toEqual([]);
    expect(index.search('')).toEqual([]);
    expect(index.search('   ')).toEqual([]);
    expect(index.search('the and of')).toEqual([]);
  });

  it('replaceServer re-indexes one backend incrementally', () => {
    const index = new ToolSearchIndex(CATALOG);
    index.replaceServer('weather', [
      { name: 'weather__tide_times', description: 'High and low tide times for a harbour.' },
    ]);
    expect(index.size).toBe(8);
    expect(top(index, 'weather forecast')).not.toContain('weather__get_forecast');
    expect(top(index, 'when is high tide')[0]).toBe('weather__tide_times');
    expect(top(index, 'create a github issue')[0]).toBe('github__create_issue');
  });

  it('builds server by server to the same rankings, scores included, as all at once', () => {
    const servers = [...new Set(CATALOG.map((t) => t.server as string))];
    const stepwise = new ToolSearchIndex();
    for (const server of [...servers].reverse()) stepwise.replaceServer(server, CATALOG.filter((t) => t.server === server));
    const whole = new ToolSearchIndex(CATALOG);
    expect(stepwise.size).toBe(whole.size);
    for (const q of ['create a github issue', 'weather alerts for Texas', 'save notes to /tmp/a.txt then open a PR', 'list files']) {
      expect(stepwise.search(q, { limit: 10 })).toEqual(whole.search(q, { limit: 10 }));
    }
  });

  it('removeServer drops exactly that backend and re-adding it restores the rankings', () => {
    const index = new ToolSearchIndex(CATALOG);
    const before = index.search('get the forecast and the weather alerts', { limit: 10 });
    index.removeServer('weather');
    index.removeServer('no-such-server');
    expect(index.size).toBe(7);
    expect(index.search('weather forecast alerts humidity', { limit: 10 }).map((r) => r.name).filter((n) => n.startsWith('weather__'))).toEqual([]);
    index.replaceServer('weather', CATALOG.filter((t) => t.server === 'weather'));
    expect(index.search('get the forecast and the weather alerts', { limit: 10 })).toEqual(before);
  });

  it('remove and upsert change results', () => {
    const index = new ToolSearchIndex(CATALOG);
    index.remove(['github__create_issue', 'no-such-tool']);
    expect(index.size).toBe(9);
    expect(top(index, 'create a github issue')).not.toContain('github__create_issue');
    index.upsert([{ server: 'jira', name: 'jira__create_ticket', description: 'Create an issue (ticket) in Jira.' }]);
    expect(top(index, 'create a jira issue')[0]).toBe('jira__create_ticket');
    // Upserting an existing name replaces it instead of duplicating it.
    index.upsert([{ server: 'jira', name: 'jira__create_ticket', description: 'Archive old boards.' }]);
    expect(index.size).toBe(10);
    expect(top(index, 'archive boards')[0]).toBe('jira__create_ticket');
  });

  it('is deterministic regardless of insertion order', () => {
    const a = new ToolSearchIndex(CATALOG);
    const b = new ToolSearchIndex([...CATALOG].reverse());
    for (const q of ['github', 'file path', 'weather in a city']) expect(top(a, q, 10)).toEqual(top(b, q, 10));
  });

  it('matches English queries against Chinese descriptions through the glossary', () => {
    const index = new ToolSearchIndex([
      ...CATALOG,
      { server: 'trends', name: 'trends__get-bbc-news', description: '获取 BBC 新闻，提供全球新闻、商业、科技等资讯' },
      { server: 'trends', name: 'trends__get-weibo-trending', description: '获取微博热搜榜单，展示当下最热门的话题' },
    ]);
    expect(top(index, 'latest world news headlines')[0]).toBe('trends__get-bbc-news');
    expect(top(index, 'what topics are trending right now')[0]).toBe('trends__get-weibo-trending');
    const plain = new ToolSearchIndex(CATALOG.concat([{ server: 'weibo', name: 'weibo__get_board', description: '获取微博热搜榜单' }]), { glossary: false });
    expect(top(plain, 'trending topics')[0]).not.toBe('weibo__get_board');
    const glossed = new ToolSearchIndex(CATALOG.concat([{ server: 'weibo', name: 'weibo__get_board', description: '获取微博热搜榜单' }]));
    expect(top(glossed, 'trending topics')[0]).toBe('weibo__get_board');
  });

  it('keeps a file writer in the results of a long task that ends by saving to a path', () => {
    const index = new ToolSearchIndex(CATALOG);
    const results = top(index, 'Look up the weather forecast for Paris and the severe weather alerts for Texas, then save a summary to /root/notes/weather.md');
    expect(results.slice(0, 3)).toContain('filesystem__write_file');
    expect(results).toContain('weather__get_forecast');
  });

  it('lists one tool name once before repeating it from another backend', () => {
    const index = new ToolSearchIndex([
      ...CATALOG,
      { server: 'desktop', name: 'desktop__read_file', description: 'Read the contents of a file at a path.', inputSchema: schema({ path: 'file path' }) },
    ]);
    const names = top(index, 'read the contents of a file', 3).map((n) => n.slice(n.indexOf('__') + 2));
    expect(names[0]).toBe('read_file');
    expect(names[1]).not.toBe('read_file');
  });

  it('answers a query with a pasted blob without tokenizing the blob', () => {
    const index = new ToolSearchIndex(CATALOG);
    const blob = 'iVBORw0KGgoAAAANSUhEUgAAAgAAAAIACAYAAAD0eNT6'.repeat(500);
    expect(top(index, `what is the weather forecast for this city? ${blob}`)[0]).toBe('weather__get_forecast');
  });

  it('prefers a tool that has the query words side by side (phrase bonus)', () => {
    // Same words, same server: only adjacency tells "word cloud" from "a cloud keyed by a word".
    const tools: SearchableTool[] = [
      { server: 'misc', name: 'misc__put', description: 'Store a cloud value keyed by a word.' },
      { server: 'misc', name: 'misc__draw', description: 'Draw a word cloud picture from input text with colors.' },
    ];
    expect(top(new ToolSearchIndex(tools, { phraseWeight: 0 }), 'word cloud')[0]).toBe('misc__put');
    const index = new ToolSearchIndex(tools);
    expect(top(index, 'word cloud')[0]).toBe('misc__draw');
    // The phrase index follows replacements and removals.
    index.upsert([{ server: 'misc', name: 'misc__draw', description: 'Draw a bar chart.' }]);
    expect(top(index, 'word cloud')[0]).toBe('misc__put');
    index.upsert([{ server: 'misc', name: 'misc__cloud', description: 'Render a word cloud image from input text with colors.' }]);
    expect(top(index, 'word cloud')[0]).toBe('misc__cloud');
    index.remove(['misc__cloud']);
    expect(top(index, 'word cloud')[0]).toBe('misc__put');
  });

  it('reads the format of a binary path as the object the task is about (format hints)', () => {
    const tools: SearchableTool[] = [
      ...CATALOG,
      { server: 'office', name: 'office__create_document', description: 'Create a Word document with paragraphs and headings.', inputSchema: schema({ filename: 'output name', paragraphs: 'body text' }) },
    ];
    const query = 'put the meeting summary into /home/me/summary.docx';
    expect(top(new ToolSearchIndex(tools, { formatWeight: 0 }), query)[0]).toMatch(/^filesystem__/);
    expect(top(new ToolSearchIndex(tools), query)[0]).toBe('office__create_document');
    // A format the user already named is not added again: nothing changes for a query that says it.
    const said = 'write a word document to /home/me/summary.docx';
    expect(top(new ToolSearchIndex(tools), said)).toEqual(top(new ToolSearchIndex(tools, { formatWeight: 0 }), said));
  });

  it('lifts the lookup that produces a required argument of a top tool (argument producers)', () => {
    const required = (props: Record<string, string>, req: string[]): object => ({ ...schema(props), required: req });
    const tools: SearchableTool[] = [
      { server: 'stocks', name: 'stocks__get_price_history', description: 'Daily closing prices of a stock.', inputSchema: required({ ticker: 'ticker', days: 'days' }, ['ticker']) },
      { server: 'stocks', name: 'stocks__search_symbol', description: 'Find the ticker of a listed company by its name.', inputSchema: required({ query: 'company name' }, ['query']) },
      { server: 'stocks', name: 'stocks__market_status', description: 'Whether the exchange is open now.', inputSchema: required({ exchange: 'exchange' }, ['exchange']) },
      { server: 'news', name: 'news__ticker_headlines', description: 'Headlines that mention a ticker.', inputSchema: required({ ticker: 'ticker' }, ['ticker']) },
    ];
    const query = 'chart the closing prices of Acme stock over 30 days';
    const off = top(new ToolSearchIndex(tools, { producerLift: 0 }), query);
    const on = top(new ToolSearchIndex(tools), query);
    expect(on[0]).toBe('stocks__get_price_history');
    // The symbol lookup mentions "ticker" without requiring it: it produces the argument, so it rises.
    expect(on.indexOf('stocks__search_symbol')).toBeLessThan(off.indexOf('stocks__search_symbol'));
    expect(on[1]).toBe('stocks__search_symbol');
    // Only siblings on the same server are linked, and a tool that itself requires the argument is not a producer.
    expect(on.indexOf('news__ticker_headlines')).toBe(off.indexOf('news__ticker_headlines'));
  });

  it('suppresses only true duplicate names, also for tools without a server prefix', () => {
    const tools: SearchableTool[] = [
      { server: 'cfg', name: 'get_config', description: 'Read a configuration value.' },
      { server: 'cfg', name: 'set_config', description: 'Write a configuration value.' },
      { server: 'a', name: 'a__write_file', description: 'Write a file.' },
      { server: 'b', name: 'b__write_file', description: 'Write a file.' },
    ];
    const scores = (dupDecay: number, query: string) => new Map(new ToolSearchIndex(tools, { dupDecay }).search(query).map((r) => [r.name, r.score]));
    // get_config and set_config are different tools: neither is discounted.
    expect(scores(0.5, 'configuration value').get('set_config')).toBe(scores(1, 'configuration value').get('set_config'));
    // Two backends' write_file are one tool offered twice: the second copy is halved.
    const [kept, halved] = [scores(1, 'write file'), scores(0.5, 'write file')];
    expect(halved.get('a__write_file')).toBe(kept.get('a__write_file'));
    expect(halved.get('b__write_file')).toBeCloseTo(kept.get('b__write_file')! / 2, 10);
  });
});

