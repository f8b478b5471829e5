/** The config module's entry points: load or parse router.yaml, or build a config in code. */
export { configFromServers, defaultListenConfig, makeServerConfig } from './defaults.js';
export { loadConfig, parseConfig, resolveConfigPath } from './load.js';
export { RouterFileSchema } from './schema.js';
export type { RemoteTarget, StdioTarget } from './types.js';
