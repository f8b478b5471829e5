/**
 * The routes a tools/call can take through the router, each as a way to name one fixture tool: a
 * shared stdio backend, a shared Streamable HTTP backend, an `isolation: session` backend, a tool a
 * workspace renamed (with argument defaults), and call_tool in a search-mode workspace. The config
 * below gives every route its own backend, so a crash or a timeout on one never disturbs another,
 * plus a bystander backend that proves the others keep working.
 */
import { isDeepStrictEqual } from 'node:util';
import { q } from '../helpers/cli.js';
import { fixtureStdioCommand } from '../helpers/spawn-fixture.js';

/** Every route's backend answers tools/call within this, unless progress keeps the call alive. */
export const ROUTE_TIMEOUT_MS = 2000;

export interface CallRoute {
  name: string;
  /** The Streamable HTTP path a client of this route connects to. */
  path: string;
  /** The backend (server name) the route ends at. */
  server: string;
  /** The request that runs fixture tool `tool` with `args` on this route. */
  call(tool: string, args?: Record<string, unknown>): { name: string; arguments: Record<string, unknown> };
  /** A call of a near miss of a tool name on this route, and the name a suggestion should offer. */
  misspelled: { request: { name: string; arguments: Record<string, unknown> }; suggestion: string };
  /** Unknown names are a JSON-RPC error on direct routes; call_tool answers them as a tool error the model can read. */
  unknownAnswer: 'error' | 'tool error';
}

/** Tools of `ren` as the `renamed` workspace publishes them, with the defaults its overrides fill in. */
const RENAMED: Record<string, { name: string; defaults?: Record<string, unknown> }> = {
  echo: { name: 'speak', defaults: { text: 'plain call' } },
  rich: { name: 'fancy' },
  sleep: { name: 'nap', defaults: { steps: 3 } },
  cancellations: { name: 'cancelled_calls' },
  ask_sampling: { name: 'sample' },
  ask_elicitation: { name: 'elicit', defaults: { message: 'Pick one' } },
  fail: { name: 'refuse', defaults: { code: -32050 } },
  crash: { name: 'explode' },
};

/** Leave out what the override's defaults supply: the call only succeeds if the router fills them in. */
function withoutDefaults(args: Record<string, unknown>, defaults: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(Object.entries(args).filter(([k, v]) => !(k in defaults && isDeepStrictEqual(defaults[k], v))));
}

function direct(name: string, path = '/mcp', server = name): CallRoute {
  return {
    name,
    path,
    server,
    call: (tool, args = {}) => ({ name: `${server}__${tool}`, arguments: args }),
    misspelled: { request: { name: `${server}__ecko`, arguments: {} }, suggestion: `${server}__echo` },
    unknownAnswer: 'error',
  };
}

export const CALL_ROUTES: CallRoute[] = [
  { ...direct('st'), name: 'shared stdio backend' },
  { ...direct('web'), name: 'shared Streamable HTTP backend' },
  { ...direct('iso'), name: 'isolation: session backend' },
  {
    name: 'workspace-renamed tool with defaults',
    path: '/w/renamed/mcp',
    server: 'ren',
    call: (tool, args = {}) => {
      const renamed = RENAMED[tool];
      if (!renamed) throw new Error(`the renamed workspace has no override for ${tool}`);
      return { name: renamed.name, arguments: withoutDefaults(args, renamed.defaults) };
    },
    misspelled: { request: { name: 'speek', arguments: {} }, suggestion: 'speak' },
    unknownAnswer: 'error',
  },
  {
    name: 'search-mode call_tool',
    path: '/w/finder/mcp',
    server: 'srch',
    call: (tool, args = {}) => ({ name: 'call_tool', arguments: { name: `srch__${tool}`, arguments: args } }),
    misspelled: { request: { name: 'call_tool', arguments: { name: 'srch__ecko', arguments: {} } }, suggestion: 'srch__echo' },
    unknownAnswer: 'tool error',
  },
];

function stdioServerYaml(name: string, extra: string[] = []): string {
  const fx = fixtureStdioCommand(name);
  return [`  ${name}:`, `    command: ${q(fx.command)}`, `    args: [${fx.args.map(q).join(', ')}]`, ...extra.map((l) => `    ${l}`)].join('\n') + '\n';
}

/** router.yaml for every route; `webUrl` is the fixture already serving Streamable HTTP. */
export function routesConfigYaml(webUrl: string): string {
  const timeout = `timeout: ${ROUTE_TIMEOUT_MS}`;
  const overrides = Object.entries(RENAMED)
    .map(([tool, o]) => `      ren__${tool}: { name: ${o.name}${o.defaults ? `, defaults: ${JSON.stringify(o.defaults)}` : ''} }`)
    .join('\n');
  return (
    'servers:\n' +
    stdioServerYaml('st', [timeout]) +
    `  web:\n    url: ${q(webUrl)}\n    type: http\n    ${timeout}\n` +
    stdioServerYaml('iso', [timeout, 'isolation: session']) +
    stdioServerYaml('ren', [timeout]) +
    stdioServerYaml('srch', [timeout]) +
    stdioServerYaml('by') +
    'workspaces:\n' +
    `  renamed:\n    servers: [ren]\n    overrides:\n${overrides}\n` +
    '  finder:\n    servers: [srch]\n    search: true\n'
  );
}
