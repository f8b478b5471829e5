/**
 * A 2026-07-28 client and a 2026-07-28 backend: `input_required` passes through to the client
 * unchanged, except for `requestState`. The backend's state is wrapped in the router's own signed
 * envelope naming the backend, so the client's retry is checked to reach that same backend with the
 * state it was given, and a state cannot be forged or replayed to reach another backend.
 */
import type { Result } from '@modelcontextprotocol/server';
import { SwitchboardError } from '../errors/index.js';
import type { InputRequiredResult } from '../rpc/envelope.js';
import type { Params } from './params.js';
import type { RequestStateSigner } from './request-state.js';

interface SealedState {
  /** The backend that minted the state. */
  s: string;
  /** Its requestState, verbatim. */
  r: string;
}

export function sealRequestState(signer: RequestStateSigner, server: string, result: InputRequiredResult): Result {
  if (typeof result.requestState !== 'string') return result;
  const sealed: SealedState = { s: server, r: result.requestState };
  return { ...result, requestState: signer.sign(sealed) };
}

/** The params to send the backend: the client's requestState opened back to the backend's own. */
export function openRequestState(signer: RequestStateSigner, server: string, method: string, params: Params): Params {
  const token = params.requestState;
  if (token === undefined) return params;
  const sealed = typeof token === 'string' ? (signer.verify(token) as Partial<SealedState> | undefined) : undefined;
  // SB_BAD_REQUEST_STATE, as for the states of held calls: to the client, a requestState is a
  // requestState, whichever kind of backend minted what is inside.
  if (!sealed || typeof sealed.s !== 'string' || typeof sealed.r !== 'string') {
    throw new SwitchboardError('SB_BAD_REQUEST_STATE', `${method}: requestState was altered or was not issued by this router (or the router restarted since); send the request again without inputResponses and requestState`);
  }
  if (sealed.s !== server) {
    throw new SwitchboardError('SB_BAD_REQUEST_STATE', `${method}: requestState was issued for another server's request, not for this one; send it only with the request that received it`);
  }
  return { ...params, requestState: sealed.r };
}

/**
 * A 2026-07-28 client's params as the backend must get them. A 2026 backend gets its own
 * requestState back and the client's inputResponses as sent (a retry without requestState still
 * answers the questions it was asked). A 2025 backend knows neither field: a retry to it is a
 * fresh call (held calls, which do carry answers to a 2025 backend, never come through here),
 * though a requestState must still be one this router issued. `modern` is undefined while the
 * backend's era is not known yet (not connected): the fields are kept, a 2025 server ignores them.
 */
export function paramsForBackend(signer: RequestStateSigner, server: string, modern: boolean | undefined, method: string, params: Params): Params {
  const opened = openRequestState(signer, server, method, params);
  if (modern !== false || (opened.inputResponses === undefined && opened.requestState === undefined)) return opened;
  const { inputResponses: _answers, requestState: _state, ...rest } = opened;
  return rest;
}

/**
 * A 2025 session never receives a requestState (the router asks its client itself, round by round),
 * so retry fields in its request can only be made up: refused before any backend sees them, since a
 * 2026 backend would take a forged state for its own.
 */
export function refuseRetryFields(method: string, params: Params): Params {
  if (!('requestState' in params) && !('inputResponses' in params)) return params;
  throw new SwitchboardError('SB_BAD_REQUEST_STATE', `${method}: requestState and inputResponses are retry fields of protocol 2026-07-28; a 2025-era session never sends them (the router asks its client the backend's questions itself); send the request without them`);
}
