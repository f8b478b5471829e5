/**
 * Keeping configured secrets out of everything the router shows: log lines, the start-up summary,
 * errors sent to clients, the status page and /status.json. Error text can carry anything a backend
 * printed, and a backend that fails often prints its own env or the URL it was given. So every value
 * the config hands to a backend as env or a header, credentials in a server's URL, and the front's
 * bearer token, are replaced by *** wherever they appear; nothing tries to guess which are secret.
 * The logger (src/log.ts, core) cannot import this layer: it takes the redactor as a function.
 */
import type { RouterConfig } from './types.js';

export const REDACTED = '***';

/** Shorter values are replaced only as whole words: "1" must not turn "10000 ms" into "***0000 ms". */
const WHOLE_WORD_BELOW = 4;

export interface SecretOptions {
  /** More values (a --auth-token flag, say). */
  extra?: ReadonlyArray<string | undefined>;
  /**
   * false: skip stdio env values. The bridge hands its child the router's whole environment (as
   * supergateway does); those are the user's own variables (PATH, HOME, ...), not config secrets.
   */
  env?: boolean;
  /** Leave out values shorter than this (log lines: replacing "1" or "true" would garble their JSON). */
  minLength?: number;
}

/**
 * Every env and header value of every server, a header's token also without its scheme, a server
 * URL's user, password and user:password (raw and percent-decoded), an OAuth client secret,
 * listen.authToken, the cluster secret and the Redis URL's credentials.
 */
export function configSecrets(config: Pick<RouterConfig, 'servers' | 'listen' | 'cluster'>, options: SecretOptions = {}): string[] {
  const values: string[] = [];
  for (const server of config.servers) {
    const target = server.target;
    if (target.kind === 'stdio') {
      if (options.env !== false) values.push(...Object.values(target.env));
      continue;
    }
    for (const value of Object.values(target.headers)) {
      values.push(value);
      const scheme = /^(?:Bearer|Basic|Token)\s+(\S.*)$/i.exec(value);
      if (scheme?.[1]) values.push(scheme[1]);
    }
    values.push(...urlCredentials(target.url));
    if (target.oauth?.clientSecret) values.push(target.oauth.clientSecret);
  }
  if (config.listen.authToken) values.push(config.listen.authToken);
  if (config.cluster) values.push(config.cluster.secret, ...urlCredentials(config.cluster.redisUrl));
  for (const value of options.extra ?? []) if (value) values.push(value);
  const min = options.minLength ?? 1;
  return [...new Set(values.filter((v) => v.trim() !== '' && v.length >= min))];
}

/**
 * The redactor of a running `serve`. A config reload can bring new secrets (a new server's env, a
 * rotated token); add() puts them on the list at once, before any backend of that config starts.
 * Values are never taken off: lines about the previous config's backends may still be written.
 * `redact` is one stable function, so everything handed it at start-up sees every later addition.
 */
export class SecretRedactor {
  private readonly secrets = new Set<string>();
  private current: (text: string) => string = (text) => text;

  constructor(private readonly options: SecretOptions = {}) {}

  add(config: Pick<RouterConfig, 'servers' | 'listen' | 'cluster'>): void {
    const before = this.secrets.size;
    for (const secret of configSecrets(config, this.options)) this.secrets.add(secret);
    if (this.secrets.size !== before) this.current = createRedactor([...this.secrets]);
  }

  get size(): number {
    return this.secrets.size;
  }

  readonly redact = (text: string): string => this.current(text);
}

function urlCredentials(url: string): string[] {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return [];
  }
  const { username, password } = parsed;
  const raw = [username, password, username && password ? `${username}:${password}` : ''].filter(Boolean);
  return raw.flatMap((part) => {
    try {
      return [part, decodeURIComponent(part)];
    } catch {
      return [part]; // a malformed escape: the raw form is what gets printed anyway
    }
  });
}

/**
 * A function that replaces each of `secrets` in a text by ***; longer secrets first, so none leaves a
 * tail. Each is also matched as it appears inside a JSON string (quotes and backslashes escaped),
 * which is how it shows up in a log line.
 */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (secret === '') continue;
    forms.add(secret);
    forms.add(JSON.stringify(secret).slice(1, -1));
  }
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  if (sorted.length === 0) return (text) => text;
  const pattern = sorted.map((s) => (s.length < WHOLE_WORD_BELOW ? `(?<![\\w])${escape(s)}(?![\\w])` : escape(s))).join('|');
  const regex = new RegExp(pattern, 'g');
  return (text) => text.replace(regex, REDACTED);
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
