/**
 * The status page in a real browser: Debian's headless Chromium, driven by playwright-core, against
 * the built CLI (`serve --http --auth-token`) with server-everything, server-memory and a backend
 * that fails printing its secret. The page must show each backend with its tool count, show a call
 * made through /mcp without a reload, and never show a configured secret. A screenshot is left in
 * test-artifacts/status-page.png for people to look at.
 *
 * Nothing is skipped: without /usr/bin/chromium every test here fails and says how to get it (a
 * throwing beforeAll would report them as skipped).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromium, type Browser, type Page } from 'playwright-core';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { assertBuilt, EVERYTHING_MAIN, PROJECT_ROOT, q, spawnCli, tempDir, type CliProcess } from '../helpers/cli.js';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const MEMORY_MAIN = join(PROJECT_ROOT, 'node_modules/@modelcontextprotocol/server-memory/dist/index.js');
const TOKEN = 'status-page-test-token-5c1d';
const SECRET = 'sk-test-DO-NOT-SHOW-7f3a9b2c';
const SCREENSHOT = join(PROJECT_ROOT, 'test-artifacts/status-page.png');

const MISSING_CHROMIUM = `${CHROMIUM} is missing: the status page test needs Debian's chromium. .ci/run must install chromium (apt-get install -y chromium); locally run the same.`;

/** The text of every cell `field` in the rows matching `rows`, in page order. */
function cells(page: Page, rows: string, field: string): Promise<string[]> {
  return page.$$eval(`${rows} td[data-field="${field}"]`, (tds) => tds.map((td) => td.textContent ?? ''));
}

