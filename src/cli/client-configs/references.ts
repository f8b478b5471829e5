/**
 * Client variable references rewritten into router.yaml's `${VAR}` form. Claude Code's `${VAR}` and
 * `${VAR:-default}` already mean what they mean in router.yaml; Cursor's `${env:VAR}` is the same
 * thing spelled differently; VS Code's `${input:id}` (a value VS Code prompts for) and editor
 * variables such as `${workspaceFolder}` have no router-side source, so they become variables the
 * user sets, each with a note saying what it stood for.
 */
import type { ClientInput } from './formats.js';
import { envName } from './secrets.js';

export interface VariableUse {
  name: string;
  /** False for `${VAR:-default}`: it works unset. */
  required: boolean;
  /** Why the variable exists, for the YAML comment and the report; absent for a plain env reference. */
  note?: string;
  /** Set when the reference replaced something router.yaml cannot express. */
  noEquivalent?: string;
  /** The VS Code input id it replaced: `install --replace` hands `${input:id}` to switchboard's own entry. */
  input?: string;
}

const EDITOR_VARIABLES: Record<string, string> = {
  workspaceFolder: 'WORKSPACE_FOLDER',
  workspaceFolderBasename: 'WORKSPACE_FOLDER_BASENAME',
  workspaceRoot: 'WORKSPACE_FOLDER',
  cwd: 'PWD',
};

const PLAIN = /^([A-Za-z_][A-Za-z0-9_]*)(:-[\s\S]*)?$/;

function rewriteOne(inner: string, inputs: readonly ClientInput[]): { text: string; use?: VariableUse } {
  const plain = PLAIN.exec(inner);
  if (plain && !(plain[1]! in EDITOR_VARIABLES) && plain[1] !== 'userHome') {
    return { text: `\${${inner}}`, use: { name: plain[1]!, required: plain[2] === undefined } };
  }
  if (inner === 'userHome') return { text: '${HOME}' };
  if (inner === '/' || inner === 'pathSeparator') return { text: '/' };
  const editor = EDITOR_VARIABLES[inner];
  if (editor) {
    return { text: `\${${editor}}`, use: { name: editor, required: true, note: `the value the client gave \${${inner}}`, noEquivalent: `\${${inner}}` } };
  }
  const [kind, ...rest] = inner.split(':');
  const arg = rest.join(':');
  if (kind === 'env' && PLAIN.test(arg)) return { text: `\${${arg}}`, use: { name: arg.replace(/:-[\s\S]*$/, ''), required: !arg.includes(':-') } };
  if (kind === 'input') {
    const name = envName(arg);
    const input = inputs.find((i) => i.id === arg);
    const what = input?.description ? `${input.description} ` : '';
    return { text: `\${${name}}`, use: { name, required: true, note: `${what}(VS Code input "${arg}")`.trim(), input: arg } };
  }
  const name = envName(inner);
  return { text: `\${${name}}`, use: { name, required: true, note: `the value the client gave \${${inner}}`, noEquivalent: `\${${inner}}` } };
}

/** Rewrite every `${...}` in `value`; a `$` not opening a complete reference stays as it is. */
export function rewriteReferences(value: string, inputs: readonly ClientInput[]): { value: string; uses: VariableUse[] } {
  const uses: VariableUse[] = [];
  const out = value.replace(/\$\{([^}]*)\}/g, (_, inner: string) => {
    const { text, use } = rewriteOne(inner, inputs);
    if (use) uses.push(use);
    return text;
  });
  return { value: out, uses };
}
