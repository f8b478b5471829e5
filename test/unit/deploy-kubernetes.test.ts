/**
 * deploy/kubernetes: every document is valid against the Kubernetes schemas (kubernetes-models, plus
 * a strict check for fields the schema would silently ignore), and the manifests agree with the
 * router they run: its health path and port, its CLI flags, its config schema, its shutdown timing.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { parseConfig, RouterFileSchema } from '../../src/config/index.js';
import { SwitchboardError } from '../../src/errors/index.js';
import { SERVE_HELP } from '../../src/cli/serve.js';
import { CLOSE_DEADLINE_MS } from '../../src/cli/shutdown.js';
import { COMPOSE_DIR, K8S_DIR, findDoc, kubernetesDocs, manifestFiles, readText, requiredVariables, unknownFields, validateK8s, type Doc } from '../helpers/deploy-files.js';

const docs = kubernetesDocs();
const router = findDoc(docs, 'Deployment', 'switchboard');
const pod = router.spec.template.spec;
const container = pod.containers[0];
const secret = findDoc(docs, 'Secret', 'switchboard');
const configMap = findDoc(docs, 'ConfigMap', 'switchboard-config');
const routerYaml: string = configMap.data['router.yaml'];

/** What the pod's environment holds, resolved the way the kubelet does (fieldRef, secretKeyRef, $(VAR)). */
function podEnv(fields: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const e of container.env as Doc[]) {
    if (e.valueFrom?.fieldRef) env[e.name] = fields[e.valueFrom.fieldRef.fieldPath] ?? `<no test value for ${e.valueFrom.fieldRef.fieldPath}>`;
    else if (e.valueFrom?.secretKeyRef) {
      expect(e.valueFrom.secretKeyRef.name, `${e.name} comes from the Secret`).toBe(secret.metadata.name);
      expect(Object.keys(secret.stringData), `${e.name}: the Secret has its key`).toContain(e.valueFrom.secretKeyRef.key);
      env[e.name] = secret.stringData[e.valueFrom.secretKeyRef.key];
    } else env[e.name] = String(e.value).replace(/\$\(([A-Za-z_][A-Za-z0-9_]*)\)/g, (_m, name: string) => env[name] ?? `$(${name})`);
  }
  return env;
}

const POD = { 'metadata.name': 'switchboard-6f9c7d5b8-x2k4q', 'status.podIP': '10.42.0.17' };
const env = podEnv(POD);

/** The ConfigMap's router.yaml through the router's own loader, without the section `drop` names. */
function loadRouterYaml(text: string) {
  return parseConfig(text, { env, sourceName: 'configmap router.yaml', baseDir: '/app' });
}
/** Loaded inside the tests that need it, so a config problem fails those tests, not the whole file. */
function withoutCluster() {
  const doc = parseDocument(routerYaml);
  doc.delete('cluster');
  return loadRouterYaml(doc.toString());
}
const listen = () => withoutCluster().listen;

function probePort(probe: Doc): number {
  const port = probe.httpGet.port;
  if (typeof port === 'number') return port;
  const named = (container.ports as Doc[]).find((p) => p.name === port);
  if (!named) throw new Error(`probe port "${port}" names no container port`);
  return named.containerPort;
}

describe('deploy/kubernetes: schema validation', () => {
  it('every document validates against the Kubernetes schema of its kind', () => {
    expect(docs.length).toBeGreaterThan(0);
    for (const { file, kind, name, doc } of docs) {
      expect(() => validateK8s(doc), `${file}: ${kind} ${name}`).not.toThrow();
    }
  });

  it('no document has a field the schema does not know (the API server would drop it)', () => {
    for (const { file, kind, name, doc } of docs) expect(unknownFields(doc), `${file}: ${kind} ${name}`).toEqual([]);
  });

  it('the unknown-field check catches a misspelt field and a wrong type', () => {
    const typo = structuredClone(router);
    typo.spec.template.spec.containers[0].readinessprobe = typo.spec.template.spec.containers[0].readinessProbe;
    expect(unknownFields(typo)).toEqual(['spec.template.spec.containers.0.readinessprobe']);
    const wrongType = structuredClone(router);
    wrongType.spec.replicas = 'three';
    expect(() => validateK8s(wrongType)).toThrow(/replicas must be integer/);
  });

  it('has the router, its Service, ConfigMap, Secret and PDB, and a trial Redis', () => {
    expect(docs.map((d) => `${d.kind}/${d.name}`).sort()).toEqual([
      'ConfigMap/switchboard-config',
      'Deployment/redis',
      'Deployment/switchboard',
      'NetworkPolicy/redis',
      'PodDisruptionBudget/switchboard',
      'Secret/switchboard',
      'Service/redis',
      'Service/switchboard',
    ]);
  });

  it('kustomization.yaml lists exactly the manifest files', () => {
    const kustomization = parse(readText(join(K8S_DIR, 'kustomization.yaml')));
    expect(kustomization.kind).toBe('Kustomization');
    expect([...kustomization.resources].sort()).toEqual(manifestFiles());
    expect(kustomization.images.map((i: Doc) => i.name)).toEqual([container.image]);
    expect(readdirSync(K8S_DIR).filter((f) => !f.endsWith('.yaml'))).toEqual([]);
  });
});

