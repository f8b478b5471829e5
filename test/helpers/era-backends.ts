/**
 * The backends of the era matrix, each described by the calls that exercise one case and the exact
 * answer the case expects through the router, whatever the client's era. A 2025 backend asks its
 * questions as server->client requests; a 2026-07-28 backend answers input_required; the router
 * translates both ways, so the same client answers (era-clients.ts) give the same results.
 *
 * A case a backend cannot serve is absent from its profile, with the reason next to it.
 */
import { expect } from 'vitest';
import { MATRIX_ROOTS, type Asked } from './era-clients.js';

/** Tools of the 2025 fixture the matrix needs; set_tools keeps them while adding one. */
export const FX_TOOLS = ['echo', 'sleep', 'cancellations', 'ask_sampling', 'ask_elicitation', 'ask_twice', 'ask_roots', 'set_tools'] as const;

export interface ToolCase {
  tool: string;
  args: Record<string, unknown>;
  /** The result's text content, joined. */
  text: string;
  /** What the client was asked, in order. */
  asked?: Asked[];
  structuredContent?: unknown;
}

export interface ProgressCase extends ToolCase {
  progress: number[];
}

export interface CancelCase {
  /** A long call to start and abort. */
  tool: string;
  args: Record<string, unknown>;
  /** What the backend recorded of the cancellations so far (a tool call's text, parsed). */
  record: { tool: string };
  /** The entry the backend records for this call's cancellation, by client era. */
  recorded(clientEra: '2025-11-25' | '2026-07-28'): unknown;
}

export interface ListChangeCase {
  tool: string;
  /** Args of the call that changes the backend's tools, adding `added`. */
  args(added: string): Record<string, unknown>;
  /** The public name of the tool added. */
  publicName(added: string): string;
}

export interface BackendProfile {
  server: string;
  era: '2025-11-25' | '2026-07-28';
  label: string;
  toolCall: ToolCase;
  sampling: ToolCase;
  elicitation: ToolCase;
  multiRound?: ToolCase;
  roots?: ToolCase;
  progress: ProgressCase;
  /** ms to wait; unique per client so the backend's record tells the calls apart. */
  cancellation?(ms: number): CancelCase;
  listChange?: ListChangeCase;
}

const elicit = (text: string): Asked => ({ method: 'elicitation/create', text });

export const FIXTURE_2025: BackendProfile = {
  server: 'fx',
  era: '2025-11-25',
  label: '2025 fixture',
  toolCall: { tool: 'fx__echo', args: { text: 'hi' }, text: 'echo:hi', structuredContent: { server: 'fx', text: 'hi' } },
  sampling: { tool: 'fx__ask_sampling', args: { prompt: 'a haiku' }, text: 'sampled: a haiku', asked: [{ method: 'sampling/createMessage', text: 'a haiku' }] },
  elicitation: {
    tool: 'fx__ask_elicitation',
    args: { message: 'your name?' },
    text: JSON.stringify({ action: 'accept', content: { answer: 're: your name?' } }),
    asked: [elicit('your name?')],
  },
  // The second question quotes the first answer: the rounds really are sequential.
  multiRound: { tool: 'fx__ask_twice', args: {}, text: JSON.stringify(['re: first?', 're: second, after re: first??']), asked: [elicit('first?'), elicit('second, after re: first??')] },
  roots: { tool: 'fx__ask_roots', args: {}, text: JSON.stringify(MATRIX_ROOTS), asked: [{ method: 'roots/list' }] },
  progress: { tool: 'fx__sleep', args: { ms: 150, steps: 3 }, text: 'slept 150ms', progress: [1, 2, 3] },
  cancellation: (ms) => ({
    tool: 'fx__sleep',
    args: { ms },
    record: { tool: 'fx__cancellations' },
    // The fixture records the router's request id (per hop, so any number) and the reason. A 2025
    // client's notifications/cancelled carries its reason, which the router relays; a 2026-07-28
    // client over HTTP cancels by closing its POST, so no reason travels and the router gives its own.
    recorded: (clientEra) => ({ requestId: expect.any(Number), reason: clientEra === '2026-07-28' ? 'the client closed the request' : 'changed my mind' }),
  }),
  listChange: { tool: 'fx__set_tools', args: (added) => ({ names: [...FX_TOOLS, added] }), publicName: (added) => `fx__${added}` },
};

