/**
 * The router's OAuthClientProvider for one backend: the SDK's auth() and its Streamable HTTP
 * transport do the protocol (discovery, registration, PKCE, the resource parameter, refresh,
 * step-up); this class only answers "what do we know" from the token store and decides what a
 * redirect means. In `login` the redirect is real: the authorization URL goes to the user and the
 * loopback callback brings the code back. In `serve` there is nobody to send to a browser, so a
 * redirect means the stored grant is gone: it becomes NeedsLoginError, never an opaque 401.
 */
import type {
  AddClientAuthentication,
  DpopSession,
  OAuthClientInformationContext,
  OAuthClientMetadata,
  OAuthClientProvider,
  OAuthDiscoveryState,
  StoredOAuthClientInformation,
  StoredOAuthTokens,
} from '@modelcontextprotocol/client';
import type { OAuthSettings } from '../../config/types.js';
import { grantTypes, isNonInteractive, privateKeyJwtAuthentication, tokenEndpointAuthMethod, tokenRequestParams } from './grant.js';
import { NeedsLoginError } from './needs-login.js';
import type { OAuthRecord, OAuthTokenStore } from './token-store.js';

/** Where `serve` claims to redirect: never used for a redirect, only to look like the registration. */
const SERVE_REDIRECT_FALLBACK = 'http://127.0.0.1/callback';

export interface InteractiveLogin {
  /** http://127.0.0.1:PORT/callback of this login's loopback listener. */
  redirectUrl: string;
  /** The `state` the callback must echo back. */
  state: string;
  onAuthorizationUrl(url: URL): void | Promise<void>;
}

export interface RouterOAuthProviderOptions {
  serverName: string;
  store: OAuthTokenStore;
  settings: OAuthSettings;
  /** Present in `switchboard login`; absent in `serve`. */
  interactive?: InteractiveLogin;
}

export class RouterOAuthProvider implements OAuthClientProvider {
  readonly clientMetadataUrl?: string;
  private verifier?: string;
  /** The registration read at the last clientInformation() call; serve's redirectUrl mirrors it. */
  private knownClient?: StoredOAuthClientInformation;
  /** Defined only with a signing key: when present, the SDK calls it instead of its own client authentication. */
  readonly addClientAuthentication?: AddClientAuthentication;
  private dpopSession?: Promise<DpopSession>;

  constructor(private readonly options: RouterOAuthProviderOptions) {
    this.clientMetadataUrl = options.settings.clientMetadataUrl;
    const signer = privateKeyJwtAuthentication(options.settings);
    if (signer) this.addClientAuthentication = signer;
  }

  /** Undefined for a non-interactive grant: that is how the SDK's auth() knows to ask for a token directly. */
  get redirectUrl(): string | undefined {
    if (isNonInteractive(this.options.settings)) return undefined;
    const registered = (this.knownClient as { redirect_uris?: string[] } | undefined)?.redirect_uris?.[0];
    return this.options.interactive?.redirectUrl ?? registered ?? SERVE_REDIRECT_FALLBACK;
  }

  get clientMetadata(): OAuthClientMetadata {
    const { settings } = this.options;
    return {
      client_name: 'mcp-switchboard',
      redirect_uris: this.redirectUrl ? [this.redirectUrl] : [],
      grant_types: grantTypes(settings),
      ...(this.redirectUrl ? { response_types: ['code'] } : {}),
      token_endpoint_auth_method: tokenEndpointAuthMethod(settings),
      ...(settings.scopes?.length ? { scope: settings.scopes.join(' ') } : {}),
    };
  }

  state(): string {
    return this.options.interactive?.state ?? '';
  }

