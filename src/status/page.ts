/**
 * The status page: one HTML document with its style and script inline, served by the router itself.
 * The Content-Security-Policy allows exactly that style and that script (by hash) and requests to
 * this origin, so even a backend that names a tool `<script>...` cannot run anything on the page.
 */
import { createHash } from 'node:crypto';
import { STATUS_PAGE_SCRIPT } from './page-script.js';

const STYLE = `
:root { color-scheme: light dark; --bg: #f7f7f8; --card: #fff; --fg: #1d1d1f; --muted: #6b6b73; --line: #e3e3e8;
  --ok: #1a7f37; --warn: #9a6700; --bad: #cf222e; --chip: #eef0f3; }
@media (prefers-color-scheme: dark) { :root { --bg: #111214; --card: #1b1c1f; --fg: #e8e8ea; --muted: #9a9aa3; --line: #2c2d31;
  --ok: #3fb950; --warn: #d29922; --bad: #f85149; --chip: #26272b; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background: var(--bg); color: var(--fg); }
header { display: flex; gap: 12px; align-items: baseline; padding: 16px 24px; border-bottom: 1px solid var(--line); background: var(--card); }
header h1 { font-size: 18px; margin: 0; }
main { padding: 16px 24px; display: grid; gap: 16px; max-width: 1280px; }
section { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; overflow-x: auto; }
h2 { font-size: 15px; margin: 0 0 8px; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
td.name { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size: 13px; }
td.error { color: var(--bad); max-width: 480px; word-break: break-word; font-size: 12px; }
.muted { color: var(--muted); }
.badge { display: inline-block; padding: 1px 8px; border-radius: 999px; font-size: 12px; font-weight: 600; background: var(--chip); }
.state-ready, .state-idle, .outcome-ok { color: var(--ok); }
.state-starting, .outcome-tool_error, .outcome-cancelled { color: var(--warn); }
.state-down, .state-failed, .state-closed, .outcome-error, .outcome-timeout, .outcome-unavailable { color: var(--bad); }
.stats { display: flex; gap: 24px; }
.stat { display: flex; flex-direction: column; }
.stat-value { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; }
.stat-label { color: var(--muted); font-size: 12px; text-transform: uppercase; }
details { padding: 4px 0; }
summary { cursor: pointer; }
.chips { list-style: none; padding: 0; margin: 6px 0; display: flex; flex-wrap: wrap; gap: 6px; }
.chips li { background: var(--chip); border-radius: 4px; padding: 1px 6px; font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; }
`;

const BODY = `
<header>
  <h1>mcp-switchboard</h1>
  <span id="version" class="muted"></span>
  <span id="replica" class="muted"></span>
  <span id="uptime" class="muted"></span>
  <span id="live" class="badge">connecting</span>
</header>
<main>
  <section>
    <h2>Backends <span id="backends-summary" class="muted"></span></h2>
    <table>
      <thead><tr><th>Name</th><th>State</th><th>Transport</th><th class="num">Uptime</th><th class="num">Restarts</th>
        <th class="num">Tools</th><th class="num">Prompts</th><th class="num">Resources</th><th>Last error</th></tr></thead>
      <tbody id="backends"></tbody>
    </table>
  </section>
  <section>
    <h2>Sessions</h2>
    <div id="sessions" class="stats"></div>
  </section>
  <section>
    <h2>Workspaces</h2>
    <div id="workspaces"></div>
  </section>
  <section>
    <h2>Recent calls <span id="calls-count" class="muted"></span></h2>
    <table>
      <thead><tr><th>Time</th><th>Tool</th><th>Backend</th><th class="num">Latency</th><th>Outcome</th></tr></thead>
      <tbody id="calls"></tbody>
    </table>
  </section>
</main>
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

export const STATUS_PAGE_CSP = [
  "default-src 'none'",
  `script-src ${sha256(STATUS_PAGE_SCRIPT)}`,
  `style-src ${sha256(STYLE)}`,
  "connect-src 'self'",
  'img-src data:',
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** The page; its script reads the snapshot from `jsonPath`. */
export function statusPageHtml(jsonPath: string): string {
  return `<!doctype html>
<html lang="en" data-status-json="${escapeAttribute(jsonPath)}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>mcp-switchboard status</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${STATUS_PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}