describe('deploy/kubernetes: the router Deployment', () => {
  it('runs 3 replicas, selected by its pod labels, rolling one at a time', () => {
    expect(router.spec.replicas).toBe(3);
    expect(router.spec.template.metadata.labels).toMatchObject(router.spec.selector.matchLabels);
    expect(router.spec.strategy.rollingUpdate).toEqual({ maxSurge: 1, maxUnavailable: 0 });
  });

  it('runs `serve --http` on the mounted config, with flags the CLI has', () => {
    expect(container.args).toEqual(['serve', '--http', '--config', '/etc/switchboard/router.yaml']);
    for (const flag of container.args.filter((a: string) => a.startsWith('--'))) expect(SERVE_HELP).toContain(`${flag} `);
    const mount = (container.volumeMounts as Doc[]).find((m) => m.mountPath === '/etc/switchboard');
    const volume = (pod.volumes as Doc[]).find((v) => v.name === mount.name);
    expect(mount.readOnly).toBe(true);
    expect(volume.configMap.name).toBe(configMap.metadata.name);
    expect(Object.keys(configMap.data)).toEqual(['router.yaml']);
  });

  it('names each replica after its pod and advertises the pod IP on the router port', () => {
    expect(env.SWITCHBOARD_REPLICA_ID).toBe(POD['metadata.name']);
    expect(env.SWITCHBOARD_ADVERTISE_URL).toBe(`http://${POD['status.podIP']}:${listen().port}`);
  });

  it('gives the router every variable its router.yaml needs, secrets from the Secret', () => {
    const required = requiredVariables(routerYaml);
    expect(required).toEqual(['SWITCHBOARD_ADVERTISE_URL', 'SWITCHBOARD_CLUSTER_SECRET', 'SWITCHBOARD_REDIS_URL', 'SWITCHBOARD_REPLICA_ID', 'SWITCHBOARD_TOKEN']);
    for (const name of required) expect(Object.keys(env), name).toContain(name);
    const fromSecret = (container.env as Doc[]).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name);
    expect(fromSecret.sort()).toEqual(['SWITCHBOARD_CLUSTER_SECRET', 'SWITCHBOARD_REDIS_URL', 'SWITCHBOARD_TOKEN']);
  });

  it('probes the health endpoint the router really serves, on its real port', () => {
    const healthPath = listen().healthEndpoints[0];
    expect(healthPath).toBe('/healthz');
    expect(container.ports.map((p: Doc) => p.containerPort)).toEqual([listen().port]);
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const probe = container[kind];
      expect(probe.httpGet.path, kind).toBe(healthPath);
      expect(probePort(probe), kind).toBe(listen().port);
    }
  });

  it('lets a drain finish before the kubelet kills the pod', () => {
    const preStopS: number = container.lifecycle.preStop.sleep.seconds;
    const graceMs = withoutCluster().shutdownGraceMs ?? Number.NaN;
    expect(graceMs).toBe(20_000);
    const drainS = preStopS + graceMs / 1000 + CLOSE_DEADLINE_MS / 1000;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(drainS);
  });

  it('runs as a non-root user on a read-only root file system, with writable state and tmp', () => {
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
    expect(container.securityContext).toEqual({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
    const mounts = Object.fromEntries((container.volumeMounts as Doc[]).map((m) => [m.mountPath, m.name]));
    expect(Object.keys(mounts).sort()).toEqual(['/etc/switchboard', '/tmp', '/var/lib/switchboard']);
    expect(container.resources.requests).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
  });
});

