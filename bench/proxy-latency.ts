/**
 * npm run bench: tools/call `echo` on @modelcontextprotocol/server-everything, directly over stdio
 * and through the router's stdio front, in the same run with the same client.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { formatTable, measure, echoCall, median, type BenchResult } from './harness.js';

const root = resolve(import.meta.dirname, '..');
const everything = join(root, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const cli = join(root, 'dist/cli/main.js');

async function connect(command: string, args: string[]): Promise<Client> {
  const client = new Client({ name: 'bench', version: '1' });
  await client.connect(new StdioClientTransport({ command, args, stderr: 'ignore' }));
  return client;
}

async function run(name: string, client: Client, tool: string): Promise<BenchResult> {
  try {
    return await measure(name, echoCall(client, tool));
  } finally {
    await client.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
const config = join(dir, 'router.yaml');
writeFileSync(config, `servers:\n  everything:\n    command: ${JSON.stringify(process.execPath)}\n    args: [${JSON.stringify(everything)}, stdio]\nlogLevel: warn\n`);

// Direct and proxied alternate for ROUNDS rounds and each row is the median: on a 2-core machine a
// single run swings by ±10% with whatever else the machine does, and alternating spreads that evenly.
const ROUNDS = 3;
const relay = join(root, 'bench/bare-relay.mjs');
const direct: BenchResult[] = [];
const bare: BenchResult[] = [];
const proxied: BenchResult[] = [];
for (let round = 0; round < ROUNDS; round++) {
  direct.push(await run('direct: SDK client -> server-everything (stdio)', await connect(process.execPath, [everything, 'stdio']), 'echo'));
  bare.push(await run('floor: client -> bare Node byte relay -> server-everything', await connect(process.execPath, [relay, process.execPath, everything, 'stdio']), 'echo'));
  proxied.push(await run('switchboard: client -> router (stdio) -> server-everything (stdio)', await connect(process.execPath, [cli, 'serve', '--config', config, '--log-level', 'warn']), 'everything__echo'));
}
const results = [median(direct), median(bare), median(proxied)];
process.stdout.write(`Node ${process.version}, ${(await import('node:os')).cpus().length} cores, median of ${ROUNDS} alternating rounds\n\n${formatTable(results, results[0])}\n`);
