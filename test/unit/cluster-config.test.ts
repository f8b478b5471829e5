import { describe, expect, it } from 'vitest';
import { thrown } from '../helpers/thrown.js';
import { parseConfig } from '../../src/config/index.js';
import { configSecrets } from '../../src/config/redact.js';
import { SwitchboardError } from '../../src/errors/index.js';
import { ClusterKeys } from '../../src/cluster/keys.js';
import { OwnedIds } from '../../src/cluster/owned-ids.js';

const SECRET = 'a'.repeat(16) + 'b'.repeat(16);
const base = 'servers:\n  fx: { command: node }\n';


describe('router.yaml cluster:', () => {
  it('is absent unless configured', () => {
    expect(parseConfig(base, { env: {} }).cluster).toBeUndefined();
  });

  it('takes redis, a ${VAR} secret, replicaId and advertiseUrl, with event-store bounds defaulted', () => {
    const yaml = `${base}cluster:\n  redis: redis://:pw@redis:6379/0\n  secret: \${SB_SECRET}\n  replicaId: r-1\n  advertiseUrl: http://10.0.0.5:8765\n`;
    expect(parseConfig(yaml, { env: { SB_SECRET: SECRET } }).cluster).toEqual({
      redisUrl: 'redis://:pw@redis:6379/0',
      secret: SECRET,
      replicaId: 'r-1',
      advertiseUrl: 'http://10.0.0.5:8765',
      events: { maxLength: 1000, maxAgeMs: 300_000 },
    });
  });

  it('names each wrong field and says what it wants', () => {
    const yaml = `${base}cluster:\n  redis: http://redis:6379\n  secret: short\n  replicaId: "a b"\n`;
    const err = thrown(() => parseConfig(yaml, { env: {} }));
    expect(err.code).toBe('SB_CONFIG_INVALID');
    expect(err.message).toContain('cluster.redis: expected a Redis URL such as redis://redis:6379');
    expect(err.message).toContain('cluster.secret: must be at least 32 characters');
    expect(err.message).toContain('cluster.replicaId: expected 1-63 letters, digits');
  });

  it('keeps the secret and the Redis password out of everything the router shows', () => {
    const yaml = `${base}cluster:\n  redis: redis://:hunter2pw@redis:6379\n  secret: ${SECRET}\n`;
    const secrets = configSecrets(parseConfig(yaml, { env: {} }));
    expect(secrets).toContain(SECRET);
    expect(secrets).toContain('hunter2pw');
  });
});

describe('OwnedIds', () => {
  const keys = new ClusterKeys(SECRET);
  const a = new OwnedIds('replica-a', keys.derive('session-id'));
  const b = new OwnedIds('replica-b', new ClusterKeys(SECRET).derive('session-id'));

  it('mints ids that any replica with the same secret reads the owner of', () => {
    const id = a.mint();
    expect(id.startsWith('replica-a:')).toBe(true);
    expect(b.ownerOf(id)).toBe('replica-a');
    expect(a.isMine(id)).toBe(true);
    expect(b.isMine(id)).toBe(false);
    expect(a.mint()).not.toBe(id);
    // Visible ASCII only: a session id travels in the Mcp-Session-Id header.
    expect(id).toMatch(/^[\x21-\x7e]+$/);
  });

  it('refuses an id whose owner was edited, one from another secret, and one of another purpose', () => {
    const id = a.mint();
    expect(b.ownerOf(id.replace('replica-a', 'replica-b'))).toBeUndefined();
    const foreign = new OwnedIds('replica-a', new ClusterKeys('z'.repeat(32)).derive('session-id')).mint();
    expect(b.ownerOf(foreign)).toBeUndefined();
    const task = new OwnedIds('replica-a', keys.derive('task-id')).mint();
    expect(b.ownerOf(task)).toBeUndefined();
    for (const junk of ['', ':', 'a:b', 'replica-a::', '::::', 'no-colons', `${id}x`]) expect(b.ownerOf(junk)).toBeUndefined();
  });

  it('derives a different key per purpose, and the same one on every replica', () => {
    expect(keys.derive('cursor').equals(new ClusterKeys(SECRET).derive('cursor'))).toBe(true);
    expect(keys.derive('cursor').equals(keys.derive('request-state'))).toBe(false);
    expect(keys.derive('cursor')).toHaveLength(32);
  });
});