describe('deploy/kubernetes: Service, PDB, Secret, Redis', () => {
  it('the Service balances plainly over the router pods on the named port', () => {
    const service = findDoc(docs, 'Service', 'switchboard');
    expect(service.spec.type).toBe('ClusterIP');
    expect(service.spec.sessionAffinity).toBe('None');
    expect(router.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports.map((p: Doc) => p.targetPort)).toEqual(['http']);
  });

  it('the PodDisruptionBudget covers the router pods and leaves two of three up', () => {
    const pdb = findDoc(docs, 'PodDisruptionBudget', 'switchboard');
    expect(router.spec.template.metadata.labels).toMatchObject(pdb.spec.selector.matchLabels);
    expect(pdb.spec.maxUnavailable).toBe(1);
  });

  it('the Secret holds only clearly marked placeholders', () => {
    expect(Object.keys(secret.stringData).sort()).toEqual(['auth-token', 'cluster-secret', 'redis-password', 'redis-url']);
    for (const [key, value] of Object.entries(secret.stringData)) expect(value, key).toMatch(/REPLACE-ME/);
  });

  it('the replicas reach the trial Redis with the password it requires', () => {
    const redis = findDoc(docs, 'Deployment', 'redis');
    const redisService = findDoc(docs, 'Service', 'redis');
    const url = new URL(secret.stringData['redis-url']);
    expect(url.protocol).toBe('redis:');
    expect(url.hostname).toBe(redisService.metadata.name);
    expect(Number(url.port)).toBe(redisService.spec.ports[0].port);
    expect(decodeURIComponent(url.password)).toBe(secret.stringData['redis-password']);
    const redisContainer = redis.spec.template.spec.containers[0];
    expect(redisContainer.args.slice(0, 2)).toEqual(['--requirepass', '$(REDIS_PASSWORD)']);
    expect(redisContainer.env).toEqual([{ name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: 'switchboard', key: 'redis-password' } } }]);
    expect(redis.spec.replicas).toBe(1);
    expect(redis.spec.template.metadata.labels).toMatchObject(redisService.spec.selector);
    const policy = findDoc(docs, 'NetworkPolicy', 'redis');
    expect(router.spec.template.metadata.labels).toMatchObject(policy.spec.ingress[0].from[0].podSelector.matchLabels);
  });
});

describe('deploy/kubernetes: the ConfigMap router.yaml', () => {
  it('is the same text as deploy/compose/router.yaml', () => {
    expect(routerYaml).toBe(readText(join(COMPOSE_DIR, 'router.yaml')));
  });

  it('passes the router config validation apart from cluster:, listening on every interface with a token', () => {
    expect(listen()).toMatchObject({ host: '0.0.0.0', port: 8765, path: '/mcp', authToken: secret.stringData['auth-token'] });
    expect(withoutCluster().servers.map((s) => s.name)).toEqual(['everything']);
  });

  it('has a cluster: section taking redis, replicaId, advertiseUrl and secret from the environment', () => {
    expect(parse(routerYaml).cluster).toEqual({
      redis: '${SWITCHBOARD_REDIS_URL}',
      replicaId: '${SWITCHBOARD_REPLICA_ID}',
      advertiseUrl: '${SWITCHBOARD_ADVERTISE_URL}',
      secret: '${SWITCHBOARD_CLUSTER_SECRET}',
    });
  });

  // Until the router's schema has `cluster:` (issue 15), the section must be the one thing it
  // rejects; once it has it, the whole file must load and carry the pod's values. Either way this
  // fails if the file and the schema disagree.
  it('cluster section: the router schema accepts it once it has cluster:, and rejects nothing else before', () => {
    if ('cluster' in RouterFileSchema.shape) {
      const config = loadRouterYaml(routerYaml) as unknown as { cluster?: unknown };
      const cluster = JSON.stringify(config.cluster);
      for (const value of [env.SWITCHBOARD_REPLICA_ID, env.SWITCHBOARD_ADVERTISE_URL]) expect(cluster).toContain(value);
      return;
    }
    let error: unknown;
    try {
      loadRouterYaml(routerYaml);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SwitchboardError);
    expect((error as SwitchboardError).code).toBe('SB_CONFIG_INVALID');
    expect(((error as SwitchboardError).data as { issues: { path: string }[] }).issues.map((i) => i.path)).toEqual(['cluster']);
  });
});
