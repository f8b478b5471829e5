/**
 * What a backend's current state cannot tell: since when it has been up, and how often it came back
 * after having been up (a restart: the server exited or the network dropped, and we reconnected).
 * A first start that fails and later succeeds is not a restart: the backend had never been up.
 */
import type { BackendState } from '../backends/backend.js';

interface Record {
  upSince?: number;
  everUp: boolean;
  restarts: number;
}

export class BackendHistory {
  private readonly records = new Map<string, Record>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A state change of backend `name`; true when it is a restart. */
  record(name: string, state: BackendState): boolean {
    let record = this.records.get(name);
    if (!record) this.records.set(name, (record = { everUp: false, restarts: 0 }));
    if (state !== 'ready') {
      record.upSince = undefined;
      // A lazy backend parks when unused and starts on its next call: that is no restart.
      if (state === 'idle') record.everUp = false;
      return false;
    }
    if (record.upSince !== undefined) return false;
    record.upSince = this.now();
    const restart = record.everUp;
    record.everUp = true;
    if (restart) record.restarts += 1;
    return restart;
  }

  /** Epoch ms the backend last came up, while it is up. */
  upSince(name: string): number | undefined {
    return this.records.get(name)?.upSince;
  }

  restarts(name: string): number {
    return this.records.get(name)?.restarts ?? 0;
  }
}
