/**
 * The request kinds the router bench sends through every path. Each kind checks every reply it gets:
 * a path that answers with an error or the wrong content would otherwise measure as fast, not broken.
 *
 * Why these three: a plain tools/call is what the router's raw fast path covers; the same call with a
 * progress token and a prompts/get do not qualify for it today, so they show what the general request
 * pipeline costs against the same byte-relay floor.
 */
import type { Client } from '@modelcontextprotocol/client';
import type { Call } from './harness.js';

/** Names of the backend's tool and prompt as the client on one path sees them. */
export interface PathNames {
  echoTool: string;
  simplePrompt: string;
}

export interface RequestKind {
  /** Stable key, used in the JSON results. */
  id: 'tools-call' | 'tools-call-progress' | 'prompts-get';
  label: string;
  call(client: Client, names: PathNames): Call;
}

// server-everything's simple-prompt takes no arguments and always answers this one message.
const SIMPLE_PROMPT_TEXT = 'This is a simple prompt without arguments.';

function firstText(content: unknown): string | undefined {
  const first = Array.isArray(content) ? (content[0] as { type?: string; text?: unknown } | undefined) : undefined;
  return first?.type === 'text' && typeof first.text === 'string' ? first.text : undefined;
}

function expectEcho(result: unknown, message: string): void {
  const r = result as { content?: unknown; isError?: boolean };
  const text = firstText(r.content);
  if (r.isError || text !== `Echo: ${message}`) throw new Error(`unexpected echo reply: ${JSON.stringify(result).slice(0, 200)}`);
}

function echo(client: Client, tool: string, withProgress: boolean): Call {
  let i = 0;
  // With onprogress the SDK client puts a progressToken in the request's _meta and keeps a handler for
  // it, exactly as a client that shows progress does; echo answers at once and sends no progress.
  const options = withProgress ? { onprogress: () => undefined } : undefined;
  return async () => {
    const message = `m${i++}`;
    expectEcho(await client.callTool({ name: tool, arguments: { message } }, options), message);
  };
}

export const REQUEST_KINDS: readonly RequestKind[] = [
  { id: 'tools-call', label: 'tools/call echo', call: (client, names) => echo(client, names.echoTool, false) },
  { id: 'tools-call-progress', label: 'tools/call echo + progressToken', call: (client, names) => echo(client, names.echoTool, true) },
  {
    id: 'prompts-get',
    label: 'prompts/get simple-prompt',
    call: (client, names) => async () => {
      const result = await client.getPrompt({ name: names.simplePrompt });
      const message = result.messages[0];
      if (result.messages.length !== 1 || message?.role !== 'user' || firstText([message.content]) !== SIMPLE_PROMPT_TEXT) {
        throw new Error(`unexpected prompt reply: ${JSON.stringify(result).slice(0, 200)}`);
      }
    },
  },
];
