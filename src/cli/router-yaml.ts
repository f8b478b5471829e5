/**
 * Writing servers into router.yaml through the `yaml` Document API, so a file a person wrote keeps
 * its comments, key order and formatting; only the added entries are new text.
 */
import { isMap, isScalar, parseDocument, YAMLMap, type Document, type Node } from 'yaml';
import { SwitchboardError } from '../errors/index.js';
import type { ConvertedServer } from './client-configs/convert.js';

/**
 * The document as text. The `yaml` package re-renders what it parsed: comments, order and styles
 * survive, but the gap before a trailing comment becomes one space; `[a, b]` stays unpadded, as
 * people write it.
 */
export function routerText(doc: Document): string {
  return doc.toString({ flowCollectionPadding: false });
}

/** A fresh router.yaml with a header comment and an empty `servers:` block. */
export function newRouterDocument(header: string[]): Document {
  const doc = parseDocument('servers: {}\n');
  doc.commentBefore = header.map((l) => ` ${l}`).join('\n');
  return doc;
}

/** Parse an existing router.yaml for editing. Syntax errors are config errors naming the file. */
export function readRouterDocument(text: string, source: string): Document {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) {
    throw new SwitchboardError('SB_CONFIG_INVALID', `${source}: not valid YAML: ${doc.errors[0]!.message}`);
  }
  return doc;
}

/** The `servers:` map, created (in block style) when the file has none. */
export function serversMap(doc: Document): YAMLMap {
  let servers = doc.get('servers', true);
  if (servers === undefined || servers === null || (isScalar(servers) && servers.value === null)) {
    doc.set('servers', new YAMLMap());
    servers = doc.get('servers', true);
  }
  if (!isMap(servers)) throw new SwitchboardError('SB_CONFIG_INVALID', 'router.yaml: "servers" is not a mapping; fix it before adding servers');
  // `servers: {}` would otherwise stay a one-line flow map holding every imported server.
  if (servers.items.length === 0) servers.flow = false;
  return servers;
}

export function serverNames(doc: Document): string[] {
  const servers = doc.get('servers', true);
  return isMap(servers) ? servers.items.map((p) => String(isScalar(p.key) ? p.key.value : p.key)) : [];
}

function nodeAt(root: Node, path: string[]): Node | undefined {
  let cur: unknown = root;
  for (const seg of path) {
    if (!cur || typeof cur !== 'object' || !('get' in cur)) return undefined;
    cur = (cur as YAMLMap).get(/^\d+$/.test(seg) ? Number(seg) : seg, true);
  }
  return cur as Node | undefined;
}

/**
 * Append converted servers whose names the file lacks; a name already there is kept as it is and
 * reported, never overwritten. Returns which were added and which clashed.
 */
export function addServers(doc: Document, servers: readonly ConvertedServer[], origin: string): { added: string[]; clashes: string[] } {
  const map = serversMap(doc);
  const existing = new Set(serverNames(doc));
  const added: string[] = [];
  const clashes: string[] = [];
  for (const s of servers) {
    if (existing.has(s.name)) {
      clashes.push(s.name);
      continue;
    }
    const pair = doc.createPair(s.name, s.server);
    (pair.key as Node).commentBefore = ` imported from ${origin}`;
    for (const c of s.comments) {
      const node = nodeAt(pair.value as Node, c.path);
      if (node) node.comment = ` ${c.text}`;
    }
    map.items.push(pair);
    existing.add(s.name);
    added.push(s.name);
  }
  return { added, clashes };
}
