import { describe, expect, it } from 'vitest';
import { splitIdentifier, tokenize } from '../../src/workspace/search/tokenizer.js';
import { stem } from '../../src/workspace/search/stemmer.js';
import { analyzeQuery, splitSegments } from '../../src/workspace/search/query-analysis.js';

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
    expect(tokenize('必应搜索')).toEqual(['必应', '应搜', '搜索']);
    expect(tokenize('bing搜索 API')).toEqual(['bing', '搜索', 'api']);
    expect(tokenize('搜')).toEqual(['搜']);
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

  it('separates paths and URLs from the prose', () => {
    const parts = analyzeQuery('save it to /root/markdown/report.md and open https://www.youtube.com/watch?v=x');
    expect(parts.hints.sort()).toEqual(['file', 'page', 'path', 'url', 'web']);
    expect(parts.prose).toContain('www.youtube.com');
    expect(parts.prose).not.toContain('markdown');
    expect(parts.literals).toContain('/root/markdown/report.md');
  });
});