  /**
   * The spec's order: a pre-registered client from the config first; then what an earlier login
   * registered or chose (a metadata-document URL or a dynamic registration); with none, auth()
   * tries the client ID metadata document and then dynamic registration itself.
   */
  async clientInformation(ctx?: OAuthClientInformationContext): Promise<StoredOAuthClientInformation | undefined> {
    const { clientId, clientSecret, issuer } = this.options.settings;
    // A pinned issuer: refuse here, before the SDK would fall back to registering with the other server.
    if (issuer && ctx && trimSlash(ctx.issuer) !== trimSlash(issuer)) {
      throw new Error(`the server names the authorization server ${ctx.issuer}, but auth.issuer is ${issuer}: the router's credentials are not sent there`);
    }
    // A configured client belongs to its pinned issuer, else to the one the backend names (the SDK
    // would stamp that itself, warn that the stamp did not come back, and ask to store it with the secret).
    const stamp = ctx?.issuer ?? issuer;
    if (clientId) return { client_id: clientId, ...(clientSecret ? { client_secret: clientSecret } : {}), ...(stamp ? { issuer: stamp } : {}) };
    const stored = (await this.options.store.read())?.client;
    this.knownClient = stored;
    const interactive = this.options.interactive;
    const registered = (stored as { redirect_uris?: string[] } | undefined)?.redirect_uris;
    // Each login listens on a new random port; a registration for another redirect URI would be
    // refused at the authorization endpoint, so register again instead.
    if (interactive && stored && registered && !registered.includes(interactive.redirectUrl)) return undefined;
    return stored;
  }

  async saveClientInformation(client: StoredOAuthClientInformation): Promise<void> {
    // A pre-registered client lives in the config; storing it would also store its secret.
    if (this.options.settings.clientId) return;
    this.knownClient = client;
    await this.options.store.update((r) => ({ ...r, client }));
  }

  async tokens(): Promise<StoredOAuthTokens | undefined> {
    return (await this.options.store.read())?.tokens;
  }

  async saveTokens(tokens: StoredOAuthTokens): Promise<void> {
    const interactive = this.options.interactive !== undefined;
    await this.options.store.update((r) => {
      const next: OAuthRecord = { ...r, tokens, tokensSavedAt: Date.now() };
      // A login asked for the wanted scope; a refresh cannot widen scope, so it keeps the wish.
      if (interactive) delete next.wantedScope;
      return next;
    });
  }

  async redirectToAuthorization(authorizationUrl: URL): Promise<void> {
    if (this.options.interactive) return this.options.interactive.onAuthorizationUrl(authorizationUrl);
    const scope = authorizationUrl.searchParams.get('scope');
    if (scope) await this.options.store.update((r) => ({ ...r, wantedScope: scope }));
    throw new NeedsLoginError(this.options.serverName);
  }

  /** The body of a client_credentials or jwt-bearer token request; undefined: the authorization-code exchange. */
  prepareTokenRequest(scope?: string): Promise<URLSearchParams | undefined> {
    return tokenRequestParams(this.options.settings, scope);
  }

  /** With `dpop: true`, one session per provider (it keeps the servers' nonces) over the stored key. */
  dpop(): Promise<DpopSession> | undefined {
    if (!this.options.settings.dpop) return undefined;
    // jose (the key's JWK work) loads here, with DPoP, not at every start: ~50 modules no other
    // backend needs.
    this.dpopSession ??= Promise.all([
      import('@modelcontextprotocol/client'),
      import('./dpop-key.js').then(({ dpopKeyPair }) => dpopKeyPair(this.options.store)),
    ]).then(([{ DpopSession }, keyPair]) => DpopSession.create({ keyPair }));
    return this.dpopSession;
  }

  saveCodeVerifier(codeVerifier: string): void {
    this.verifier = codeVerifier;
  }

  codeVerifier(): string {
    if (this.verifier === undefined) throw new Error('no PKCE code verifier: the authorization was not started by this login');
    return this.verifier;
  }

  async discoveryState(): Promise<OAuthDiscoveryState | undefined> {
    return (await this.options.store.read())?.discovery;
  }

  async saveDiscoveryState(discovery: OAuthDiscoveryState): Promise<void> {
    await this.options.store.update((r) => ({ ...r, discovery }));
  }

  async invalidateCredentials(scope: 'all' | 'client' | 'tokens' | 'verifier' | 'discovery'): Promise<void> {
    if (scope === 'verifier' || scope === 'all') this.verifier = undefined;
    if (scope === 'verifier') return;
    await this.options.store.update((r) => {
      const next = { ...r };
      if (scope === 'all' || scope === 'client') delete next.client;
      if (scope === 'all' || scope === 'tokens') {
        delete next.tokens;
        delete next.tokensSavedAt;
      }
      if (scope === 'all' || scope === 'discovery') delete next.discovery;
      return next;
    });
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}
