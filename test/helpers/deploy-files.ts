/**
 * Reading deploy/: the Kubernetes documents (each with the model class that validates it against the
 * Kubernetes schema), the compose file, and the strictness check kubernetes-models lacks.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { REPO_ROOT } from './nginx.js';

export const DEPLOY_DIR = join(REPO_ROOT, 'deploy');
export const K8S_DIR = join(DEPLOY_DIR, 'kubernetes');
export const COMPOSE_DIR = join(DEPLOY_DIR, 'compose');

/** The kinds deploy/kubernetes may use, by `apiVersion/kind`. */
const MODELS = {
  'v1/ConfigMap': ConfigMap,
  'v1/Secret': Secret,
  'v1/Service': Service,
  'apps/v1/Deployment': Deployment,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'networking.k8s.io/v1/NetworkPolicy': NetworkPolicy,
} as const;

/** The manifests are plain data that tests walk by field name; the schema checks are what type them. */
export type Doc = any;

export interface K8sDoc {
  file: string;
  kind: string;
  name: string;
  doc: Doc;
}

export function readText(path: string): string {
  return readFileSync(path, 'utf8');
}

/** Every document of every .yaml in deploy/kubernetes except kustomization.yaml, in file order. */
export function kubernetesDocs(): K8sDoc[] {
  const docs: K8sDoc[] = [];
  for (const file of manifestFiles()) {
    for (const parsed of parseAllDocuments(readText(join(K8S_DIR, file)))) {
      if (parsed.errors.length) throw new Error(`${file}: ${parsed.errors.map((e) => e.message).join('; ')}`);
      const doc = parsed.toJS() as Doc;
      if (doc === null) continue;
      docs.push({ file, kind: doc.kind, name: doc.metadata?.name, doc });
    }
  }
  return docs;
}

export function manifestFiles(): string[] {
  return readdirSync(K8S_DIR)
    .filter((f) => /\.ya?ml$/.test(f) && f !== 'kustomization.yaml')
    .sort();
}

export function findDoc(docs: K8sDoc[], kind: string, name: string): Doc {
  const found = docs.find((d) => d.kind === kind && d.name === name);
  if (!found) throw new Error(`no ${kind} named ${name} in deploy/kubernetes`);
  return found.doc;
}

/** Validate against the Kubernetes schema; throws with the schema's message. */
export function validateK8s(doc: Doc): void {
  const Model = MODELS[`${doc.apiVersion}/${doc.kind}` as keyof typeof MODELS];
  if (!Model) throw new Error(`${doc.apiVersion} ${doc.kind} is not a kind the deploy manifests are checked for`);
  new Model(doc).validate();
}

function passes(doc: Doc): boolean {
  try {
    validateK8s(doc);
    return true;
  } catch {
    return false;
  }
}

/**
 * Field paths the schema does not know (a typo such as `readinessprobe`), which the Kubernetes
 * schemas accept silently and the API server drops: what kubeconform's -strict catches.
 *
 * A field is known when the schema constrains it: its value replaced with `[[[]]]` (no Kubernetes
 * field is a list of lists) must then fail validation. A field the schema ignores still passes.
 */
export function unknownFields(doc: Doc): string[] {
  if (!passes(doc)) throw new Error('unknownFields needs a document that validates');
  const unknown: string[] = [];
  const visit = (node: Doc, path: (string | number)[]): void => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...path, i]));
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const key of Object.keys(node)) {
      const at = [...path, key];
      if (at.length === 1 && (key === 'apiVersion' || key === 'kind')) continue;
      if (passes(replaced(doc, at))) unknown.push(at.join('.'));
      else visit(node[key], at);
    }
  };
  visit(doc, []);
  return unknown;
}

function replaced(doc: Doc, path: (string | number)[]): Doc {
  const copy = structuredClone(doc);
  let node = copy;
  for (const step of path.slice(0, -1)) node = node[step];
  node[path[path.length - 1] as string | number] = [[[]]];
  return copy;
}

/** docker-compose.yml, with its `<<:` merge keys applied as compose does. */
export function composeFile(): Doc {
  return parse(readText(join(COMPOSE_DIR, 'docker-compose.yml')), { merge: true });
}

/** The `${NAME}` references in a router.yaml that have no `:-default`, so must be set. */
export function requiredVariables(routerYaml: string): string[] {
  const withoutComments = routerYaml
    .split('\n')
    .map((line) => line.replace(/(^|\s)#.*$/, ''))
    .join('\n');
  return [...new Set([...withoutComments.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g)].map((m) => m[1] as string))].sort();
}
