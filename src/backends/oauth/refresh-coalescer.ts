/**
 * One refresh per refresh token. Several requests that meet an expired access token at once (the
 * lists after a handshake, a client's parallel calls) each get a 401 and each run the SDK's auth(),
 * which would redeem the same refresh token several times. An authorization server that rotates
 * refresh tokens honours the first and refuses the rest with invalid_grant (and may revoke the
 * whole grant as a replay), which would look like a lost login. So token-endpoint requests with the
 * same refresh token share one answer, also for a short while after it arrived, for a request that
 * read the old token just before the new one was saved.
 */
import type { FetchLike } from '@modelcontextprotocol/client';

const REMEMBER_MS = 30_000;

interface SharedAnswer {
  status: number;
  statusText: string;
  headers: [string, string][];
  body: string;
}

export class RefreshCoalescer {
  private readonly answers = new Map<string, { answer: Promise<SharedAnswer>; at: number }>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Wraps `inner` (default: global fetch) so refresh-token grants with the same token are sent once. */
  wrap(inner?: FetchLike): FetchLike {
    const base: FetchLike = inner ?? ((url, init) => fetch(url, init));
    return async (url, init) => {
      const key = refreshKey(url, init);
      if (key === undefined) return base(url, init);
      this.forgetOld();
      let entry = this.answers.get(key);
      if (!entry) {
        entry = { answer: base(url, init).then(readAnswer), at: this.now() };
        this.answers.set(key, entry);
        // A failed network call is not an answer worth sharing later.
        entry.answer.catch(() => this.answers.delete(key));
      }
      const answer = await entry.answer;
      return new Response(answer.body, { status: answer.status, statusText: answer.statusText, headers: answer.headers });
    };
  }

  private forgetOld(): void {
    const cutoff = this.now() - REMEMBER_MS;
    for (const [key, entry] of this.answers) if (entry.at < cutoff) this.answers.delete(key);
  }
}

function refreshKey(url: string | URL, init?: RequestInit): string | undefined {
  if (init?.method?.toUpperCase() !== 'POST') return undefined;
  const body = init.body;
  const params = body instanceof URLSearchParams ? body : typeof body === 'string' ? new URLSearchParams(body) : undefined;
  if (params?.get('grant_type') !== 'refresh_token') return undefined;
  const token = params.get('refresh_token');
  return token ? `${String(url)}\n${token}` : undefined;
}

async function readAnswer(response: Response): Promise<SharedAnswer> {
  return { status: response.status, statusText: response.statusText, headers: [...response.headers], body: await response.text() };
}
