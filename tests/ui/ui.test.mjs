// SPDX-License-Identifier: Apache-2.0
// Browser tests of the web UI against `agentsight serve` on a recorded
// Claude Code-like session (tests/data/ui/claude_session.jsonl): the user's
// prompt, the Bash tool call linked to the `cat /etc/hostname` it ran, the
// process tree, the timeline's links, the event log, and the access checks.
// Run: node --test tests/ui/   (screenshots go to build/ui-artifacts/)
import assert from 'node:assert/strict';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { artifact, launchBrowser, rawRequest, repoRoot, startServer } from './harness.mjs';

const FIXTURE = path.join(repoRoot, 'tests/data/ui/claude_session.jsonl');

describe('agentsight web UI', () => {
  let server;
  let browser;
  let page;
  const pageErrors = [];

  before(async () => {
    server = await startServer(FIXTURE);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
  });

  after(async () => {
    if (browser) await browser.close();
    if (server) await server.stop();
  });

  it('drops the token from the address bar and keeps it in an HttpOnly cookie', async () => {
    assert.equal(new URL(page.url()).search, '');
    const cookies = await page.context().cookies();
    const c = cookies.find((x) => x.name === `agentsight_token_${server.port}`);
    assert.ok(c, 'token cookie set');
    assert.equal(c.httpOnly, true);
    assert.equal(c.sameSite, 'Strict');
    assert.equal(await page.evaluate(() => document.cookie), '', 'not readable from JS');
  });

  it('shows the user prompt and the Bash call linked to the command it ran', async () => {
    await page.click('#tab-conversation');
    const turns = page.locator('.turn');
    assert.equal(await turns.count(), 2);
    assert.match(await turns.nth(0).locator('.msg.user').innerText(), /what is the hostname/);
    const call = page.locator('.tool-call[data-call-id="toolu_1"]');
    assert.equal(await call.locator('.tool-name').innerText(), 'Bash');
    assert.equal(await call.locator('.tool-arg').innerText(), 'cat /etc/hostname');
    const cmds = await call.locator('.linked-cmd code').allInnerTexts();
    assert.deepEqual(cmds, ['/bin/bash -c cat /etc/hostname', 'cat /etc/hostname']);
    assert.deepEqual(await call.locator('.linked-files li').allInnerTexts(), ['/etc/hostname']);
    assert.match(await call.locator('.tool-links').innerText(), /exit 0/);
    assert.match(await turns.nth(0).locator('.turn-head').innerText(), /in 1,520/);
    assert.match(await turns.nth(0).locator('.turn-head').innerText(), /TTFT 413 ms|TTFT 412 ms/);
    assert.match(await turns.nth(1).locator('.msg.assistant').innerText(), /devbox-42/);
    assert.match(await turns.nth(1).locator('.msg.tool-result').innerText(), /devbox-42/);
    await page.screenshot({ path: artifact('conversation.png'), fullPage: true });
  });

  it('opens the full request only on demand', async () => {
    const req = page.locator('.turn').nth(1).locator('details.request');
    assert.match(await req.locator('summary').innerText(), /3 messages/);
    await req.locator('summary').click();
    await req.locator('.request-body .msg').first().waitFor();
    assert.equal(await req.locator('.request-body .msg').count(), 3);
  });

  it('draws the process tree claude → bash → cat with activity counts', async () => {
    await page.click('#tab-processes');
    const cat = page.locator('li[data-pid="4100"] li[data-pid="4201"] li[data-pid="4202"] > .node-row');
    await cat.waitFor();
    const text = await cat.innerText();
    assert.match(text, /cat \/etc\/hostname/);
    assert.match(text, /1 files/);
    assert.match(text, /Bash toolu_1/);
    await cat.click();
    await page.waitForSelector('#details:not([hidden])');
    assert.match(await page.locator('#details-title').innerText(), /pid 4202/);
    await page.screenshot({ path: artifact('process_tree.png') });
  });

  it('links an LLM call to its tool run, processes and files on the timeline', async () => {
    await page.click('#tab-timeline');
    await page.waitForFunction(() => window.agentsight.views.timeline.layout !== null);
    // Click the middle of the first LLM call's bar, found through the view's own transform.
    const pos = await page.evaluate(() => {
      const tl = window.agentsight.views.timeline;
      const lane = tl.layout.lanes.find((l) => l.key === 'llm');
      const first = [...tl.llm.values()].sort((a, b) => a.t0 - b.t0)[0];
      const r = tl.canvas.getBoundingClientRect();
      return { x: r.left + tl.X((first.t0 + first.t1) / 2), y: r.top + lane.y + 8 + 9 - tl.view.y };
    });
    await page.mouse.click(pos.x, pos.y);
    const group = await page.evaluate(() => [...window.agentsight.views.timeline.group].sort());
    assert.ok(group.some((k) => k.startsWith('llm:')), 'the call itself');
    assert.ok(group.some((k) => k.startsWith('tool:')), 'its tool run');
    assert.equal(group.filter((k) => k.startsWith('proc:')).length, 2, 'bash and cat');
    const pids = await page.evaluate(() => [...window.agentsight.views.timeline.groupPids].sort());
    assert.deepEqual(pids, [4201, 4202]);
    await page.waitForSelector('#details:not([hidden])');
    assert.match(await page.locator('#details-body').innerText(), /toolu_1/);
    const painted = await page.evaluate(() => {
      const c = window.agentsight.views.timeline.canvas;
      const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      const seen = new Set();
      for (let i = 0; i < d.length; i += 4 * 97) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
      return seen.size;
    });
    assert.ok(painted > 5, 'the canvas shows more than a background');
    await page.screenshot({ path: artifact('timeline.png') });
  });

  it('searches and filters the event log on the server', async () => {
    await page.click('#tab-events');
    await page.waitForSelector('.log-rows .log-row:not(.placeholder)');
    assert.match(await page.locator('.events .count').innerText(), /^15 events/);
    await page.fill('input[aria-label="search text"]', 'HOSTNAME');
    await page.waitForFunction(() => document.querySelector('.events .count').textContent !== '15 events');
    await page.selectOption('select[aria-label="event type"]', 'file_open');
    await page.waitForFunction(() => document.querySelector('.events .count').textContent === '1 event');
    // rows are redrawn on the next animation frame after the count
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('.log-rows .log-row');
      return rows.length === 1 && rows[0].textContent.includes('/etc/hostname');
    });
    await page.locator('.log-rows .log-row').first().click();
    assert.match(await page.locator('#details-title').innerText(), /file_open/);
    await page.screenshot({ path: artifact('event_log.png') });
  });

  it('subscribes to the live stream', async () => {
    await page.waitForSelector('#live[data-status="live"]', { timeout: 10000 });
  });

  it('refuses requests without the token', async () => {
    const res = await fetch(`${server.origin}/api/events`);
    assert.equal(res.status, 401);
    const fresh = await browser.newPage();
    const resp = await fresh.goto(`${server.origin}/`);
    assert.equal(resp.status(), 401);
    assert.match(await fresh.locator('body').innerText(), /access token/);
    await fresh.close();
  });

  it('answers traversal attempts with 404, foreign Host with 403, and sends no CORS header', async () => {
    const auth = { Authorization: `Bearer ${server.token}` };
    for (const target of ['/../../etc/passwd', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/%2E%2E/etc/passwd']) {
      const r = await rawRequest(server.port, target, auth);
      assert.equal(r.status, 404, target);
      assert.doesNotMatch(r.body, /root:/);
    }
    const rebind = await rawRequest(server.port, '/api/stats', { ...auth, Host: `attacker.example:${server.port}` });
    assert.equal(rebind.status, 403);
    const ok = await rawRequest(server.port, '/api/stats', { ...auth, Origin: 'http://attacker.example' });
    assert.equal(ok.status, 200);
    assert.equal(ok.headers['access-control-allow-origin'], undefined);
  });

  it('ran without page errors', () => {
    assert.deepEqual(pageErrors, []);
  });
});
