/** The config module: router.yaml schema, `${VAR}` interpolation, loading, and code-built configs. */
export type {
  ConfigIssue,
  HealthCheckConfig,
  Isolation,
  ListenConfig,
  ListenTransport,
  RemoteTarget,
  RestartConfig,
  RouterConfig,
  SearchConfig,
  ServerConfig,
  ServerTarget,
  StdioTarget,
  ToolOverride,
  WorkspaceConfig,
} from './types.js';
export { interpolate, interpolateString, type Env, type InterpolationIssue, type InterpolationResult } from './interpolate.js';
export { ListenSchema, RouterFileSchema, ServerSchema, ToolOverrideSchema, WorkspaceSchema, type RouterFile } from './schema.js';
export { toConfigIssues, formatIssueLines } from './issues.js';
export { normalizeConfig } from './normalize.js';
export {
  configFromServers,
  defaultListenConfig,
  defaultSearchConfig,
  makeServerConfig,
  DEFAULT_CONNECT_TIMEOUT_MS,
  DEFAULT_HEALTH_TIMEOUT_MS,
  DEFAULT_RESTART,
  DEFAULT_PAGE_SIZE,
  DEFAULT_SEPARATOR,
  DEFAULT_TIMEOUT_MS,
  type ConfigOverrides,
  type ServerOptions,
} from './defaults.js';
export { CONFIG_ENV_VAR, DEFAULT_CONFIG_FILE, loadConfig, parseConfig, resolveConfigPath, type ConfigPathSource, type LoadOptions, type ParseOptions } from './load.js';
