import { describe, expect, it } from 'vitest';
import { suggest } from '../../src/util/suggest.js';

describe('suggest', () => {
  it('returns the one closest name by default, within about one edit per three letters', () => {
    expect(suggest('comand', ['command', 'args'])).toEqual(['command']);
    expect(suggest('tmeout', ['timeout', 'connectTimeout'])).toEqual(['timeout']);
    expect(suggest('banana', ['command', 'args'])).toEqual([]);
    // Two edits allowed for 6+ letters, one below that.
    expect(suggest('cmmnd', ['command'])).toEqual([]);
    expect(suggest('commnd', ['command'])).toEqual(['command']);
  });

  it('counts an adjacent transposition as one edit', () => {
    expect(suggest('arsg', ['command', 'args'])).toEqual(['args']);
    expect(suggest('ra', ['ar'])).toEqual(['ar']);
  });

  it('compares through `canonical`', () => {
    const fieldKey = (s: string) => s.toLowerCase().replace(/[-_]/g, '');
    expect(suggest('A_R_G_S', ['args', 'command'])).toEqual([]);
    expect(suggest('A_R_G_S', ['args', 'command'], { canonical: fieldKey })).toEqual(['args']);
  });

  it('ranks equal, then containing, then by distance; ties by name; at most `max`', () => {
    const names = ['fs__read_file', 'fs__write_file', 'fs__read_files', 'memory__search'];
    expect(suggest('file', names, { max: 3 })).toEqual([]);
    expect(suggest('file', names, { max: 3, containment: true })).toEqual(['fs__read_file', 'fs__read_files', 'fs__write_file']);
    expect(suggest('FS__READ_FILE', names, { max: 2, containment: true })).toEqual(['fs__read_file', 'fs__read_files']);
    expect(suggest('x', names, { max: 0, containment: true })).toEqual([]);
    expect(suggest('', names, { max: 3, containment: true })).toEqual([]);
  });

  it('with a separator, matches the part after it too', () => {
    const names = ['github__create_issue', 'gitlab__delete_repo'];
    expect(suggest('create_isue', names)).toEqual([]);
    expect(suggest('create_isue', names, { separator: '__' })).toEqual(['github__create_issue']);
    expect(suggest('jira__create_issue', names, { separator: '__' })).toEqual(['github__create_issue']);
  });

  it('lists a name given twice once', () => {
    expect(suggest('args', ['args', 'args', 'argv'], { max: 3 })).toEqual(['args', 'argv']);
  });
});
