/**
 * The method-specific stages of the pipeline: for each client method, decode and validate its params,
 * then resolve the public name or URI to a backend through the session's view (which is also the
 * workspace boundary). A route answers by itself (lists, router-local tools) or returns a Forward
 * that the engine admits, sends and maps. Routes never send anything themselves.
 */
import type { Result } from '@modelcontextprotocol/server';
import type { ListKind } from '../backends/lists.js';
import { SwitchboardError } from '../errors/index.js';
import { suggest } from '../util/suggest.js';
import { mapGetPromptResultUris, mapReadResourceResultUris } from '../catalog/uri.js';
import type { CatalogView, LocalToolHost } from '../catalog/view.js';
import type { RequestContext } from './context.js';
import { invalidParams, optionalObject, optionalString, requireString, type Params } from './params.js';
import type { EngineServices, Plan, Route } from './services.js';
import { TASK_ROUTES, adoptCreatedTask } from './tasks.js';

function listRoute(kind: ListKind, key: string, method: string): Route {
  return async (services, ctx, params) => {
    const cursor = optionalString(params, 'cursor', method);
    if (!services.backends.isStarted()) await services.backends.settled();
    const page = ctx.session.view.page(kind, cursor);
    ctx.session.markListed(kind);
    if (page.result) return { answer: page.result };
    const result: Result = { [key]: page.items };
    if (page.nextCursor) result.nextCursor = page.nextCursor;
    return { answer: result };
  };
}

/**
 * Resolve a public name or URI; on a miss while backends are still on their first start, wait for
 * them (bounded) and try again, so a client that calls right after connecting is not told "unknown".
 */
async function resolveSettled<T>(services: EngineServices, resolve: () => T | undefined): Promise<T | undefined> {
  const hit = resolve();
  if (hit !== undefined || services.backends.isStarted()) return hit;
  await services.backends.settled();
  return resolve();
}

function unknownName(kind: 'tool' | 'prompt', name: string, candidates: string[], separator: string): SwitchboardError {
  const close = suggest(name, candidates, { max: 3, separator, containment: true });
  const hint = close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : candidates.length ? '' : ' No backend offers any right now.';
  return new SwitchboardError(kind === 'tool' ? 'SB_UNKNOWN_TOOL' : 'SB_UNKNOWN_PROMPT', `Unknown ${kind} "${name}".${hint}`);
}

function refuseTool(services: EngineServices, view: CatalogView, name: string): Error {
  // A workspace refuses names that exist beyond it with its own error, not "unknown".
  return view.refusal?.('tool', name) ?? unknownName('tool', name, view.toolNames(), services.catalog.separator);
}

function refusePrompt(services: EngineServices, view: CatalogView, name: string): Error {
  return view.refusal?.('prompt', name) ?? unknownName('prompt', name, view.promptNames(), services.catalog.separator);
}

/** tools/call: the hot path. Resolve, apply workspace defaults, forward under the backend's name. */
export const callTool: Route = (services, ctx, params) => {
  const name = requireString(params, 'name', 'tools/call');
  const args = optionalObject(params, 'arguments', 'tools/call');
  const view = ctx.session.view;
  const target = view.resolveTool(name);
  if (!target) return resolveSettled(services, () => view.resolveTool(name)).then((t) => (t ? toolPlan(services, ctx, params, args, t) : Promise.reject(refuseTool(services, view, name))));
  return toolPlan(services, ctx, params, args, target);
};

function toolPlan(
  services: EngineServices,
  ctx: RequestContext,
  params: Params,
  args: Params | undefined,
  target: NonNullable<ReturnType<CatalogView['resolveTool']>>,
): Plan | Promise<Plan> {
  // Router-local tools (a workspace's search_tools / call_tool) answer here instead of a backend.
  if (target.local) return target.local(args ?? {}, localHost(services, ctx)).then((answer) => ({ answer }));
  // Workspace overrides may fix argument defaults; what the client sends still wins.
  const merged = target.defaults ? { ...target.defaults, ...args } : args;
  const forwarded: Params = { ...params, name: target.name };
  if (merged !== undefined) forwarded.arguments = merged;
  const server = target.server;
  return {
    server,
    method: 'tools/call',
    params: forwarded,
    publicName: params.name as string,
    map: (result) => services.catalog.mapToolResult(server, adoptCreatedTask(services, ctx, server, result)),
    ...(target.onCall && { onSent: target.onCall }),
  };
}

