/** `switchboard serve` with a bad config or bad flags: exit code 2 and a message that names the field. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, runCli, tempDir } from '../helpers/cli.js';

describe('switchboard serve: config and usage errors', () => {
  const tmp = tempDir('sb-cli-config-');
  const env = { ...process.env };
  delete env.SB_E2E_UNSET_TOKEN;
  delete env.SWITCHBOARD_CONFIG;

  beforeAll(() => assertBuilt());
  afterAll(() => tmp.remove());

  it('an unknown field exits 2, names the field and suggests the right one', async () => {
    const path = tmp.write('typo.yaml', 'servers:\n  alpha:\n    command: node\n    tmeout: 5000\n');
    const { code, stdout, stderr } = await runCli(['serve', '--config', path], { env });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(`switchboard: ${path}: config is invalid (1 problem):`);
    expect(stderr).toContain('servers.alpha.tmeout: unknown field; did you mean "timeout"?');
  });

  it('a wrong type exits 2 naming the field, what was expected and the value', async () => {
    const path = tmp.write('type.yaml', 'servers:\n  alpha:\n    command: node\n    args: "x"\n');
    const { code, stderr } = await runCli(['serve', '--config', path], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('servers.alpha.args: expected array of strings, got "x"');
  });

  it('an unset ${VAR} exits 2 naming the variable and the field', async () => {
    const path = tmp.write('unset.yaml', 'servers:\n  alpha:\n    url: https://example.com/mcp\n    headers:\n      Authorization: "Bearer ${SB_E2E_UNSET_TOKEN}"\n');
    const { code, stderr } = await runCli(['serve', '--config', path], { env });
    expect(code).toBe(2);
    expect(stderr).toContain('servers.alpha.headers.Authorization: environment variable SB_E2E_UNSET_TOKEN is not set');
  });

  it('an unset ${VAR} and a bad field in one file are reported together, exit 2', async () => {
    const path = tmp.write(
      'both.yaml',
      'servers:\n  alpha:\n    url: https://example.com/mcp\n    headers:\n      Authorization: "Bearer ${SB_E2E_UNSET_TOKEN}"\n    tmeout: 5000\n',
    );
    const { code, stderr } = await runCli(['serve', '--config', path], { env });
    expect(code).toBe(2);
    expect(stderr).toContain(
      [
        `switchboard: ${path}: config is invalid (2 problems):`,
        'servers.alpha.headers.Authorization: environment variable SB_E2E_UNSET_TOKEN is not set (set it, or write ${SB_E2E_UNSET_TOKEN:-default})',
        'servers.alpha.tmeout: unknown field; did you mean "timeout"?',
      ].join('\n'),
    );
  });

  it('a missing config file exits 2 naming the path', async () => {
    const path = `${tmp.dir}/does-not-exist.yaml`;
    const { code, stderr } = await runCli(['serve', '--config', path], { env });
    expect(code).toBe(2);
    expect(stderr).toContain(`config file ${path} does not exist`);
    expect(stderr).toContain('--config');
  });

  it('an unknown flag exits 2 naming the flag and pointing at --help', async () => {
    const { code, stderr } = await runCli(['serve', '--bogus'], { env });
    expect(code).toBe(2);
    expect(stderr).toContain("Unknown option '--bogus'");
    expect(stderr).toContain('switchboard serve --help');
  });
});
