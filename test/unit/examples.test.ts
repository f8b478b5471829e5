/** Every config the project ships loads cleanly: the README and examples must not rot. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';

const ROOT = resolve(import.meta.dirname, '../..');
const SHIPPED = ['router.yaml', ...readdirSync(join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml')).map((f) => `examples/${f}`)];
// Values for the variables the examples reference, as a user would have set them.
const ENV = { HOME: '/home/me', GITHUB_TOKEN: 'ghp_x', SWITCHBOARD_TOKEN: 'secret', DATABASE_URL: 'postgres://localhost/db' };

describe('shipped configs', () => {
  it('include the bundled router.yaml and the examples', () => {
    expect(SHIPPED).toContain('router.yaml');
    expect(SHIPPED).toContain('examples/workspaces.yaml');
    expect(SHIPPED).toContain('examples/http-auth.yaml');
  });

  it.each(SHIPPED)('%s loads', async (file) => {
    const { config } = await loadConfig({ path: join(ROOT, file), env: ENV, cwd: ROOT });
    expect(config.servers.length).toBeGreaterThan(0);
  });

  it('the bundled router.yaml fronts the three reference servers', async () => {
    const { config } = await loadConfig({ path: join(ROOT, 'router.yaml'), env: {}, cwd: ROOT });
    expect(config.servers.map((s) => s.name)).toEqual(['everything', 'memory', 'filesystem']);
  });
});
