/**
 * Who is behind a request, as an access token proved it: the claims the router acts on. Only HTTP
 * fronts with listen.auth have one; stdio and static-token sessions have none (their operator owns
 * the process). Fronts attach it to a session; workspaces admit by it; the audit log names `sub`.
 */
export interface Principal {
  /** The token's subject (for client_credentials tokens, the client id). */
  readonly sub: string;
  readonly groups: readonly string[];
  /** The token's scopes, split from its space-separated `scope` claim. */
  readonly scope: readonly string[];
}
