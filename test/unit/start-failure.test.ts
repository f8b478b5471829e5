import { describe, expect, it } from 'vitest';
import { describeStartFailure, failureField } from '../../src/backends/start-failure.js';
import { makeServerConfig } from '../../src/config/defaults.js';
import type { StdioTarget } from '../../src/config/types.js';

function stdio(target: Partial<StdioTarget> & { command: string }) {
  return makeServerConfig('github', { kind: 'stdio', args: [], env: {}, ...target });
}

function enoent(command: string, searchPath?: string): Error {
  return Object.assign(new Error(`spawn ${command} ENOENT`), { code: 'ENOENT', ...(searchPath === undefined ? {} : { searchPath }) });
}

describe('describeStartFailure for a command that cannot be started', () => {
  it('names the PATH a bare command was looked up on', () => {
    expect(describeStartFailure(stdio({ command: 'gh-mcp' }), 'stdio', enoent('gh-mcp', '/usr/local/bin:/usr/bin'), [])).toBe(
      'command "gh-mcp" was not found on PATH (/usr/local/bin:/usr/bin) (servers.github.command): install it or give its full path',
    );
  });

  it("without the spawn's PATH, shows the one the backend would get: env: PATH wins", () => {
    expect(describeStartFailure(stdio({ command: 'gh-mcp', env: { PATH: '/only/here' }, inheritEnv: false }), 'stdio', enoent('gh-mcp'), [])).toBe(
      'command "gh-mcp" was not found on PATH (/only/here) (servers.github.command): install it or give its full path',
    );
  });

  it('says so when PATH was empty', () => {
    expect(describeStartFailure(stdio({ command: 'gh-mcp' }), 'stdio', enoent('gh-mcp', ''), [])).toBe(
      'command "gh-mcp" was not found because PATH is empty (servers.github.command): install it or give its full path',
    );
  });

  it('does not talk about PATH for a command given as a path', () => {
    expect(describeStartFailure(stdio({ command: './bin/gh-mcp' }), 'stdio', enoent('./bin/gh-mcp', '/usr/bin'), [])).toBe(
      'command "./bin/gh-mcp" does not exist (servers.github.command): check the path',
    );
  });

  it('blames cwd when that directory is missing (spawn reports it as ENOENT too)', () => {
    expect(describeStartFailure(stdio({ command: 'node', cwd: '/no/such/dir/sb-test' }), 'stdio', enoent('node', '/usr/bin'), [])).toBe(
      'directory /no/such/dir/sb-test does not exist (servers.github.cwd)',
    );
  });
});

describe('describeStartFailure for an OAuth backend whose grant is refused', () => {
  const remote = makeServerConfig('svc', { kind: 'http', url: 'https://svc.example/mcp', headers: {}, oauth: { grant: 'client_credentials', clientId: 'svc', clientSecret: 'x' } });

  it("points at the auth settings with the authorization server's error code", () => {
    const refused = Object.assign(new Error('Invalid client credentials'), { name: 'OAuthError', code: 'invalid_client' });
    expect(describeStartFailure(remote, 'http', new Error('wrapped', { cause: refused }), [])).toBe(
      "Streamable HTTP: the authorization server refused the router's grant (invalid_client): wrapped (servers.svc.auth)",
    );
    expect(describeStartFailure(remote, 'http', refused, [])).toBe("Streamable HTTP: the authorization server refused the router's grant (invalid_client): Invalid client credentials (servers.svc.auth)");
  });

  it('points at the auth settings when the server names another authorization server than the pinned one', () => {
    const pinned = new Error("the server names the authorization server https://evil.example, but auth.issuer is https://id.example: the router's credentials are not sent there");
    expect(describeStartFailure(remote, 'http', pinned, [])).toBe(`Streamable HTTP: ${pinned.message} (servers.svc.auth)`);
  });
});

describe('failureField: the config field a failure points at', () => {
  it('is the field the description names, else connectTimeout for a silent server, else the entry', () => {
    expect(failureField('command "gh" was not found on PATH (/usr/bin) (servers.github.command): install it or give its full path', 'github')).toBe('servers.github.command');
    expect(failureField('the process exited during the MCP handshake (servers.github.command/args)', 'github')).toBe('servers.github.command/args');
    expect(failureField('Streamable HTTP: cannot reach http://x/mcp (servers.remote.url): is the server running?', 'remote')).toBe('servers.remote.url');
    expect(failureField('no handshake within 30000 ms', 'slow')).toBe('servers.slow.connectTimeout');
    expect(failureField('something else entirely', 'odd')).toBe('servers.odd');
  });
});
