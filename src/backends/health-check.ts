/**
 * `healthCheck: { intervalMs, timeoutMs }`: ping a connected backend on a timer. A process that is
 * alive but wedged (a blocked event loop, a deadlock) keeps its pipes open, so nothing else would ever
 * notice; a ping it does not answer within timeoutMs gets it killed (a stdio server's whole process
 * group, with SIGKILL at once: a wedged process ignores politer signals), and the backend's ordinary
 * disconnect path fails its requests in flight and restarts it. An error answer counts as alive:
 * something read the ping and replied.
 */
import type { HealthCheckConfig } from '../config/types.js';
import type { RpcPeer } from '../rpc/peer.js';
import { SwitchboardError } from '../errors/index.js';

export class HealthCheck {
  private readonly timer: NodeJS.Timeout;
  private inFlight = false;
  private stopped = false;

  constructor(
    private readonly peer: RpcPeer,
    private readonly config: HealthCheckConfig,
    private readonly onUnresponsive: () => void,
  ) {
    this.timer = setInterval(() => this.ping(), config.intervalMs);
    this.timer.unref();
  }

  private ping(): void {
    // One ping at a time: a slow answer is judged by its own timeout, not by the next tick.
    if (this.inFlight || this.stopped || this.peer.isClosed) return;
    this.inFlight = true;
    this.peer.request('ping', undefined, { timeoutMs: this.config.timeoutMs }).then(
      () => {
        this.inFlight = false;
      },
      (err: unknown) => {
        this.inFlight = false;
        if (this.stopped || !(err instanceof SwitchboardError) || err.code !== 'SB_BACKEND_TIMEOUT') return;
        this.stop();
        this.onUnresponsive();
        const kill = (this.peer.transport as { kill?: () => void }).kill;
        if (typeof kill === 'function') kill.call(this.peer.transport);
        else void this.peer.close();
      },
    );
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.timer);
  }
}
