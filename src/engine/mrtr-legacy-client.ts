/**
 * A 2025-era client calling a 2026-07-28 backend. The backend cannot ask the client anything itself
 * (that era has no server->client requests): it answers `input_required` with the questions
 * (`inputRequests`) and its `requestState`. A 2025 client knows nothing of that, so the router asks
 * each question as an ordinary server->client request on the call's own stream, collects the
 * answers under the same keys, and sends the call again with `inputResponses` and the backend's
 * `requestState` echoed byte for byte, for as many rounds as the backend needs. The client sees
 * one call that asked it some questions, exactly as a 2025 server would have done it.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../errors/index.js';
import { isInputRequired, type InputRequest, type InputRequiredResult } from '../rpc/envelope.js';
import type { RequestContext } from './context.js';
import type { Params } from './params.js';
import { REQUIRED_CAPABILITY } from './relay.js';

/** Rounds per call before the router gives up on a backend that never completes (the SDK's default). */
export const MAX_INPUT_ROUNDS = 10;
/** A round with state but no questions is the backend shedding load: wait before retrying. */
const STATE_ONLY_PACING_MS = 250;

/**
 * Drive `first` (an input_required result) to completion: ask, retry with the answers, repeat.
 * `send` re-sends the original request with extra params to the same backend connection.
 */
export async function fulfilForLegacyClient(ctx: RequestContext, server: string, params: Params, first: InputRequiredResult, send: (params: Params) => Promise<Result>): Promise<Result> {
  let result: Result = first;
  for (let round = 1; isInputRequired(result); round++) {
    if (round > MAX_INPUT_ROUNDS) {
      throw new SwitchboardError('SB_INTERNAL', `server "${server}" still asked for input after ${MAX_INPUT_ROUNDS} rounds of ${ctx.method}; the router stopped there`);
    }
    const asked = Object.entries(result.inputRequests ?? {});
    if (asked.length === 0) await sleep(STATE_ONLY_PACING_MS, undefined, { signal: ctx.signal });
    const answers = await Promise.all(asked.map(async ([key, request]) => [key, await askClient(ctx, server, request)] as const));
    result = await send({
      ...params,
      ...(answers.length > 0 && { inputResponses: Object.fromEntries(answers) }),
      ...(result.requestState !== undefined && { requestState: result.requestState }),
    });
  }
  return result;
}

function askClient(ctx: RequestContext, server: string, request: InputRequest): Promise<Result> {
  const session = ctx.session;
  const needed = REQUIRED_CAPABILITY[request.method];
  if (!needed) {
    return Promise.reject(new SwitchboardError('SB_CAPABILITY_MISSING', `server "${server}" asked the client for ${JSON.stringify(request.method)}, which is not something a client can be asked`));
  }
  if (!session.clientCapabilities?.[needed]) {
    return Promise.reject(
      new SwitchboardError('SB_CAPABILITY_MISSING', `the client "${session.clientName ?? 'unknown'}" did not declare the ${needed} capability, so ${request.method} from "${server}" cannot be answered`),
    );
  }
  return session.request(request.method, legacyParams(request), { signal: ctx.signal, relatedRequestId: ctx.id });
}

/** A 2026 URL-mode elicitation has no elicitationId (the backend keeps it in requestState); 2025 requires one. */
function legacyParams(request: InputRequest): Record<string, unknown> {
  const params = request.params ?? {};
  if (request.method === 'elicitation/create' && params.mode === 'url' && typeof params.elicitationId !== 'string') return { ...params, elicitationId: randomUUID() };
  return params;
}
