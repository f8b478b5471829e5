/** The router.yaml glob dialect (src/workspace/glob.ts): what configs written so far rely on, and brace sets. */
import { describe, expect, it } from 'vitest';
import { GlobSet, globToRegExp, literalPrefixLength } from '../../src/workspace/glob.js';

const matches = (glob: string, name: string): boolean => globToRegExp(glob).test(name);

describe('globs', () => {
  it('* and ? stay within a segment, ** crosses "/", everything else is literal', () => {
    expect(matches('gh__*', 'gh__create_issue')).toBe(true);
    expect(matches('gh__*', 'gl__create_issue')).toBe(false);
    expect(matches('*__create_issue', 'gh__create_issue')).toBe(true);
    expect(matches('gh__???', 'gh__abc')).toBe(true);
    expect(matches('gh__???', 'gh__abcd')).toBe(false);
    expect(matches('gh__create_issue', 'gh__create_issue')).toBe(true);
    expect(matches('gh__create_issue', 'gh__create_issues')).toBe(false);
    expect(matches('a.b', 'axb')).toBe(false);
    expect(matches('a+b$c^d', 'a+b$c^d')).toBe(true);
    expect(matches('file:///src/*', 'file:///src/a')).toBe(true);
    expect(matches('file:///src/*', 'file:///src/a/b')).toBe(false);
    expect(matches('file:///src/?', 'file:///src//')).toBe(false);
    expect(matches('file:///src/**', 'file:///src/a/b')).toBe(true);
    expect(matches('file:///src/**/api', 'file:///src/x/y/api')).toBe(true);
  });

  it('a trailing /** also matches the directory itself, but not a sibling sharing its prefix', () => {
    expect(matches('file:///src/api/**', 'file:///src/api')).toBe(true);
    expect(matches('file:///src/api/**', 'file:///src/api/v1/users')).toBe(true);
    expect(matches('file:///src/api/**', 'file:///src/apix')).toBe(false);
  });

  it('leading dots are ordinary characters and a leading "!" is literal', () => {
    expect(matches('gh__*', 'gh__.internal')).toBe(true);
    expect(matches('file:///home/me/**', 'file:///home/me/.config/app')).toBe(true);
    expect(matches('!gh__*', 'gl__x')).toBe(false);
    expect(matches('!gh__*', '!gh__x')).toBe(true);
  });

  it('brace sets pick among alternatives', () => {
    const set = new GlobSet(['github__{create,update}_*']);
    expect(set.matches('github__create_issue')).toBe(true);
    expect(set.matches('github__update_pull_request')).toBe(true);
    expect(set.matches('github__delete_issue')).toBe(false);
    expect(set.matches('github__{create,update}_issue')).toBe(false);
    expect(matches('{gh,gl}__list_*', 'gl__list_merge_requests')).toBe(true);
    expect(matches('file:///src/{api,web}/**', 'file:///src/web/app')).toBe(true);
    expect(matches('file:///src/{api,web}/**', 'file:///src/cli/app')).toBe(false);
  });

  it('GlobSet reports any match and the first matching glob', () => {
    const set = new GlobSet(['db__*', 'gh__create_*', 'gh__*']);
    expect(set.firstMatch('gh__create_issue')).toBe(1);
    expect(set.firstMatch('gh__list_issues')).toBe(2);
    expect(set.firstMatch('fs__read')).toBe(-1);
    expect(set.matches('db__query')).toBe(true);
    expect(new GlobSet([]).matches('anything')).toBe(false);
  });

  it('literalPrefixLength counts the characters before the first wildcard of any kind', () => {
    expect(literalPrefixLength('file:///src/api/**')).toBe('file:///src/api/'.length);
    expect(literalPrefixLength('gh__create_issue')).toBe('gh__create_issue'.length);
    expect(literalPrefixLength('gh__?')).toBe(4);
    expect(literalPrefixLength('github__{create,update}_*')).toBe('github__'.length);
    expect(literalPrefixLength('file:///src/[ab]pi/**')).toBe('file:///src/'.length);
  });
});
