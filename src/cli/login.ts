/**
 * `switchboard login NAME` and `switchboard logout NAME`: the router's own OAuth grant for a
 * backend with `auth: oauth`. login runs the authorization-code flow with PKCE through the SDK's
 * auth(): it prints the authorization URL (and opens a browser where there is one), takes the
 * redirect on a loopback port and stores the tokens where `serve` finds them. logout forgets them.
 */
import { randomBytes } from 'node:crypto';
import { loadConfig } from '../config/index.js';
import type { OAuthSettings, RemoteTarget } from '../config/types.js';
import { RouterOAuthProvider } from '../backends/oauth/provider.js';
import { OAuthTokenStore } from '../backends/oauth/token-store.js';
import { SwitchboardError } from '../errors/index.js';
import { stateDir } from '../util/state-dir.js';
import { parseFlags, parsePositiveInt } from './args.js';
import { listenForCallback } from './loopback-callback.js';
import { openBrowser } from './open-browser.js';
import { probeChallenge } from './oauth-probe.js';

export const LOGIN_HELP = `Usage: switchboard login NAME [--config PATH] [--no-browser] [--timeout SECONDS]

Authorize the router with the remote server NAME (one with "auth: oauth" in router.yaml): prints the
authorization URL, opens it in a browser where there is one, waits for the redirect on
http://127.0.0.1:<random port>/callback and stores the router's own tokens under the state directory
($XDG_STATE_HOME/mcp-switchboard, else ~/.local/state/mcp-switchboard). serve refreshes them.

Options:
  -c, --config PATH      router.yaml to load (default: $SWITCHBOARD_CONFIG, else ./router.yaml)
      --no-browser       only print the URL
      --timeout SECONDS  how long to wait for the redirect (default: 300)
  -h, --help             show this help`;

export const LOGOUT_HELP = `Usage: switchboard logout NAME [--config PATH]

Forget the router's stored OAuth tokens and client registration for the remote server NAME.

Options:
  -c, --config PATH    router.yaml to load (default: $SWITCHBOARD_CONFIG, else ./router.yaml)
  -h, --help           show this help`;

const DEFAULT_TIMEOUT_S = 300;

interface OAuthServer {
  name: string;
  url: string;
  settings: OAuthSettings;
}

async function oauthServer(command: string, configPath: string | undefined, positionals: string[]): Promise<OAuthServer> {
  if (positionals.length !== 1) throw new SwitchboardError('SB_USAGE', `${command}: expected one server name, e.g. "switchboard ${command} github". Run "switchboard ${command} --help".`);
  const name = positionals[0]!;
  const { config } = await loadConfig({ path: configPath, env: process.env, cwd: process.cwd() });
  const server = config.servers.find((s) => s.name === name);
  const oauthNames = config.servers.filter((s) => s.target.kind !== 'stdio' && (s.target as RemoteTarget).oauth).map((s) => s.name);
  const known = oauthNames.length ? `servers with auth: oauth: ${oauthNames.join(', ')}` : 'no server has auth: oauth';
  if (!server) throw new SwitchboardError('SB_USAGE', `${command}: unknown server "${name}" (${known})`);
  const target = server.target;
  if (target.kind === 'stdio' || !target.oauth) throw new SwitchboardError('SB_USAGE', `${command}: server "${name}" does not use OAuth; add "auth: oauth" to servers.${name} (${known})`);
  return { name, url: target.url, settings: target.oauth };
}

export async function runLogin(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags(
    'login',
    argv,
    { config: { type: 'string', short: 'c' }, 'no-browser': { type: 'boolean' }, timeout: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values.help) return void process.stderr.write(LOGIN_HELP + '\n');
  const timeoutS = parsePositiveInt(values.timeout, '--timeout') ?? DEFAULT_TIMEOUT_S;
  const server = await oauthServer('login', values.config, positionals);
  const file = await login(server, { browser: !values['no-browser'], timeoutMs: timeoutS * 1000 });
  process.stderr.write(`switchboard: logged in to ${server.name}; tokens saved in ${file}\n`);
}

async function login(server: OAuthServer, options: { browser: boolean; timeoutMs: number }): Promise<string> {
  const { auth, computeScopeUnion } = await import('@modelcontextprotocol/client');
  const store = new OAuthTokenStore(stateDir(), server.name, server.url);
  const state = randomBytes(24).toString('base64url');
  const callback = await listenForCallback(state);
  try {
    const provider = new RouterOAuthProvider({
      serverName: server.name,
      store,
      settings: server.settings,
      interactive: {
        redirectUrl: callback.url,
        state,
        onAuthorizationUrl: (url) => {
          process.stderr.write(`switchboard: to authorize the router with ${server.name}, open:\n\n  ${url.href}\n\nWaiting for the redirect to ${callback.url} ...\n`);
          if (options.browser) openBrowser(url.href);
        },
      },
    });
    // A login starts from what the server says now: an earlier discovery may name an old server.
    await provider.invalidateCredentials('discovery');
    const challenge = await probeChallenge(server.url);
    const wanted = (await store.read())?.wantedScope;
    const scope = computeScopeUnion(server.settings.scopes?.join(' ') || challenge.scope, wanted);
    const common = { serverUrl: server.url, ...(scope ? { scope } : {}), ...(challenge.resourceMetadataUrl ? { resourceMetadataUrl: challenge.resourceMetadataUrl } : {}) };
    const started = await step(server.name, auth(provider, { ...common, forceReauthorization: true }));
    if (started === 'REDIRECT') {
      const { code, iss } = await step(server.name, withTimeout(callback.result, options.timeoutMs));
      await step(server.name, auth(provider, { ...common, authorizationCode: code, ...(iss ? { iss } : {}) }));
    }
    return store.file;
  } finally {
    await callback.close();
  }
}

/** Login failures are the user's to fix (a server, a registration, a denied consent): exit 1 with the reason. */
async function step<T>(name: string, promise: Promise<T>): Promise<T> {
  try {
    return await promise;
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    throw new SwitchboardError('SB_BACKEND_START_FAILED', `login ${name}: ${message}`, { cause: err });
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no redirect arrived within ${Math.round(ms / 1000)} s; run login again (--timeout raises the wait)`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export async function runLogout(argv: string[]): Promise<void> {
  const { values, positionals } = parseFlags('logout', argv, { config: { type: 'string', short: 'c' }, help: { type: 'boolean', short: 'h' } }, true);
  if (values.help) return void process.stderr.write(LOGOUT_HELP + '\n');
  const server = await oauthServer('logout', values.config, positionals);
  const store = new OAuthTokenStore(stateDir(), server.name, server.url);
  const removed = await store.remove();
  process.stderr.write(removed ? `switchboard: logged out of ${server.name} (removed ${store.file})\n` : `switchboard: ${server.name} had no stored login\n`);
}
