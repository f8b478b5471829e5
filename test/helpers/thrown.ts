/** The SwitchboardError a call throws (or a promise rejects with); anything else fails the test. */
import { SwitchboardError } from '../../src/errors/index.js';

export function thrown(fn: () => unknown): SwitchboardError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SwitchboardError) return err;
    throw err;
  }
  throw new Error('expected a SwitchboardError, but nothing was thrown');
}

export async function rejection(p: Promise<unknown>): Promise<SwitchboardError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof SwitchboardError) return err;
  throw err ?? new Error('expected a SwitchboardError, but the promise resolved');
}
