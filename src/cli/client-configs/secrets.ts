/**
 * Spotting literal secrets in a client's env and headers, and naming the variable that replaces them.
 * A router.yaml is meant to be committed and shared; client files routinely hold pasted tokens. Two
 * signals, either is enough: a field name that says "credential", or a value shaped like one.
 */

const SECRET_NAME = /token|secret|passw(or)?d|key|authorization|credential|cookie|session/i;
// Prefixes of widely used credentials (GitHub, OpenAI/Anthropic/Stripe, Slack, GitLab, AWS, npm).
const SECRET_PREFIX = /^(gh[pousr]_|github_pat_|sk-|sk_(live|test)_|rk_(live|test)_|xox[abposr]-|glpat-|AKIA|npm_)[A-Za-z0-9_-]{6,}/;
const AUTH_SCHEME = /^(Bearer|Basic|Token)\s+\S+/i;
// Values that name things rather than hold secrets: paths, URLs, numbers, booleans, references.
const NOT_A_SECRET = /^(\/|~|\.{1,2}\/|[A-Za-z]:\\|https?:\/\/|-?\d+(\.\d+)?$|true$|false$|\$\{)/i;

/** A long run of mixed letters and digits with no spaces: an API key, not a word or a setting. */
function looksRandom(value: string): boolean {
  if (value.length < 24 || !/^[A-Za-z0-9_\-+/=.]+$/.test(value)) return false;
  const kinds = [/[a-z]/, /[A-Z]/, /\d/].filter((r) => r.test(value)).length;
  return kinds >= 2 && /\d/.test(value);
}

export function looksSecret(key: string, value: string): boolean {
  if (value === '' || /^\$\{[^}]*\}$/.test(value)) return false;
  if (SECRET_PREFIX.test(value) || AUTH_SCHEME.test(value) || looksRandom(value)) return true;
  return SECRET_NAME.test(key) && !NOT_A_SECRET.test(value);
}

/** `BRAVE-search` -> `BRAVE_SEARCH`: what an environment variable name may hold. */
export function envName(text: string): string {
  const name = text.replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '').toUpperCase();
  return /^[0-9]/.test(name) ? `_${name}` : name || 'VALUE';
}

/**
 * The variable for a secret under env key or header `key` of server `server`. An env key already
 * is the variable the server reads, so it is kept when it names the server (GITHUB_TOKEN under
 * "github"); otherwise the server's name goes first so two servers' API_KEYs stay apart.
 */
export function secretVariable(server: string, key: string): string {
  const serverPart = envName(server);
  const keyPart = envName(key);
  const firstWord = serverPart.split('_')[0] ?? serverPart;
  return keyPart === serverPart || keyPart.startsWith(`${firstWord}_`) ? keyPart : `${serverPart}_${keyPart}`;
}

/**
 * The value with its secret part swapped for `${variable}`: an auth scheme stays in the file
 * ("Bearer ${GITHUB_AUTHORIZATION}"), since the variable then holds what people copy: the token.
 */
export function replaceSecret(value: string, variable: string): { value: string; secret: string } {
  const scheme = /^((?:Bearer|Basic|Token)\s+)(\S[\s\S]*)$/i.exec(value);
  if (scheme) return { value: `${scheme[1]}\${${variable}}`, secret: scheme[2] as string };
  return { value: `\${${variable}}`, secret: value };
}
