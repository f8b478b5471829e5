import { UriTemplate } from '@modelcontextprotocol/client';
import { describe, expect, it } from 'vitest';
import {
  mapCallToolResultUris,
  mapContentBlockUri,
  mapGetPromptResultUris,
  mapReadResourceResultUris,
  parsePublicUri,
  toPublicUri,
  toPublicUriTemplate,
} from '../../src/catalog/uri.js';

const URIS = [
  'file:///abs/path/to/file.txt',
  'file:///C:/Users/me/My%20Documents/x.md',
  'https://example.com/a/b?x=1&y=2#frag',
  'http://user:pw@host:8080/p',
  'memory://x',
  'demo://resource/static/document/1',
  'custom+scheme:opaque-part',
  'urn:isbn:0451450523',
  'mailto:someone@example.com',
  'x://with space/and spaces?q=a b#c d',
  'x://percent/%2F%25%41',
  'x://unicode/日本/🚀',
  'x://trailing/',
  'sb://nested/memory://inner',
  'SB://case/upper',
  'plain-no-scheme',
  '',
];

const PREFIXES = ['github', 'fs', 'a__b', 'my-server', 'Upper', 'has space', 'slash/in/prefix', "quote'(x)*!", '日本', '%41', '?#'];

describe('toPublicUri / parsePublicUri', () => {
  it('is the identity for an empty prefix', () => {
    for (const uri of URIS) {
      expect(toPublicUri('', uri)).toBe(uri);
      expect(toPublicUriTemplate('', uri)).toBe(uri);
    }
  });

  it('prefixes with sb://<prefix>/ and leaves the original verbatim', () => {
    expect(toPublicUri('github', 'file:///abs/path')).toBe('sb://github/file:///abs/path');
    expect(toPublicUri('mem', 'memory://x?y#z')).toBe('sb://mem/memory://x?y#z');
    expect(toPublicUri('has space', 'a://b')).toBe('sb://has%20space/a://b');
    expect(toPublicUri("q'(*)!", 'a://b')).toBe('sb://q%27%28%2A%29%21/a://b');
  });

  it('round-trips every URI shape under every prefix', () => {
    for (const prefix of PREFIXES) {
      for (const uri of URIS) {
        expect(parsePublicUri(toPublicUri(prefix, uri))).toEqual({ prefix, uri });
      }
    }
  });

  it('produces URIs a WHATWG parser accepts, with the prefix as host', () => {
    for (const uri of ['file:///abs/path', 'https://e.com/a?b=1#c', 'memory://x', 'demo://resource/dynamic/42']) {
      const url = new URL(toPublicUri('github', uri));
      expect(url.protocol).toBe('sb:');
      expect(url.host).toBe('github');
      expect(url.href).toBe(toPublicUri('github', uri));
    }
  });

  it('rejects what it did not mint', () => {
    for (const bad of ['file:///x', 'sb://', 'sb:///x', 'sb://nohead', 'sb://p?x/y', 'sb://%E0%A4%A/x', 'xsb://p/x', ' sb://p/x']) {
      expect(parsePublicUri(bad), bad).toBeUndefined();
    }
  });

  it('accepts an upper-cased scheme (schemes are case-insensitive)', () => {
    expect(parsePublicUri('SB://github/memory://x')).toEqual({ prefix: 'github', uri: 'memory://x' });
  });

  it('unwraps one level only: a backend’s own sb:// URI survives', () => {
    const pub = toPublicUri('outer', 'sb://inner/x');
    expect(parsePublicUri(pub)).toEqual({ prefix: 'outer', uri: 'sb://inner/x' });
  });
});

describe('URI templates', () => {
  const cases: Array<[string, Record<string, string | string[]>]> = [
    ['demo://resource/dynamic/{id}', { id: '42' }],
    ['demo://resource/dynamic/{id}', { id: 'a b/c?d' }],
    ['file:///{+path}', { path: 'home/me/notes file.md' }],
    ['file:///{+path}{?q,r}', { path: 'a/b', q: 'x', r: 'y&z' }],
    ['https://api.example.com/repos/{owner}/{repo}/issues{?state,labels}', { owner: 'o', repo: 'r', state: 'open', labels: ['a', 'b'] }],
    ['{scheme}://host/{id}', { scheme: 'memory', id: '1' }],
    ['mem://x{#section}', { section: 'intro' }],
    ['db://{table}/{id}', { table: '%weird', id: '' }],
  ];

  it('maps the template with the same head as URIs', () => {
    expect(toPublicUriTemplate('demo', 'demo://resource/dynamic/{id}')).toBe('sb://demo/demo://resource/dynamic/{id}');
  });

  it('expanding the public template parses back to the backend’s own expansion', () => {
    for (const prefix of PREFIXES) {
      for (const [template, vars] of cases) {
        const publicExpanded = new UriTemplate(toPublicUriTemplate(prefix, template)).expand(vars);
        const backendExpanded = new UriTemplate(template).expand(vars);
        expect(parsePublicUri(publicExpanded), `${prefix} ${template}`).toEqual({ prefix, uri: backendExpanded });
      }
    }
  });

  it('the public template matches expanded public URIs with the same variables', () => {
    const pub = new UriTemplate(toPublicUriTemplate('demo', 'demo://resource/dynamic/{id}'));
    expect(pub.match('sb://demo/demo://resource/dynamic/7')).toEqual({ id: '7' });
  });
});

const up: (uri: string) => string = (uri) => `P(${uri})`;

