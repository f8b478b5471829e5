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
  if (!sealed || typeof sealed.s !== 'string' || typeof sealed.r !== 'string') {
    throw new SwitchboardError('SB_INVALID_PARAMS', `${method}: requestState is not one this router issued (altered, expired with a restart, or from another router); start the request again without it`);
  }
  if (sealed.s !== server) {
    throw new SwitchboardError('SB_INVALID_PARAMS', `${method}: requestState was issued for another server's request, not for this one; send it only with the request that received it`);
  }
  return { ...params, requestState: sealed.r };
}
