/**
 * The status page's script, sent inline (no build step, no framework, nothing from a CDN). It polls
 * /status.json every second while the tab is visible and redraws. Every value from the router,
 * including what backends named their tools and said in their errors, goes in as text (textContent),
 * never as HTML.
 */
export const STATUS_PAGE_SCRIPT = String.raw`
(() => {
  'use strict';
  const source = document.documentElement.dataset.statusJson;
  const byId = (id) => document.getElementById(id);

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === 'class') node.className = v;
      else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
    return node;
  }

  function duration(seconds) {
    if (seconds == null) return '-';
    const d = Math.floor(seconds / 86400), h = Math.floor(seconds / 3600) % 24, m = Math.floor(seconds / 60) % 60, s = seconds % 60;
    if (d) return d + 'd ' + h + 'h';
    if (h) return h + 'h ' + m + 'm';
    if (m) return m + 'm ' + s + 's';
    return s + 's';
  }

  function cell(field, value, cls) {
    return el('td', { 'data-field': field, class: cls || '' }, value);
  }

  function renderBackends(backends) {
    byId('backends').replaceChildren(...backends.map((b) => el('tr', { 'data-backend': b.name },
      cell('name', b.name, 'name'),
      cell('state', el('span', { class: 'badge state-' + b.state }, b.state)),
      cell('transport', b.transport || '-'),
      cell('uptime', duration(b.uptimeSeconds), 'num'),
      cell('restarts', b.restarts, 'num'),
      cell('tools', b.tools, 'num'),
      cell('prompts', b.prompts, 'num'),
      cell('resources', b.resources + b.resourceTemplates, 'num'),
      cell('lastError', b.lastError || '', 'error'),
    )));
    const up = backends.filter((b) => b.state === 'ready').length;
    byId('backends-summary').textContent = up + '/' + backends.length + ' up';
  }

  function renderSessions(sessions) {
    byId('sessions').replaceChildren(...Object.entries(sessions).map(([kind, n]) =>
      el('div', { class: 'stat', 'data-transport': kind }, el('span', { class: 'stat-value' }, n), el('span', { class: 'stat-label' }, kind))));
  }

  function renderWorkspaces(workspaces) {
    const box = byId('workspaces');
    if (!workspaces.length) {
      box.replaceChildren(el('p', { class: 'muted' }, 'No workspaces configured: every client sees the whole catalog.'));
      return;
    }
    box.replaceChildren(...workspaces.map((w) => el('details', { 'data-workspace': w.name },
      el('summary', {}, el('strong', {}, w.name), ' ', el('span', { class: 'muted' }, w.tools.length + ' tools listed')),
      el('ul', { class: 'chips' }, ...w.tools.map((t) => el('li', {}, t))),
    )));
  }

  function renderCalls(calls) {
    byId('calls-count').textContent = calls.length ? '(' + calls.length + ')' : '';
    if (!calls.length) {
      byId('calls').replaceChildren(el('tr', {}, el('td', { colspan: '5', class: 'muted' }, 'No calls yet.')));
      return;
    }
    byId('calls').replaceChildren(...calls.map((c) => el('tr', { 'data-seq': c.seq, 'data-outcome': c.outcome },
      cell('time', new Date(c.time).toLocaleTimeString()),
      cell('tool', c.name || c.method, 'name'),
      cell('backend', c.replica ? c.backend + ' @ ' + c.replica : c.backend),
      cell('latency', c.latencyMs.toFixed(1) + ' ms', 'num'),
      cell('outcome', el('span', { class: 'badge outcome-' + c.outcome, title: c.error || '' }, c.outcome)),
    )));
  }

  function render(s) {
    byId('version').textContent = 'v' + s.version;
    byId('replica').textContent = s.replica ? 'replica ' + s.replica : '';
    byId('uptime').textContent = 'up ' + duration(s.uptimeSeconds);
    renderBackends(s.backends);
    renderSessions(s.sessions);
    renderWorkspaces(s.workspaces);
    renderCalls(s.calls);
  }

  function live(ok, why) {
    const tag = byId('live');
    tag.className = 'badge ' + (ok ? 'state-ready' : 'state-down');
    tag.textContent = ok ? 'live' : 'disconnected';
    tag.title = ok ? 'updated ' + new Date().toLocaleTimeString() : why;
  }

  async function poll() {
    try {
      const res = await fetch(source, { cache: 'no-store', headers: { accept: 'application/json' } });
      if (!res.ok) throw new Error('HTTP ' + res.status);
      render(await res.json());
      live(true);
    } catch (err) {
      live(false, String(err && err.message || err));
    }
    setTimeout(poll, document.hidden ? 5000 : 1000);
  }
  poll();
})();
`;
