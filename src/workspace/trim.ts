/**
 * Ordering a workspace's tools when it holds more than maxTools: the most useful first, so that a
 * cap (or a client that reads only the first 40) keeps the right ones.
 *   1. pinned tools, in the order of the `pin` globs;
 *   2. tools this workspace used, by frecency (often and lately);
 *   3. the rest by relevance to the workspace's context and the client's roots;
 *   4. ties and unranked tools keep catalog order (stable lists keep clients' prompt caches warm).
 */
import type { GlobSet } from './glob.js';
import type { ScopedTool } from './scope.js';
import { frecency, type ToolUsage } from './usage.js';

export interface RankInputs {
  pin: GlobSet;
  usage: ReadonlyMap<string, ToolUsage>;
  /** Workspace names, most relevant first; tools not in it rank after those that are. */
  relevance: readonly string[];
  now: number;
}

/** Whether a tool is pinned: by catalog name or by the name this workspace gives it. */
export function pinIndex(pin: GlobSet, t: ScopedTool): number {
  const a = pin.firstMatch(t.catalogName);
  const b = pin.firstMatch(t.name);
  return a === -1 ? b : b === -1 ? a : Math.min(a, b);
}

export function rankTools(tools: readonly ScopedTool[], inputs: RankInputs): ScopedTool[] {
  const relevance = new Map(inputs.relevance.map((name, i) => [name, i]));
  const keyed = tools.map((t, order) => {
    const pinned = pinIndex(inputs.pin, t);
    const used = inputs.usage.get(t.catalogName);
    return {
      t,
      order,
      pinned: pinned === -1 ? Infinity : pinned,
      score: used ? frecency(used, inputs.now) : 0,
      relevant: relevance.get(t.name) ?? Infinity,
    };
  });
  keyed.sort((a, b) => cmp(a.pinned, b.pinned) || b.score - a.score || cmp(a.relevant, b.relevant) || a.order - b.order);
  return keyed.map((k) => k.t);
}

function cmp(a: number, b: number): number {
  return a === b ? 0 : a < b ? -1 : 1;
}
