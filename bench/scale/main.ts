/**
 * `npm run bench:scale`: the router at every size, direct against routed, in one run (see the Scale
 * section of docs/benchmarks.md). Needs the build (the script runs it) and --expose-gc (ditto).
 * Every loop is bounded; the run takes a few minutes on 2 cores.
 */
import { coldStart, routerLoad } from './cold-start.js';
import { bursts, fullList, idleRss, search } from './lists-bursts.js';
import { heapPerSession } from './sessions.js';

const ms = (v: number) => `${v.toFixed(v < 10 ? 2 : 0)} ms`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const say = (line: string) => process.stdout.write(line + '\n');

async function main(): Promise<void> {
  const rows: string[][] = [];
  const load = await routerLoad(3);
  rows.push(['router alone (no servers): initialize answered', '-', ms(load), '']);
  for (const c of await coldStart([1, 5, 20], 3)) {
    rows.push([`cold start, ${c.backends} x server-memory: initialize answered`, ms(c.directInit), ms(c.routedInit), `target <= max(load, start) + 100 ms = ${ms(Math.max(load, c.directInit) + 100)}; router CPU before it ${ms(c.routedInitCpu)}, child processes then ${c.spawnedAtInit}`]);
    rows.push([`cold start, ${c.backends} x server-memory: complete first tools/list`, ms(c.directList), ms(c.routedList), c.routedComplete]);
  }
  const list = await fullList(100);
  rows.push([`full tools/list, ${list.tools} tools, pages of 100 followed`, ms(list.direct.ms), ms(list.routed.ms), `${ratio(list.routed.ms, list.direct.ms)} (target <= 1.1x); CPU per listing: backend ${ms(list.direct.cpu)}, router ${ms(list.routed.cpu)}`]);
  rows.push([`full tools/list, ${list.tools} tools, router's default page size`, ms(list.direct.ms), ms(list.routedDefault.ms), `${ratio(list.routedDefault.ms, list.direct.ms)}; router CPU per listing ${ms(list.routedDefault.cpu)}`]);
  for (const b of await bursts(20_000, 3)) {
    rows.push([`burst of 20,000 ${b.kind} notifications, call to result`, ms(b.direct), ms(b.routed), `${ratio(b.routed, b.direct)}; all in order before the result: ${b.inOrder ? 'yes' : 'NO'}`]);
  }
  const s = await search(500);
  rows.push(['search_tools, 1,500 tools: first search after the list', '-', ms(s.first), '']);
  rows.push(['search_tools, 1,500 tools: p50 / p99', '-', `${ms(s.p50)} / ${ms(s.p99)}`, 'target p50 <= 1 ms']);
  for (const rss of await idleRss([3000, 30_000])) {
    rows.push([`idle RSS after ${rss.after / 1000} s: serve router.yaml vs server-memory alone`, `${rss.server.toFixed(1)} MB`, `${rss.router.toFixed(1)} MB`, 'target router <= 60 MB']);
  }
  const heap = await heapPerSession(1000);
  rows.push([`heap per idle HTTP session (${heap.open} open)`, '-', `${(heap.bytesPerSession / 1024).toFixed(2)} KB`, 'target <= 2 KB']);

  say(`\nScale (Node ${process.versions.node}, ${new Date().toISOString().slice(0, 10)})\n`);
  say('| what | direct | routed | note |');
  say('|---|---|---|---|');
  for (const r of rows) say(`| ${r.join(' | ')} |`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`bench:scale failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
