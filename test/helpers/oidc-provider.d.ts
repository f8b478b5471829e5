/**
 * The part of oidc-provider's API the test issuer uses. The package ships no types, and
 * @types/oidc-provider is not a dependency; this declares only what test/helpers/oidc-issuer.ts calls.
 */
declare module 'oidc-provider' {
  import type { IncomingMessage, ServerResponse } from 'node:http';

  export interface ProviderConfiguration {
    clients?: Array<Record<string, unknown>>;
    jwks?: { keys: Array<Record<string, unknown>> };
    features?: Record<string, Record<string, unknown>>;
    ttl?: Record<string, number>;
    extraTokenClaims?: (ctx: unknown, token: { clientId?: string }) => Record<string, unknown> | Promise<Record<string, unknown>>;
  }

  export default class Provider {
    constructor(issuer: string, configuration?: ProviderConfiguration);
    callback(): (req: IncomingMessage, res: ServerResponse) => void;
  }
}
