/**
 * One client server entry -> one router.yaml server. Keeps command, args, env, cwd, url, type,
 * headers (and description, and `disabled` as `enabled: false`); moves literal secrets and client-only
 * references into `${VAR}`s; and lists everything else as having no equivalent, so nothing a user
 * configured disappears without a line saying so.
 */
import { formatPath } from '../../config/paths.js';
import { isRecord, type ClientInput } from './formats.js';
import { rewriteReferences, type VariableUse } from './references.js';
import { looksSecret, replaceSecret, secretVariable } from './secrets.js';

/** A variable the imported config reads, with where and why. */
export interface NeededVariable {
  name: string;
  /** `servers.github.env.GITHUB_TOKEN`. */
  where: string;
  required: boolean;
  note?: string;
  /** The literal value it replaced, when it replaced one (install --replace moves it to the client entry). */
  secret?: string;
  /** The VS Code input id it replaced. */
  input?: string;
}

export interface ConvertedServer {
  name: string;
  /** router.yaml fields in the order they are written. */
  server: Record<string, unknown>;
  /** YAML comments to put after a field's value, by path inside the server (e.g. ['env', 'GITHUB_TOKEN']). */
  comments: Array<{ path: string[]; text: string }>;
  variables: NeededVariable[];
  /** Things with no router.yaml equivalent, one line each, for stderr. */
  dropped: string[];
}

export type Conversion = ({ ok: true } & ConvertedServer) | { ok: false; name: string; reason: string };

/** Variable names given to literal secrets in one run: one name per distinct secret. */
export class SecretNames {
  private readonly secrets = new Map<string, string>();

  claim(base: string, secret: string): string {
    for (let n = 1; ; n++) {
      const name = n === 1 ? base : `${base}_${n}`;
      const held = this.secrets.get(name);
      if (held === undefined || held === secret) {
        this.secrets.set(name, secret);
        return name;
      }
    }
  }
}

export interface ConvertContext {
  inputs: readonly ClientInput[];
  names: SecretNames;
  /** The client file's name, for comments. */
  source: string;
}

const KEPT = new Set(['command', 'args', 'env', 'cwd', 'url', 'type', 'headers', 'description', 'disabled']);
const TYPES: Record<string, 'http' | 'sse' | undefined> = { http: 'http', 'streamable-http': 'http', streamableHttp: 'http', sse: 'sse', stdio: undefined };

