// The floor for any proxy process: a Node relay that copies bytes between its stdio and a child's,
// with no parsing at all. `npm run bench` measures it beside the router so the router's overhead is
// read against what one extra Node process hop costs on this machine, not against zero. Because it
// never looks inside a message, every request kind (tools/call with or without a progress token,
// prompts/get, notifications either way) crosses it identically.
import { spawn } from 'node:child_process';

const [command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
process.stdin.on('data', (chunk) => child.stdin.write(chunk));
child.stdout.on('data', (chunk) => process.stdout.write(chunk));
process.stdin.on('end', () => {
  child.kill();
  process.exit(0);
});
// A server that dies closes the client's connection instead of leaving it waiting on a live relay.
child.on('exit', (code) => process.exit(code ?? 1));
