/**
 * Tasks (2025-11-25, experimental) across the router. A backend's task id is published as
 * `<prefix><separator><taskId>` (unchanged for a server with an empty prefix), the same rule as tool
 * names, so tasks/get, tasks/result and tasks/cancel route back without a table and survive restarts.
 * The session that created a task is remembered so tasks stay bound to it and its status
 * notifications reach only it.
 */
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../errors/index.js';
import type { Catalog } from '../catalog/catalog.js';
import { pageSections } from '../catalog/view.js';
import type { RequestContext } from './context.js';
import { optionalString, requireString, type Params } from './params.js';
import type { EngineServices, Route } from './services.js';

export function publicTaskId(catalog: Catalog, server: string, taskId: string): string {
  const prefix = catalog.prefixOf(server) ?? '';
  return prefix === '' ? taskId : `${prefix}${catalog.separator}${taskId}`;
}

/** Which backend a public task id belongs to: the longest matching prefix, else an unprefixed server. */
export function resolveTaskId(catalog: Catalog, publicId: string): { server: string; taskId: string } | undefined {
  let best: { server: string; taskId: string; length: number } | undefined;
  for (const server of catalog.serverNames()) {
    const prefix = catalog.prefixOf(server) ?? '';
    const head = prefix === '' ? '' : prefix + catalog.separator;
    if (publicId.startsWith(head) && (!best || head.length > best.length)) best = { server, taskId: publicId.slice(head.length), length: head.length };
  }
  return best && { server: best.server, taskId: best.taskId };
}

type TaskLike = { taskId?: unknown } & Record<string, unknown>;

/** A task object from a backend, with its public id. */
export function publishTask(catalog: Catalog, server: string, task: unknown): unknown {
  const t = task as TaskLike;
  return t && typeof t.taskId === 'string' ? { ...t, taskId: publicTaskId(catalog, server, t.taskId) } : task;
}

/** A task-augmented tools/call answers with a task: publish its id and remember who owns it. */
export function adoptCreatedTask(services: EngineServices, ctx: RequestContext, server: string, result: Result): Result {
  if (!result.task) return result;
  const task = publishTask(services.catalog, server, result.task) as { taskId?: string };
  if (typeof task.taskId === 'string') services.tasks.set(task.taskId, ctx.session);
  return { ...result, task };
}

function requireTask(services: EngineServices, ctx: RequestContext, params: Params, method: string): { server: string; taskId: string } {
  const id = requireString(params, 'taskId', method);
  const target = resolveTaskId(services.catalog, id);
  // Tasks are bound to the session that created them (spec: task isolation). Another session's
  // task looks exactly like one that does not exist, so its existence is not revealed either.
  if (!target || services.tasks.get(id) !== ctx.session) {
    throw new SwitchboardError('SB_UNKNOWN_TASK', `${method}: no backend owns the task "${id}"`);
  }
  return target;
}

function taskRoute(method: string, mapResult: 'task' | 'toolResult'): Route {
  return (services, ctx, params) => {
    const target = requireTask(services, ctx, params, method);
    const map =
      mapResult === 'task'
        ? (r: Result) => publishTask(services.catalog, target.server, r) as Result
        : (r: Result) => services.catalog.mapToolResult(target.server, r);
    return { server: target.server, method, params: { ...params, taskId: target.taskId }, map };
  };
}

/** tasks/list: every task-capable backend's tasks that this session owns, merged and paged. */
const listTasks: Route = async (services, ctx, params) => {
  const cursor = optionalString(params, 'cursor', 'tasks/list');
  const servers = services.backends.all().filter((b) => b.state === 'ready' && b.capabilities?.tasks?.list);
  const sections = await Promise.all(
    servers.map(async (b) => {
      const tasks: unknown[] = [];
      let next: string | undefined;
      for (let page = 0; page < 100; page++) {
        const r = (await services.forward(ctx, { server: b.name, method: 'tasks/list', params: next ? { cursor: next } : {} })) as { tasks?: unknown[]; nextCursor?: string };
        for (const t of r.tasks ?? []) {
          const published = publishTask(services.catalog, b.name, t) as { taskId?: string };
          if (published.taskId !== undefined && services.tasks.get(published.taskId) === ctx.session) tasks.push(published);
        }
        if (!r.nextCursor || r.nextCursor === next) break;
        next = r.nextCursor;
      }
      return { server: b.name, items: tasks };
    }),
  );
  const page = pageSections('tasks', sections, services.pageSize, services.cursorCodec, cursor);
  return { answer: page.nextCursor ? { tasks: page.items, nextCursor: page.nextCursor } : { tasks: page.items } };
};

export const TASK_ROUTES: Record<string, Route> = {
  'tasks/get': taskRoute('tasks/get', 'task'),
  'tasks/cancel': taskRoute('tasks/cancel', 'task'),
  'tasks/result': taskRoute('tasks/result', 'toolResult'),
  'tasks/list': listTasks,
};