describe('the status page in headless Chromium', () => {
  const tmp = tempDir('sb-status-page-');
  let cli: CliProcess;
  let origin: string;
  let client: Client;
  let browser: Browser | undefined;
  let browserPage: Page | undefined;
  /** The browser tab; fails the calling test when there is no Chromium. */
  const tab = (): Page => {
    if (!browserPage) throw new Error(MISSING_CHROMIUM);
    return browserPage;
  };
  const toolCounts = new Map<string, number>();

  beforeAll(async () => {
    assertBuilt();
    const failing = `process.stderr.write("cannot start: key " + process.env.API_TOKEN + " refused\\n"); process.exit(3)`;
    const config = tmp.write(
      'router.yaml',
      [
        'servers:',
        `  everything:\n    command: ${q(process.execPath)}\n    args: [${q(EVERYTHING_MAIN)}, "stdio"]`,
        `  memory:\n    command: ${q(process.execPath)}\n    args: [${q(MEMORY_MAIN)}]\n    env:\n      MEMORY_FILE_PATH: ${q(join(tmp.dir, 'memory.jsonl'))}`,
        `  failing:\n    command: ${q(process.execPath)}\n    args: ["-e", ${q(failing)}]\n    env:\n      API_TOKEN: ${q(SECRET)}`,
        'workspaces:',
        '  notes:\n    servers: [memory]\n    exclude: ["memory__delete_*"]',
        '',
      ].join('\n'),
    );
    cli = spawnCli(['serve', '--http', '--port', '0', '--auth-token', TOKEN, '--config', config]);
    origin = new URL((await cli.waitForStderr(/listening on (http:\/\/127\.0\.0\.1:\d+)\/mcp\n/))[1]!).origin;
    await cli.waitForStderr(/mcp-switchboard: 2\/3 backends up/, 25_000);

    const transport = new StreamableHTTPClientTransport(new URL(`${origin}/mcp`), { requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } } });
    client = new Client({ name: 'status-page-test', version: '1.0.0' });
    await client.connect(transport);
    // What each backend offers, as a client sees it: the page must agree.
    for (const tool of (await client.listTools()).tools) {
      const backend = tool.name.split('__')[0]!;
      toolCounts.set(backend, (toolCounts.get(backend) ?? 0) + 1);
    }

    if (!existsSync(CHROMIUM)) return;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    const context = await browser.newContext({ extraHTTPHeaders: { Authorization: `Bearer ${TOKEN}` }, viewport: { width: 1280, height: 900 } });
    browserPage = await context.newPage();
  });

  afterAll(async () => {
    await browser?.close();
    await client?.close().catch(() => undefined);
    await cli?.kill();
    tmp.remove();
  });

  it('is behind the bearer token, like /mcp', async () => {
    tab();
    for (const path of ['/', '/status.json', '/metrics']) {
      const refused = await fetch(`${origin}${path}`);
      expect(refused.status, path).toBe(401);
      expect(refused.headers.get('www-authenticate'), path).toBe('Bearer realm="mcp-switchboard"');
    }
    const html = await fetch(`${origin}/`, { headers: { Authorization: `Bearer ${TOKEN}` } });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-[A-Za-z0-9+/=]+'; style-src 'sha256-/);
  });

  it('renders every backend by name with its state and tool count', async () => {
    const page = tab();
    await page.goto(`${origin}/`);
    await page.waitForSelector('tr[data-backend="failing"]');
    expect(await cells(page, '#backends tr', 'name')).toEqual(['everything', 'memory', 'failing']);
    expect(await cells(page, '#backends tr', 'state')).toEqual(['ready', 'ready', 'down']);
    expect(toolCounts.get('everything')).toBeGreaterThan(0);
    expect(toolCounts.get('memory')).toBe(9);
    expect(await cells(page, '#backends tr', 'tools')).toEqual([String(toolCounts.get('everything')), '9', '0']);
    expect(await cells(page, '#backends tr', 'transport')).toEqual(['stdio', 'stdio', '-']);
    expect(await page.textContent('#sessions [data-transport="http"] .stat-value')).toBe('1');
  });

  it('lists each workspace with the tools its clients are listed', async () => {
    const page = tab();
    await page.click('details[data-workspace="notes"] summary');
    const listed = await page.$$eval('details[data-workspace="notes"] li', (lis) => lis.map((li) => li.textContent ?? ''));
    const memoryTools = (await client.listTools()).tools.map((t) => t.name).filter((n) => n.startsWith('memory__'));
    expect(listed.sort()).toEqual(memoryTools.filter((n) => !n.startsWith('memory__delete_')).sort());
    expect(listed).toHaveLength(6);
    expect(await page.textContent('details[data-workspace="notes"] summary')).toBe('notes 6 tools listed');
  });

  it('shows a failing backend\'s error with its configured secret redacted', async () => {
    const page = tab();
    const [error] = await cells(page, 'tr[data-backend="failing"]', 'lastError');
    expect(error).toContain('cannot start: key *** refused');
    expect(await page.content()).not.toContain(SECRET);
    const json = await (await fetch(`${origin}/status.json`, { headers: { Authorization: `Bearer ${TOKEN}` } })).text();
    expect(json).not.toContain(SECRET);
    expect(json).toContain('cannot start: key *** refused');
  });

  it('shows a call made through /mcp without a reload', async () => {
    const page = tab();
    await page.evaluate(() => ((globalThis as unknown as { marker: string }).marker = 'same document'));
    const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'seen on the page' } });
    expect(result.isError).toBeFalsy();
    await page.waitForSelector('#calls tr[data-outcome] td[data-field="tool"]', { timeout: 10_000 });
    expect(await cells(page, '#calls tr[data-outcome]', 'tool')).toEqual(['everything__echo']);
    expect(await cells(page, '#calls tr[data-outcome]', 'backend')).toEqual(['everything']);
    expect(await cells(page, '#calls tr[data-outcome]', 'outcome')).toEqual(['ok']);
    expect((await cells(page, '#calls tr[data-outcome]', 'latency'))[0]).toMatch(/^\d+\.\d ms$/);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('same document');

    // A second call lands on top: newest first.
    await client.callTool({ name: 'memory__read_graph', arguments: {} });
    await page.waitForSelector('#calls tr[data-outcome]:nth-child(2)', { timeout: 10_000 });
    expect(await cells(page, '#calls tr[data-outcome]', 'tool')).toEqual(['memory__read_graph', 'everything__echo']);
    expect(await page.evaluate(() => (globalThis as unknown as { marker?: string }).marker)).toBe('same document');
    expect(await page.textContent('#live')).toBe('live');

    mkdirSync(join(PROJECT_ROOT, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    expect(existsSync(SCREENSHOT)).toBe(true);
  });
});
