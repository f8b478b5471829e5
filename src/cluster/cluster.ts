/**
 * One replica's membership of a cluster (router.yaml `cluster:`, docs/scaling.md): its id, the keys
 * derived from the shared secret, Redis, the registry of replicas and the forwarder. Built before
 * the router (the router signs cursors and requestState with the shared keys), announced once the
 * HTTP front listens (only then is its address known), closed after the fronts.
 */
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import type { ClusterConfig } from '../config/types.js';
import type { Logger } from '../log.js';
import { ClusterKeys } from './keys.js';
import { OwnedIds } from './owned-ids.js';
import { ClusterRedis } from './redis.js';
import { ReplicaRegistry, type ReplicaTimings } from './replicas.js';
import { ReplicaForwarder } from './forward.js';

export interface ClusterOptions {
  log: Logger;
  /** Test knobs: how often a replica renews its key, and how soon a silent one is forgotten. */
  timings?: Partial<ReplicaTimings>;
}

/** How long start-up waits for Redis before serving anyway (shared state then waits for Redis). */
const REDIS_START_WAIT_MS = 3000;

export class Cluster {
  readonly replicaId: string;
  readonly keys: ClusterKeys;
  readonly redis: ClusterRedis;
  readonly replicas: ReplicaRegistry;
  readonly forwarder: ReplicaForwarder;
  /** 2025 session ids that name this replica. */
  readonly sessionIds: OwnedIds;
  /** Task ids and held calls' states that name this replica. */
  readonly taskIds: OwnedIds;
  readonly log: Logger;

  constructor(
    readonly config: ClusterConfig,
    options: ClusterOptions,
  ) {
    // Unique even for two replicas on one host (compose, tests): the suffix tells them apart.
    this.replicaId = config.replicaId ?? `${hostname().replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 50)}-${randomBytes(4).toString('hex')}`;
    this.log = options.log.child({ replica: this.replicaId });
    this.keys = new ClusterKeys(config.secret);
    this.redis = new ClusterRedis(config.redisUrl, this.log);
    this.replicas = new ReplicaRegistry(this.redis, this.replicaId, this.log, options.timings);
    this.forwarder = new ReplicaForwarder(this.replicaId);
    this.sessionIds = new OwnedIds(this.replicaId, this.keys.derive('session-id'));
    this.taskIds = new OwnedIds(this.replicaId, this.keys.derive('task-id'));
  }

  /** The keys the router signs with, the same on every replica. */
  get signing(): { cursor: Buffer; requestState: Buffer } {
    return { cursor: this.keys.derive('cursor'), requestState: this.keys.derive('request-state') };
  }

  /**
   * Held MRTR calls (a modern client, a legacy backend): their requestState is signed with a key of
   * its own (never confused with the modern-backend envelope's) and names this replica as the owner.
   */
  get heldCalls(): { key: Buffer; owner: string } {
    return { key: this.keys.derive('held-call'), owner: this.replicaId };
  }

  /**
   * Announce this replica once its front listens on `port`. Waits a little for Redis, then goes on
   * without it: a replica that cannot reach Redis still serves what needs no shared state.
   */
  async announce(port: number): Promise<string> {
    const url = this.config.advertiseUrl ?? `http://${hostname()}:${port}`;
    this.replicas.start(url);
    if (!(await this.redis.ready(REDIS_START_WAIT_MS))) this.log.warn('redis not reachable yet: serving without shared state until it is');
    return url;
  }

  async close(): Promise<void> {
    await this.replicas.close();
    this.forwarder.close();
    await this.redis.close();
  }
}