function scalarText(v: unknown): string | undefined {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

class ServerBuilder {
  readonly server: Record<string, unknown> = {};
  readonly comments: ConvertedServer['comments'] = [];
  readonly variables: NeededVariable[] = [];
  readonly dropped: string[] = [];

  constructor(
    readonly name: string,
    private readonly ctx: ConvertContext,
  ) {}

  where(...path: string[]): string {
    return formatPath(['servers', this.name, ...path.map((p) => (/^\d+$/.test(p) ? Number(p) : p))]);
  }

  /** A plain string field: references rewritten, no secret detection (commands and paths are not secrets). */
  text(value: string, path: string[]): string {
    const { value: out, uses } = rewriteReferences(value, this.ctx.inputs);
    this.record(uses, path);
    return out;
  }

  /** An env value or header: a literal that looks like a credential becomes a variable. */
  secretAware(value: string, key: string, path: string[]): string {
    if (value.includes('${')) return this.text(value, path);
    if (!looksSecret(key, value)) return value;
    const replaced = replaceSecret(value, secretVariable(this.name, key));
    const name = this.ctx.names.claim(/\$\{([A-Za-z0-9_]+)\}/.exec(replaced.value)![1]!, replaced.secret);
    const finalValue = replaced.value.replace(/\$\{[A-Za-z0-9_]+\}/, `\${${name}}`);
    this.variables.push({ name, where: this.where(...path), required: true, note: `was a literal secret in ${this.ctx.source}`, secret: replaced.secret });
    this.comments.push({ path, text: `set ${name} (was a literal secret in ${this.ctx.source})` });
    return finalValue;
  }

  private record(uses: VariableUse[], path: string[]): void {
    const notes: string[] = [];
    for (const use of uses) {
      this.variables.push({ name: use.name, where: this.where(...path), required: use.required, ...(use.note ? { note: use.note } : {}), ...(use.input ? { input: use.input } : {}) });
      if (use.note) notes.push(`set ${use.name}: ${use.note}`);
      if (use.noEquivalent) this.dropped.push(`${this.where(...path)}: ${use.noEquivalent} has no equivalent; it now reads $\{${use.name}}`);
    }
    if (notes.length) this.comments.push({ path, text: notes.join('; ') });
  }

  stringMap(raw: unknown, field: 'env' | 'headers'): Record<string, string> | undefined {
    if (!isRecord(raw)) {
      this.dropped.push(`${this.where(field)}: expected an object of strings; not imported`);
      return undefined;
    }
    const out: Record<string, string> = {};
    for (const [k, v] of Object.entries(raw)) {
      const s = scalarText(v);
      if (s === undefined) this.dropped.push(`${this.where(field, k)}: not a string; not imported`);
      else out[k] = this.secretAware(s, k, [field, k]);
    }
    return out;
  }
}

function remoteType(b: ServerBuilder, raw: unknown): 'http' | 'sse' | undefined | false {
  if (raw === undefined) return undefined;
  const t = typeof raw === 'string' && raw in TYPES ? TYPES[raw] : false;
  if (t === false) b.dropped.push(`${b.where('type')}: "${String(raw)}" is not a transport router.yaml knows (http, sse); not imported`);
  return t;
}

export function convertServer(name: string, entry: unknown, ctx: ConvertContext): Conversion {
  if (!isRecord(entry)) return { ok: false, name, reason: 'not an object' };
  const b = new ServerBuilder(name, ctx);
  const command = scalarText(entry['command']);
  const url = scalarText(entry['url'] ?? entry['serverUrl']);
  if (command === undefined && url === undefined) return { ok: false, name, reason: 'has neither "command" nor "url"' };
  if (command !== undefined && url !== undefined) return { ok: false, name, reason: 'has both "command" and "url"; router.yaml needs one' };
  if (url !== undefined && !/^(https?:\/\/|\$\{)/.test(url)) return { ok: false, name, reason: `url "${url}" is not http(s)` };

  if (typeof entry['description'] === 'string') b.server['description'] = entry['description'];
  if (command !== undefined) {
    b.server['command'] = b.text(command, ['command']);
    if (Array.isArray(entry['args'])) b.server['args'] = entry['args'].map((a, i) => b.text(scalarText(a) ?? JSON.stringify(a), ['args', String(i)]));
    if (entry['env'] !== undefined) b.server['env'] = b.stringMap(entry['env'], 'env');
    if (typeof entry['cwd'] === 'string') b.server['cwd'] = b.text(entry['cwd'], ['cwd']);
    if (entry['type'] !== undefined && entry['type'] !== 'stdio') b.dropped.push(`${b.where('type')}: "${String(entry['type'])}" on a command server; not imported`);
    if (entry['headers'] !== undefined) b.dropped.push(`${b.where('headers')}: headers only apply to url servers; not imported`);
  } else {
    b.server['url'] = b.text(url!, ['url']);
    const type = remoteType(b, entry['type'] ?? entry['transport']);
    if (type) b.server['type'] = type;
    if (entry['headers'] !== undefined) b.server['headers'] = b.stringMap(entry['headers'], 'headers');
    for (const key of ['args', 'env', 'cwd']) if (entry[key] !== undefined) b.dropped.push(`${b.where(key)}: only applies to command servers; not imported`);
  }
  if (entry['disabled'] === true) b.server['enabled'] = false;
  for (const key of ['env', 'headers']) if (b.server[key] === undefined) delete b.server[key];

  for (const [key, value] of Object.entries(entry)) {
    if (KEPT.has(key) || (key === 'serverUrl' && url !== undefined) || (key === 'transport' && url !== undefined)) continue;
    if (key === 'envFile') {
      b.dropped.push(`${b.where('envFile')}: "${String(value)}" has no equivalent; set its variables in the environment "switchboard serve" runs in`);
    } else {
      b.dropped.push(`${b.where(key)}: ${JSON.stringify(value)} has no equivalent in router.yaml; not imported`);
    }
  }
  return { ok: true, name, server: b.server, comments: b.comments, variables: b.variables, dropped: b.dropped };
}
