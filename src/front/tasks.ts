/**
 * Tasks (2025-11-25, experimental) across the router. A backend's task id is published as
 * `<prefix><separator><taskId>` (unchanged for a server with an empty prefix), the same rule as tool
 * names, so tasks/get, tasks/result and tasks/cancel route back without a table and survive restarts.
 * The session that created a task is remembered so notifications/tasks/status reach only it.
 */
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../errors/index.js';
import type { Handler, Params } from './handlers.js';
import type { FrontSession } from './session.js';
import type { Router } from '../router.js';
import { pageSections } from './view.js';

export function publicTaskId(router: Router, server: string, taskId: string): string {
  const prefix = router.catalog.prefixOf(server) ?? '';
  return prefix === '' ? taskId : `${prefix}${router.config.separator}${taskId}`;
}

/** Which backend a public task id belongs to: the longest matching prefix, else an unprefixed server. */
export function resolveTaskId(router: Router, publicId: string): { server: string; taskId: string } | undefined {
  let best: { server: string; taskId: string; length: number } | undefined;
  for (const server of router.catalog.serverNames()) {
    const prefix = router.catalog.prefixOf(server) ?? '';
    const head = prefix === '' ? '' : prefix + router.config.separator;
    if (publicId.startsWith(head) && (!best || head.length > best.length)) best = { server, taskId: publicId.slice(head.length), length: head.length };
  }
  return best && { server: best.server, taskId: best.taskId };
}

type TaskLike = { taskId?: unknown } & Record<string, unknown>;

/** Rewrite the task object(s) in a backend result to public ids. */
export function publishTask(router: Router, server: string, task: unknown): unknown {
  const t = task as TaskLike;
  return t && typeof t.taskId === 'string' ? { ...t, taskId: publicTaskId(router, server, t.taskId) } : task;
}

function requireTask(session: FrontSession, params: Params, method: string): { server: string; taskId: string } {
  const id = params.taskId;
  if (typeof id !== 'string' || id === '') throw new SwitchboardError('SB_INVALID_PARAMS', `${method}: params.taskId must be a non-empty string`);
  const target = resolveTaskId(session.router, id);
  // Tasks are bound to the session that created them (spec: task isolation). Another session's
  // task looks exactly like one that does not exist, so its existence is not revealed either.
  if (!target || session.router.taskOwners.get(id) !== session) {
    throw new SwitchboardError('SB_UNKNOWN_TASK', `${method}: no backend owns the task "${id}"`);
  }
  return target;
}

const getTask: Handler = async (session, params, ctx) => {
  const target = requireTask(session, params, 'tasks/get');
  const result = await session.forward(target.server, 'tasks/get', { ...params, taskId: target.taskId }, ctx);
  return publishTask(session.router, target.server, result) as Result;
};

const cancelTask: Handler = async (session, params, ctx) => {
  const target = requireTask(session, params, 'tasks/cancel');
  const result = await session.forward(target.server, 'tasks/cancel', { ...params, taskId: target.taskId }, ctx);
  return publishTask(session.router, target.server, result) as Result;
};

const taskResult: Handler = async (session, params, ctx) => {
  const target = requireTask(session, params, 'tasks/result');
  const result = await session.forward(target.server, 'tasks/result', { ...params, taskId: target.taskId }, ctx);
  return session.router.catalog.mapToolResult(target.server, result);
};

/** tasks/list: every task-capable backend's tasks, merged and paged like the other lists. */
const listTasks: Handler = async (session, params, ctx) => {
  const router = session.router;
  const servers = router.allBackends().filter((b) => b.state === 'ready' && b.capabilities?.tasks?.list);
  const sections = await Promise.all(
    servers.map(async (b) => {
      const tasks: unknown[] = [];
      let cursor: string | undefined;
      for (let page = 0; page < 100; page++) {
        const r = (await session.forward(b.name, 'tasks/list', cursor ? { cursor } : {}, ctx)) as { tasks?: unknown[]; nextCursor?: string };
        for (const t of r.tasks ?? []) {
          const published = publishTask(router, b.name, t) as { taskId?: string };
          if (published.taskId !== undefined && router.taskOwners.get(published.taskId) === session) tasks.push(published);
        }
        if (!r.nextCursor || r.nextCursor === cursor) break;
        cursor = r.nextCursor;
      }
      return { server: b.name, items: tasks };
    }),
  );
  const page = pageSections('tasks', sections, router.config.pageSize, router.cursorCodec, typeof params.cursor === 'string' ? params.cursor : undefined);
  return page.nextCursor ? { tasks: page.items, nextCursor: page.nextCursor } : { tasks: page.items };
};

export const TASK_HANDLERS: Record<string, Handler> = {
  'tasks/get': getTask,
  'tasks/result': taskResult,
  'tasks/list': listTasks,
  'tasks/cancel': cancelTask,
};