function localHost(services: EngineServices, ctx: RequestContext): LocalToolHost {
  return {
    callTool: (name, args) => services.callTool(ctx, name, args),
    listsChanged: (kinds) => ctx.session.listsChanged(kinds),
  };
}

const getPrompt: Route = async (services, ctx, params) => {
  const name = requireString(params, 'name', 'prompts/get');
  optionalObject(params, 'arguments', 'prompts/get');
  const view = ctx.session.view;
  const target = await resolveSettled(services, () => view.resolvePrompt(name));
  if (!target) throw refusePrompt(services, view, name);
  const server = target.server;
  return {
    server,
    method: 'prompts/get',
    params: { ...params, name: target.name },
    publicName: name,
    map: (result) => mapGetPromptResultUris(result as never, services.catalog.uriMapper(server)) as Result,
  };
};

async function resolveUri(services: EngineServices, ctx: RequestContext, uri: string, method: string): Promise<{ server: string; uri: string }> {
  const view = ctx.session.view;
  const target = await resolveSettled(services, () => view.resolveUri(uri));
  if (target) return target;
  const refused = view.refusal?.('resource', uri);
  if (refused) throw refused;
  // data.uri: what the spec (SEP-2164) asks of a resource-not-found error.
  throw new SwitchboardError('SB_UNKNOWN_RESOURCE', `${method}: no backend owns the resource "${uri}". List resources to see the URIs this router serves.`, { data: { uri } });
}

const readResource: Route = async (services, ctx, params) => {
  const target = await resolveUri(services, ctx, requireString(params, 'uri', 'resources/read'), 'resources/read');
  return {
    server: target.server,
    method: 'resources/read',
    params: { ...params, uri: target.uri },
    map: (result) => mapReadResourceResultUris(result as never, services.catalog.uriMapper(target.server)) as Result,
  };
};

const subscribe: Route = async (services, ctx, params) => {
  const uri = requireString(params, 'uri', 'resources/subscribe');
  const target = await resolveUri(services, ctx, uri, 'resources/subscribe');
  await services.subscriptions.subscribe(ctx.session, uri, target);
  return { answer: {} };
};

const unsubscribe: Route = async (services, ctx, params) => {
  const uri = requireString(params, 'uri', 'resources/unsubscribe');
  const target = await resolveUri(services, ctx, uri, 'resources/unsubscribe');
  await services.subscriptions.unsubscribe(ctx.session, uri, target);
  return { answer: {} };
};

const complete: Route = async (services, ctx, params) => {
  const ref = optionalObject(params, 'ref', 'completion/complete');
  optionalObject(params, 'argument', 'completion/complete');
  if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') {
    const name = ref.name;
    const view = ctx.session.view;
    const target = await resolveSettled(services, () => view.resolvePrompt(name));
    if (!target) throw refusePrompt(services, view, name);
    return { server: target.server, method: 'completion/complete', params: { ...params, ref: { ...ref, name: target.name } } };
  }
  if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') {
    const target = await resolveUri(services, ctx, ref.uri, 'completion/complete');
    return { server: target.server, method: 'completion/complete', params: { ...params, ref: { ...ref, uri: target.uri } } };
  }
  throw invalidParams('completion/complete: params.ref must be {type:"ref/prompt", name} or {type:"ref/resource", uri}');
};

export const ROUTES: Record<string, Route> = {
  'tools/list': listRoute('tools', 'tools', 'tools/list'),
  'prompts/list': listRoute('prompts', 'prompts', 'prompts/list'),
  'resources/list': listRoute('resources', 'resources', 'resources/list'),
  'resources/templates/list': listRoute('resourceTemplates', 'resourceTemplates', 'resources/templates/list'),
  'tools/call': callTool,
  'prompts/get': getPrompt,
  'resources/read': readResource,
  'resources/subscribe': subscribe,
  'resources/unsubscribe': unsubscribe,
  'completion/complete': complete,
  ...TASK_ROUTES,
};
