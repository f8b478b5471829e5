import { describe, expect, it } from 'vitest';
import { backendEnvironment } from '../../src/backends/backend-env.js';

const ROUTER_ENV = {
  PATH: '/opt/bin:/usr/bin',
  HOME: '/home/ada',
  GITHUB_TOKEN: 'router-secret',
  HTTPS_PROXY: 'http://proxy:3128',
  SYSTEMROOT: 'C:\\Windows',
  'BASH_FUNC_greet%%': '() {  echo hi\n}',
};

describe('backendEnvironment', () => {
  it('by default passes the router environment whole, with env: over it', () => {
    const env = backendEnvironment({ env: { GITHUB_TOKEN: 'server-token', EXTRA: '1' } }, ROUTER_ENV, 'linux');
    expect(env).toEqual({
      PATH: '/opt/bin:/usr/bin',
      HOME: '/home/ada',
      GITHUB_TOKEN: 'server-token',
      HTTPS_PROXY: 'http://proxy:3128',
      SYSTEMROOT: 'C:\\Windows',
      EXTRA: '1',
    });
  });

  it('inheritEnv: true is the default', () => {
    expect(backendEnvironment({ env: {}, inheritEnv: true }, ROUTER_ENV, 'linux')).toEqual(backendEnvironment({ env: {} }, ROUTER_ENV, 'linux'));
  });

  it('never passes exported shell functions', () => {
    expect(Object.keys(backendEnvironment({ env: {} }, ROUTER_ENV, 'linux'))).not.toContain('BASH_FUNC_greet%%');
  });

  it('with inheritEnv: false keeps only PATH and HOME from the router, then env:', () => {
    const env = backendEnvironment({ env: { API_KEY: 'k' }, inheritEnv: false }, ROUTER_ENV, 'linux');
    expect(env).toEqual({ PATH: '/opt/bin:/usr/bin', HOME: '/home/ada', API_KEY: 'k' });
  });

  it('with inheritEnv: false lets env: set PATH itself', () => {
    expect(backendEnvironment({ env: { PATH: '/only/here' }, inheritEnv: false }, ROUTER_ENV, 'darwin')).toEqual({ PATH: '/only/here', HOME: '/home/ada' });
  });

  it('with inheritEnv: false on Windows also keeps SYSTEMROOT, without which programs fail to start', () => {
    expect(backendEnvironment({ env: {}, inheritEnv: false }, ROUTER_ENV, 'win32')).toEqual({ PATH: '/opt/bin:/usr/bin', HOME: '/home/ada', SYSTEMROOT: 'C:\\Windows' });
  });

  it('leaves out what the router does not have', () => {
    expect(backendEnvironment({ env: {}, inheritEnv: false }, { PATH: '/bin' }, 'linux')).toEqual({ PATH: '/bin' });
  });
});