describe('result rewriters', () => {
  it('mapContentBlockUri rewrites only links and embedded resources', () => {
    expect(mapContentBlockUri({ type: 'text', text: 'file:///x' }, up)).toEqual({ type: 'text', text: 'file:///x' });
    expect(mapContentBlockUri({ type: 'resource_link', uri: 'a://b', name: 'b' }, up)).toEqual({ type: 'resource_link', uri: 'P(a://b)', name: 'b' });
    expect(mapContentBlockUri({ type: 'resource', resource: { text: 'no uri' } }, up)).toEqual({ type: 'resource', resource: { text: 'no uri' } });
    expect(mapContentBlockUri(null, up)).toBeNull();
    expect(mapContentBlockUri('x', up)).toBe('x');
  });

  it('mapCallToolResultUris: links and embedded resources, nothing else', () => {
    const input = {
      content: [
        { type: 'text', text: 'see memory://x' },
        { type: 'resource_link', uri: 'memory://x', name: 'x', annotations: { audience: ['user'] }, _meta: { k: 1 } },
        { type: 'resource', resource: { uri: 'file:///a', text: 'hi', mimeType: 'text/plain', _meta: { m: 2 } }, annotations: { priority: 1 } },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
      ],
      structuredContent: { uri: 'memory://untouched' },
      isError: false,
      _meta: { uri: 'memory://untouched' },
      extra: 'field',
    };
    const frozen = structuredClone(input);
    const out = mapCallToolResultUris(input, up);
    expect(out).toEqual({
      content: [
        { type: 'text', text: 'see memory://x' },
        { type: 'resource_link', uri: 'P(memory://x)', name: 'x', annotations: { audience: ['user'] }, _meta: { k: 1 } },
        { type: 'resource', resource: { uri: 'P(file:///a)', text: 'hi', mimeType: 'text/plain', _meta: { m: 2 } }, annotations: { priority: 1 } },
        { type: 'image', data: 'AAAA', mimeType: 'image/png' },
      ],
      structuredContent: { uri: 'memory://untouched' },
      isError: false,
      _meta: { uri: 'memory://untouched' },
      extra: 'field',
    });
    expect(input).toEqual(frozen); // the input is not mutated
    expect(out).not.toBe(input);
  });

  it('returns the result itself when no URI changes: text-only results and unprefixed servers are not copied', () => {
    const text = { content: [{ type: 'text', text: 'hi' }], isError: false };
    expect(mapCallToolResultUris(text, up)).toBe(text);
    const linked = { content: [{ type: 'text', text: 'a' }, { type: 'resource_link', uri: 'memory://x', name: 'x' }, { type: 'resource', resource: { uri: 'file:///a', text: 't' } }] };
    expect(mapCallToolResultUris(linked, (uri) => uri)).toBe(linked);
    // Only what changed is new: the untouched text block is shared with the input.
    const out = mapCallToolResultUris(linked, up) as typeof linked;
    expect(out).not.toBe(linked);
    expect(out.content[0]).toBe(linked.content[0]);
    const prompt = { messages: [{ role: 'user', content: [{ type: 'text', text: 't' }] }] };
    expect(mapGetPromptResultUris(prompt, up)).toBe(prompt);
  });

  it('mapCallToolResultUris tolerates results without content', () => {
    expect(mapCallToolResultUris({ resultType: 'input_required' }, up)).toEqual({ resultType: 'input_required' });
  });

  it('mapGetPromptResultUris: single-block and array content', () => {
    const out = mapGetPromptResultUris(
      {
        description: 'd',
        messages: [
          { role: 'user', content: { type: 'text', text: 't' } },
          { role: 'user', content: { type: 'resource', resource: { uri: 'a://1', text: 'x' } } },
          { role: 'assistant', content: { type: 'resource_link', uri: 'a://2', name: 'n' } },
          { role: 'user', content: [{ type: 'resource_link', uri: 'a://3', name: 'm' }, { type: 'text', text: 'u' }] },
        ],
        _meta: { x: 1 },
      },
      up,
    );
    expect(out).toEqual({
      description: 'd',
      messages: [
        { role: 'user', content: { type: 'text', text: 't' } },
        { role: 'user', content: { type: 'resource', resource: { uri: 'P(a://1)', text: 'x' } } },
        { role: 'assistant', content: { type: 'resource_link', uri: 'P(a://2)', name: 'n' } },
        { role: 'user', content: [{ type: 'resource_link', uri: 'P(a://3)', name: 'm' }, { type: 'text', text: 'u' }] },
      ],
      _meta: { x: 1 },
    });
  });

  it('mapReadResourceResultUris: contents[].uri', () => {
    expect(
      mapReadResourceResultUris({ contents: [{ uri: 'a://1', text: 't' }, { uri: 'a://2', blob: 'AA', mimeType: 'x/y' }, { text: 'no uri' }], _meta: {} }, up),
    ).toEqual({ contents: [{ uri: 'P(a://1)', text: 't' }, { uri: 'P(a://2)', blob: 'AA', mimeType: 'x/y' }, { text: 'no uri' }], _meta: {} });
  });

  it('composes with parsePublicUri to route back (front -> backend direction)', () => {
    const toBackend = (uri: string) => parsePublicUri(uri)?.uri ?? uri;
    const pub = mapReadResourceResultUris({ contents: [{ uri: 'memory://x', text: '' }] }, (u) => toPublicUri('mem', u));
    expect(mapReadResourceResultUris(pub, toBackend)).toEqual({ contents: [{ uri: 'memory://x', text: '' }] });
  });
});
