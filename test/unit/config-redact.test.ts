/** The secret values a config yields, and the redactor over them, as log lines and errors use them. */
import { describe, expect, it } from 'vitest';
import { configFromServers, makeServerConfig } from '../../src/config/defaults.js';
import { SecretRedactor, configSecrets, createRedactor } from '../../src/config/redact.js';

const config = configFromServers(
  [
    makeServerConfig('local', { kind: 'stdio', command: 'x', args: [], env: { TOKEN: 'env-secret-1', DEBUG: '1' } }),
    makeServerConfig('remote', { kind: 'http', url: 'https://us%40er:p%40ss-word@example.com/mcp', headers: { Authorization: 'Bearer hdr-token-9' } }),
  ],
  { listen: { authToken: 'front-token-7' } },
);

describe('configSecrets', () => {
  it('collects env and header values, the token without its scheme, URL credentials raw and decoded, the auth token', () => {
    expect(configSecrets(config).sort()).toEqual(
      ['1', 'Bearer hdr-token-9', 'env-secret-1', 'front-token-7', 'hdr-token-9', 'p%40ss-word', 'p@ss-word', 'us%40er', 'us%40er:p%40ss-word', 'us@er', 'us@er:p@ss-word'].sort(),
    );
  });

  it('leaves out short values when asked, and stdio env for the bridge', () => {
    expect(configSecrets(config, { minLength: 6 })).not.toContain('1');
    expect(configSecrets(config, { env: false })).not.toContain('env-secret-1');
    expect(configSecrets(config, { extra: ['flag-token-3'] })).toContain('flag-token-3');
  });
});

describe('createRedactor', () => {
  it('replaces a secret as it is and as it appears inside a JSON string', () => {
    const redact = createRedactor(['a"b\\c-secret']);
    expect(redact('raw a"b\\c-secret here')).toBe('raw *** here');
    expect(redact(JSON.stringify({ msg: 'in a"b\\c-secret json' }))).toBe('{"msg":"in *** json"}');
  });

  it('replaces the longest secret whole when one contains another', () => {
    const redact = createRedactor(configSecrets(config));
    expect(redact('https://us%40er:p%40ss-word@example.com/mcp')).toBe('https://***@example.com/mcp');
  });
});

describe('SecretRedactor', () => {
  it('redacts through one stable function what each added config holds, keeping earlier secrets', () => {
    const secrets = new SecretRedactor({ minLength: 6 });
    const { redact } = secrets;
    expect(redact('env-secret-1 and reload-secret-2')).toBe('env-secret-1 and reload-secret-2');
    secrets.add(config);
    expect(redact('env-secret-1 and reload-secret-2')).toBe('*** and reload-secret-2');
    const reloaded = configFromServers([makeServerConfig('new', { kind: 'stdio', command: 'x', args: [], env: { KEY: 'reload-secret-2' } })]);
    secrets.add(reloaded);
    expect(redact('env-secret-1 and reload-secret-2')).toBe('*** and ***');
    expect(secrets.size).toBe(configSecrets(config, { minLength: 6 }).length + 1);
  });
});