export const EVERYTHING_2025: BackendProfile = {
  server: 'ev',
  era: '2025-11-25',
  label: 'server-everything',
  toolCall: { tool: 'ev__echo', args: { message: 'hi' }, text: 'Echo: hi' },
  sampling: {
    tool: 'ev__trigger-sampling-request',
    args: { prompt: 'a haiku', maxTokens: 10 },
    // server-everything prints the sampling result it got back as pretty JSON.
    text: `LLM sampling result: \n${JSON.stringify({ model: 'matrix-model', role: 'assistant', content: { type: 'text', text: 'sampled: Resource trigger-sampling-request context: a haiku' } }, null, 2)}`,
    asked: [{ method: 'sampling/createMessage', text: 'Resource trigger-sampling-request context: a haiku' }],
  },
  elicitation: {
    tool: 'ev__trigger-elicitation-request',
    args: {},
    text: `✅ User provided the requested information!\nUser inputs:\n- Name: Kim\n\nRaw result: ${JSON.stringify({ action: 'accept', content: { name: 'Kim' } }, null, 2)}`,
    asked: [elicit('Please provide inputs for the following fields:')],
  },
  // No multi-round tool. Roots: server-everything caches one roots list per session, fetched once;
  // behind a shared router connection that is whichever client asked first, so it is not a
  // per-client answer. Cancellation: it records nothing a test could read. List changes: its tools
  // never change. The 2025 fixture covers those cases for the 2025 backend era.
  progress: {
    tool: 'ev__trigger-long-running-operation',
    args: { duration: 0.3, steps: 3 },
    text: 'Long running operation completed. Duration: 0.3 seconds, Steps: 3.',
    progress: [1, 2, 3],
  },
};

/** The 2026-capable fixture behind `server` (stdio or Streamable HTTP: the cases are the same). */
export function modernProfile(server: string, label: string): BackendProfile {
  return {
    server,
    era: '2026-07-28',
    label,
    toolCall: { tool: `${server}__echo`, args: { text: 'hi' }, text: 'echo: hi' },
    sampling: { tool: `${server}__sample`, args: { prompt: 'a haiku' }, text: 'model said: sampled: a haiku', asked: [{ method: 'sampling/createMessage', text: 'a haiku' }] },
    elicitation: { tool: `${server}__confirm`, args: { action: 'deploy' }, text: 'deploy: confirmed', asked: [elicit('Really deploy?')] },
    // The backend carries the name from round one to round two in its own requestState.
    multiRound: { tool: `${server}__profile`, args: {}, text: 'Kim is 40', asked: [elicit('Your name?'), elicit('How old is Kim?')] },
    roots: { tool: `${server}__roots`, args: {}, text: JSON.stringify(MATRIX_ROOTS), asked: [{ method: 'roots/list' }] },
    progress: { tool: `${server}__count`, args: { n: 3 }, text: 'counted to 3', progress: [1, 2, 3] },
    // Over HTTP the router cancels by aborting the call's own POST stream (2026 has no session to
    // send notifications/cancelled on); over stdio it sends notifications/cancelled.
    cancellation: (ms) => ({ tool: `${server}__wait`, args: { ms }, record: { tool: `${server}__cancelled` }, recorded: () => ms }),
    listChange: { tool: `${server}__grow`, args: (added) => ({ tool: added }), publicName: (added) => `${server}__${added}` },
  };
}

export const FIXTURE_2026 = modernProfile('m', '2026 fixture, stdio');
export const FIXTURE_2026_HTTP = modernProfile('mh', '2026 fixture, Streamable HTTP');

export const MATRIX_BACKENDS: readonly BackendProfile[] = [FIXTURE_2025, EVERYTHING_2025, FIXTURE_2026, FIXTURE_2026_HTTP];
