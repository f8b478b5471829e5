/**
 * Request handlers of the front: each takes the raw params of a client request and answers from the
 * catalog or by forwarding to the owning backend under its original name. They run behind the SDK
 * Server's fallbackRequestHandler, so results are forwarded without being re-parsed.
 */
import type { Result } from '@modelcontextprotocol/server';
import type { ListKind } from '../backends/lists.js';
import { SwitchboardError } from '../errors/index.js';
import { suggest } from '../catalog/names.js';
import { mapGetPromptResultUris, mapReadResourceResultUris } from '../catalog/uri.js';
import type { FrontSession, ForwardContext } from './session.js';

export type Params = Record<string, unknown>;
export type Handler = (session: FrontSession, params: Params, ctx: ForwardContext) => Promise<Result>;

function listHandler(kind: ListKind, key: string): Handler {
  return async (session, params) => {
    await session.router.settled();
    const page = session.view.page(kind, typeof params.cursor === 'string' ? params.cursor : undefined);
    session.markListed(kind);
    const result: Result = { [key]: page.items };
    if (page.nextCursor) result.nextCursor = page.nextCursor;
    return result;
  };
}

/**
 * Resolve a public name or URI; on a miss while backends are still on their first start, wait for
 * them (bounded) and try again, so a client that calls right after connecting is not told "unknown".
 */
async function resolveSettled<T>(session: FrontSession, resolve: () => T | undefined): Promise<T | undefined> {
  const hit = resolve();
  if (hit !== undefined || session.router.isStarted()) return hit;
  await session.router.settled();
  return resolve();
}

function requireString(params: Params, field: string, method: string): string {
  const value = params[field];
  if (typeof value !== 'string' || value === '') throw new SwitchboardError('SB_INVALID_PARAMS', `${method}: params.${field} must be a non-empty string`);
  return value;
}

function unknownName(kind: 'tool' | 'prompt', name: string, candidates: string[]): SwitchboardError {
  const close = suggest(name, candidates);
  const hint = close.length ? ` Did you mean ${close.map((c) => `"${c}"`).join(', ')}?` : candidates.length ? '' : ' No backend offers any right now.';
  return new SwitchboardError(kind === 'tool' ? 'SB_UNKNOWN_TOOL' : 'SB_UNKNOWN_PROMPT', `Unknown ${kind} "${name}".${hint}`);
}

const callTool: Handler = async (session, params, ctx) => {
  const name = requireString(params, 'name', 'tools/call');
  const target = await resolveSettled(session, () => session.view.resolveTool(name));
  // A workspace refuses names that exist beyond it with its own error, not "unknown".
  if (!target) throw session.view.refusal?.('tool', name) ?? unknownName('tool', name, session.view.toolNames());
  // Router-local tools (a workspace's search_tools / call_tool) answer here instead of a backend.
  if (target.local) return target.local((params.arguments as Params | undefined) ?? {}, session, ctx);
  // Workspace overrides may fix argument defaults; what the client sends still wins.
  const args = target.defaults ? { ...target.defaults, ...(params.arguments as Params | undefined) } : params.arguments;
  const forwarded = args === undefined ? { ...params, name: target.name } : { ...params, name: target.name, arguments: args };
  target.onCall?.();
  const result = await session.forward(target.server, 'tools/call', forwarded, ctx);
  return session.router.catalog.mapToolResult(target.server, result);
};

const getPrompt: Handler = async (session, params, ctx) => {
  const name = requireString(params, 'name', 'prompts/get');
  const target = await resolveSettled(session, () => session.view.resolvePrompt(name));
  if (!target) throw session.view.refusal?.('prompt', name) ?? unknownName('prompt', name, session.view.promptNames());
  const result = await session.forward(target.server, 'prompts/get', { ...params, name: target.name }, ctx);
  return mapGetPromptResultUris(result as never, session.router.catalog.uriMapper(target.server)) as Result;
};

async function resolveUriOrThrow(session: FrontSession, uri: string, method: string): Promise<{ server: string; uri: string }> {
  const target = await resolveSettled(session, () => session.view.resolveUri(uri));
  if (!target) {
    const refused = session.view.refusal?.('resource', uri);
    if (refused) throw refused;
    throw new SwitchboardError('SB_UNKNOWN_RESOURCE', `${method}: no backend owns the resource "${uri}". List resources to see the URIs this router serves.`);
  }
  return target;
}

const readResource: Handler = async (session, params, ctx) => {
  const target = await resolveUriOrThrow(session, requireString(params, 'uri', 'resources/read'), 'resources/read');
  const result = await session.forward(target.server, 'resources/read', { ...params, uri: target.uri }, ctx);
  return mapReadResourceResultUris(result as never, session.router.catalog.uriMapper(target.server)) as Result;
};

const subscribe: Handler = async (session, params) => {
  const uri = requireString(params, 'uri', 'resources/subscribe');
  const target = await resolveUriOrThrow(session, uri, 'resources/subscribe');
  await session.router.subscriptions.subscribe(session, uri, target);
  return {};
};

const unsubscribe: Handler = async (session, params) => {
  const uri = requireString(params, 'uri', 'resources/unsubscribe');
  const target = await resolveUriOrThrow(session, uri, 'resources/unsubscribe');
  await session.router.subscriptions.unsubscribe(session, uri, target);
  return {};
};

const complete: Handler = async (session, params, ctx) => {
  const ref = params.ref as { type?: unknown; name?: unknown; uri?: unknown } | undefined;
  if (ref?.type === 'ref/prompt' && typeof ref.name === 'string') {
    const name = ref.name;
    const target = await resolveSettled(session, () => session.view.resolvePrompt(name));
    if (!target) throw session.view.refusal?.('prompt', name) ?? unknownName('prompt', name, session.view.promptNames());
    return session.forward(target.server, 'completion/complete', { ...params, ref: { ...ref, name: target.name } }, ctx);
  }
  if (ref?.type === 'ref/resource' && typeof ref.uri === 'string') {
    const target = await resolveUriOrThrow(session, ref.uri, 'completion/complete');
    return session.forward(target.server, 'completion/complete', { ...params, ref: { ...ref, uri: target.uri } }, ctx);
  }
  throw new SwitchboardError('SB_INVALID_PARAMS', 'completion/complete: params.ref must be {type:"ref/prompt", name} or {type:"ref/resource", uri}');
};

export const HANDLERS: Record<string, Handler> = {
  'tools/list': listHandler('tools', 'tools'),
  'prompts/list': listHandler('prompts', 'prompts'),
  'resources/list': listHandler('resources', 'resources'),
  'resources/templates/list': listHandler('resourceTemplates', 'resourceTemplates'),
  'tools/call': callTool,
  'prompts/get': getPrompt,
  'resources/read': readResource,
  'resources/subscribe': subscribe,
  'resources/unsubscribe': unsubscribe,
  'completion/complete': complete,
};
