/**
 * Who owns the child process behind each client of the bridge.
 *
 * isolated (default): every front session gets its own Router, hence its own child (or its own
 * connection to the remote). Whatever that child says (responses, progress, logs, sampling and
 * elicitation requests) can only reach the one client it belongs to, and closing or timing out the
 * session closes the router, which reaps the child and its process group.
 *
 * shared (--shared): one Router, one child for everyone. Client request ids are never forwarded: each
 * session's SDK Server answers its client under the client's own id (string or number, exactly), and
 * the router's SDK Client numbers its requests to the child itself, so equal ids from two clients
 * cannot collide. Server->client requests go to the one session with a request in flight, or fail.
 */
import type { Transport } from '@modelcontextprotocol/server';
import type { RouterConfig } from '../config/types.js';
import type { FrontSession } from '../front/session.js';
import { Router, type RouterOptions } from '../router.js';
import type { ConnectSession } from '../transports/front-connect.js';
import { SwitchboardError, shuttingDown } from '../errors/index.js';

export interface BridgeSessions {
  connect: ConnectSession;
  /** Pids of the live children (stdio input), for tests and the status line. */
  pids(): number[];
  routerCount(): number;
  close(): Promise<void>;
}

export function sharedSessions(router: Router): BridgeSessions {
  return {
    connect: (transport: Transport) => router.connect(transport),
    pids: () => router.allBackends().flatMap((b) => (b.pid ? [b.pid] : [])),
    routerCount: () => 1,
    close: () => router.close(),
  };
}

/** Default cap on concurrent client sessions in per-client mode, each of which owns a child. */
const DEFAULT_MAX_SESSIONS = 64;

export function isolatedSessions(config: RouterConfig, options: RouterOptions, maxSessions = DEFAULT_MAX_SESSIONS): BridgeSessions {
  const routers = new Set<Router>();
  let closed = false;
  return {
    async connect(transport: Transport): Promise<FrontSession> {
      if (closed) throw shuttingDown('the bridge');
      // Every session starts a process: without a cap, a flood of initialize requests forks without end.
      if (routers.size >= maxSessions) {
        throw new SwitchboardError(
          'SB_TOO_MANY_SESSIONS',
          `this bridge already serves ${maxSessions} client sessions, each with its own child process; close one, raise --maxSessions, or use --shared`,
        );
      }
      const router = new Router(config, options);
      routers.add(router);
      const release = () => {
        routers.delete(router);
        void router.close();
      };
      void router.start(); // spawn the child while the client is still initializing
      let session: FrontSession;
      try {
        session = await router.connect(transport);
      } catch (err) {
        release();
        throw err;
      }
      // The session's end (client gone, DELETE, idle timeout) ends its router and child with it.
      session.onClose(release);
      return session;
    },
    pids: () => [...routers].flatMap((r) => r.allBackends().flatMap((b) => (b.pid ? [b.pid] : []))),
    routerCount: () => routers.size,
    async close() {
      closed = true;
      await Promise.all([...routers].map((r) => r.close()));
      routers.clear();
    },
  };
}
