// The floor for any stdio->HTTP bridge: node:http plus one child, with nothing a real bridge needs
// (no sessions per client, no auth, no validation, no MCP logic; one child for everyone). Lines from
// the child go out untouched. `npm run bench` measures it beside the real gateways so their numbers are
// read against what Node's HTTP stack and one child cost on this machine, not against zero.
//
//   node bare-bridge.mjs <port> sse|http <command> [args...]
//
// sse:  GET /sse opens the stream (first event: the endpoint); POST /message -> 202, answer on the stream.
// http: POST /mcp -> the child's answer as one JSON body (ids are read to pair answers with POSTs).
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';

const [portArg, mode, command, ...args] = process.argv.slice(2);
const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'ignore'] });
const waiting = new Map(); // http mode: request id -> response
let stream; // sse mode: the one event stream
let tail = '';

child.stdout.setEncoding('utf8');
child.stdout.on('data', (chunk) => {
  const lines = (tail + chunk).split('\n');
  tail = lines.pop();
  for (const line of lines) {
    if (!line) continue;
    if (mode === 'sse') {
      stream?.write(`event: message\ndata: ${line}\n\n`);
      continue;
    }
    const id = JSON.parse(line).id;
    const res = waiting.get(id);
    if (!res) continue;
    waiting.delete(id);
    res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'bare' }).end(line);
  }
});

function readBody(req) {
  return new Promise((resolve) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => (body += c));
    req.on('end', () => resolve(body));
  });
}

createServer(async (req, res) => {
  if (mode === 'sse' && req.method === 'GET') {
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    res.write('event: endpoint\ndata: /message?sessionId=bare\n\n');
    stream = res;
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405).end(); // http mode: no GET stream, nothing to DELETE
    return;
  }
  const body = await readBody(req);
  child.stdin.write(`${body}\n`);
  if (mode === 'sse') {
    res.writeHead(202).end('Accepted');
    return;
  }
  const { id } = JSON.parse(body);
  if (id === undefined) res.writeHead(202, { 'mcp-session-id': 'bare' }).end();
  else waiting.set(id, res);
}).listen(Number(portArg), '127.0.0.1');

process.on('SIGTERM', () => {
  child.kill();
  process.exit(0);
});
