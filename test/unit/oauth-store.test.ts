import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NeedsLoginError, needsLoginMessage } from '../../src/backends/oauth/needs-login.js';
import { RouterOAuthProvider } from '../../src/backends/oauth/provider.js';
import { OAuthTokenStore } from '../../src/backends/oauth/token-store.js';
import { stateDir } from '../../src/util/state-dir.js';

const dirs: string[] = [];
function temp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-oauth-store-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const TOKENS = { access_token: 'at-1', token_type: 'Bearer', refresh_token: 'rt-1' };

describe('stateDir', () => {
  it('prefers SWITCHBOARD_STATE_DIR, then XDG_STATE_HOME, then ~/.local/state on Linux', () => {
    expect(stateDir({ SWITCHBOARD_STATE_DIR: '/s', XDG_STATE_HOME: '/x' }, 'linux', '/home/u')).toBe('/s');
    expect(stateDir({ XDG_STATE_HOME: '/x' }, 'linux', '/home/u')).toBe('/x/mcp-switchboard');
    expect(stateDir({}, 'linux', '/home/u')).toBe('/home/u/.local/state/mcp-switchboard');
  });
});

describe('OAuthTokenStore', () => {
  it('writes one 0600 file per server name and url, atomically, and reads back only its own', async () => {
    const dir = temp();
    const a = new OAuthTokenStore(dir, 'gh', 'https://a.example/mcp');
    const moved = new OAuthTokenStore(dir, 'gh', 'https://b.example/mcp');
    expect(await a.read()).toBeUndefined();
    await a.update((r) => ({ ...r, tokens: TOKENS }));
    expect(await a.read()).toEqual({ server: 'gh', url: 'https://a.example/mcp', tokens: TOKENS });
    expect(statSync(a.file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'oauth')).mode & 0o777).toBe(0o700);
    // The same name at another URL never sees the first server's token.
    expect(moved.file).not.toBe(a.file);
    expect(await moved.read()).toBeUndefined();
    await a.update((r) => ({ ...r, wantedScope: 'repo' }));
    expect(readdirSync(join(dir, 'oauth'))).toEqual([a.file.split('/').pop()]);
    expect(await a.remove()).toBe(true);
    expect(await a.remove()).toBe(false);
  });
});

describe('RouterOAuthProvider', () => {
  it('uses a pre-registered client from the config before anything stored, and never stores its secret', async () => {
    const store = new OAuthTokenStore(temp(), 'gh', 'https://a.example/mcp');
    await store.update((r) => ({ ...r, client: { client_id: 'dynamic-1' } }));
    const provider = new RouterOAuthProvider({ serverName: 'gh', store, settings: { clientId: 'pre', clientSecret: 'shh' } });
    expect(await provider.clientInformation()).toEqual({ client_id: 'pre', client_secret: 'shh' });
    await provider.saveClientInformation({ client_id: 'pre', client_secret: 'shh' });
    expect((await store.read())?.client).toEqual({ client_id: 'dynamic-1' });
    expect(provider.clientMetadata.token_endpoint_auth_method).toBe('client_secret_basic');
  });

  it('in login, drops a dynamic registration made for another loopback port so auth() registers again', async () => {
    const store = new OAuthTokenStore(temp(), 'gh', 'https://a.example/mcp');
    await store.update((r) => ({ ...r, client: { client_id: 'old', redirect_uris: ['http://127.0.0.1:1111/callback'] } }));
    const interactive = { redirectUrl: 'http://127.0.0.1:2222/callback', state: 's', onAuthorizationUrl: () => undefined };
    const login = new RouterOAuthProvider({ serverName: 'gh', store, settings: {}, interactive });
    expect(await login.clientInformation()).toBeUndefined();
    expect(login.clientMetadata).toMatchObject({ redirect_uris: ['http://127.0.0.1:2222/callback'], token_endpoint_auth_method: 'none' });
    const serve = new RouterOAuthProvider({ serverName: 'gh', store, settings: {} });
    expect(await serve.clientInformation()).toEqual({ client_id: 'old', redirect_uris: ['http://127.0.0.1:1111/callback'] });
    expect(serve.redirectUrl).toBe('http://127.0.0.1:1111/callback');
  });

  it('in serve, a redirect is "needs login", remembering the scope a step-up asked for', async () => {
    const store = new OAuthTokenStore(temp(), 'gh', 'https://a.example/mcp');
    await store.update((r) => ({ ...r, tokens: TOKENS }));
    const provider = new RouterOAuthProvider({ serverName: 'gh', store, settings: {} });
    const err = await Promise.resolve(provider.redirectToAuthorization(new URL('https://as.example/authorize?scope=repo+admin&code_challenge=x'))).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NeedsLoginError);
    expect((err as Error).message).toBe('needs login: run switchboard login gh');
    expect((await store.read())?.wantedScope).toBe('repo admin');
    await provider.invalidateCredentials('tokens');
    expect(await provider.tokens()).toBeUndefined();
    expect(needsLoginMessage(new Error('wrapped', { cause: err }))).toBe('needs login: run switchboard login gh');
    expect(needsLoginMessage(new Error('HTTP 401'))).toBeUndefined();
  });
});
