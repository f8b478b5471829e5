import { describe, expect, it } from 'vitest';
import { splitIdentifier, tokenize } from '../../src/workspace/search/tokenizer.js';
import { stem } from '../../src/workspace/search/stemmer.js';
import { analyzeQuery, fileOperations, splitSegments } from '../../src/workspace/search/query-analysis.js';
import { glossCjk } from '../../src/workspace/search/cjk-glossary.js';

describe('tokenizer', () => {
  it('splits camelCase and keeps the joined word', () => {
    expect(tokenize('getCurrentStockPrice', { stem: false, keepStopWords: true })).toEqual([
      'get', 'current', 'stock', 'price', 'getcurrentstockprice',
    ]);
  });

  it('splits snake_case, kebab-case, dots and digits', () => {
    expect(tokenize('get_current_stock_price', { stem: false })).toEqual(['get', 'current', 'stock', 'price']);
    expect(tokenize('get-weread-rank', { stem: false })).toEqual(['get', 'weread', 'rank']);
    expect(tokenize('fs.readFile', { stem: false })).toEqual(['fs', 'read', 'file', 'readfile']);
    expect(splitIdentifier('HTTPServer2Go')).toEqual(['HTTP', 'Server', '2', 'Go']);
  });

  it('lowercases, drops stop words and stems', () => {
    expect(tokenize('Please find the Generated Images for me')).toEqual(['find', 'gener', 'imag']);
    expect(tokenize("I don't want it")).toEqual([]);
  });

  it('turns CJK runs into character bigrams', () => {
    expect(tokenize('必应搜索', { gloss: false })).toEqual(['必应', '应搜', '搜索']);
    expect(tokenize('bing搜索 API', { gloss: false })).toEqual(['bing', '搜索', 'api']);
    expect(tokenize('搜', { gloss: false })).toEqual(['搜']);
  });

  it('adds English glosses of common Chinese words after the bigrams', () => {
    expect(tokenize('必应搜索')).toEqual(['必应', '应搜', '搜索', 'search']);
    expect(glossCjk('获取热门新闻')).toEqual(['get', 'popular', 'hot', 'trending', 'news']);
    // Longest entry wins: 排行榜 is one entry, not 排行 + a stray 榜.
    expect(glossCjk('音乐排行榜')).toEqual(['music', 'ranking', 'chart', 'top']);
    expect(glossCjk('无关字符')).toEqual([]);
  });

  it('skips blob-like words (base64, hashes) instead of splitting them into noise', () => {
    expect(tokenize(`decode ${'iVBORw0KGgoAAAANSUhEUgAAAgAAAAIACAYAAAD0eNT6AAAABHNCSVQ'}`)).toEqual(['decod']);
  });

  it('keeps "news" apart from "new"', () => {
    expect(stem('news')).toBe('news');
    expect(stem('running')).toBe('run');
    expect(stem('directories')).toBe('directori');
  });
});

describe('query analysis', () => {
  it('splits multi-step queries into clauses', () => {
    expect(splitSegments('Find trending repos, then write a summary to a file.')).toEqual([
      'Find trending repos',
      'write a summary to a file',
    ]);
    expect(splitSegments('create a github issue')).toEqual([]);
  });

  it('derives a file operation from each plain-text path and the verb before it', () => {
    expect(fileOperations('Summarize the trial and save it as Markdown to /root/markdown/x.md.')).toEqual(['write file']);
    expect(fileOperations('Read /root/docs/notes.txt and tell me the gist')).toEqual(['read file']);
    // Binary formats need format-specific tools; directories and verb-less paths imply nothing.
    expect(fileOperations('Save the deck to /root/ppt/deck.pptx')).toEqual([]);
    expect(fileOperations('What files are in my /root/music folder?')).toEqual([]);
    expect(fileOperations('create a github issue')).toEqual([]);
  });

  it('separates paths and URLs from the prose', () => {
    const parts = analyzeQuery('save it to /root/markdown/report.md and open https://www.youtube.com/watch?v=x');
    expect(parts.hints.sort()).toEqual(['file', 'page', 'path', 'url', 'web']);
    expect(parts.prose).toContain('www.youtube.com');
    expect(parts.prose).not.toContain('markdown');
    expect(parts.literals).toContain('/root/markdown/report.md');
  });
});
