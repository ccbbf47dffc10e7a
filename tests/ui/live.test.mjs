// SPDX-License-Identifier: Apache-2.0
// Issue 8: the web UI of a live recording updates without a reload. Starts
// `agentsight record --ui --port 0 -- sh -c 'sleep 5; /bin/echo MARKER; sleep 3'`
// (root: record attaches BPF probes), opens the printed URL before the echo
// runs, and waits for the echo (with its marker) to show up in the process
// tree and in the event log, with no navigation in between.
// Run: node --test tests/ui/live.test.mjs   (screenshots go to build/ui-artifacts/)
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { agentsightBinary, artifact, launchBrowser } from './harness.mjs';

const MARKER = `live-marker-${process.pid}-${Math.floor(Math.random() * 1e9)}`;

// Starts `agentsight record --ui --port 0 ...` and resolves with the UI URL
// from the "agentsight UI: http://127.0.0.1:PORT/?token=..." stderr line.
function startRecording(outFile, script, { timeoutMs = 60000 } = {}) {
  const bin = agentsightBinary();
  const child = spawn(bin, ['record', '--ui', '--port', '0', '-o', outFile, '--', 'sh', '-c', script],
    { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  let stdout = '';
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  child.stdout.on('data', (d) => { stdout += d; });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no "agentsight UI:" line within ${timeoutMs} ms; stderr:\n${stderr}`));
    }, timeoutMs);
    child.stderr.on('data', (d) => {
      stderr += d;
      const m = /agentsight UI: (http:\/\/\S+)/.exec(stderr);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        child,
        url: m[1],
        exited,
        output: () => ({ stdout, stderr }),
        stop: async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill('SIGTERM');
            setTimeout(() => child.kill('SIGKILL'), 10000).unref();
          }
          return exited;
        },
      });
    });
    exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`${bin} record exited with ${code} before printing the UI URL; stderr:\n${stderr}`));
    });
  });
}

describe('agentsight web UI on a live recording', () => {
  let rec;
  let browser;
  let page;
  let tmp;
  let loads = 0;
  const pageErrors = [];

  before(async () => {
    if (process.getuid && process.getuid() !== 0) {
      // record needs root; under CI=true this fails (never skips).
      throw new Error('the live UI test runs `agentsight record`, which needs root');
    }
    tmp = mkdtempSync(path.join(os.tmpdir(), 'agentsight-ui-live-'));
    rec = await startRecording(path.join(tmp, 'live.jsonl'), `sleep 5; /bin/echo ${MARKER}; sleep 3`);
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => { if (m.type() === 'error') pageErrors.push(m.text()); });
    await page.goto(rec.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 15000 });
    // A reload would lose this flag (tab switches only change the hash).
    page.on('load', () => { loads += 1; });
    await page.evaluate(() => { window.__liveTestNoReload = true; });
  });

  after(async () => {
    if (browser) await browser.close();
    if (rec) await rec.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('is live, and the echo has not run yet when the page opens', async () => {
    await page.waitForSelector('#live[data-status="live"]', { timeout: 10000 });
    // The sh that will run it is there (its argv holds the marker), the echo is not.
    const tree = await page.evaluate(async () => (await fetch('/api/process_tree')).json());
    assert.ok(!tree.nodes.some((n) => n.comm === 'echo'), 'the echo must not have run yet');
  });

  it('shows the new echo process in the process tree without a reload', async () => {
    await page.click('#tab-processes');
    // The echo's own row: its argv is exactly `/bin/echo MARKER` (the sh row's
    // argv also contains the marker, inside `sh -c ...`).
    const argv = page.locator('.node-row code.argv', { hasText: new RegExp(`^/bin/echo ${MARKER}$`) });
    await argv.first().waitFor({ timeout: 20000 });
    assert.match(await argv.first().locator('xpath=..').innerText(), /\becho\b/);
    assert.equal(await page.evaluate(() => window.__liveTestNoReload), true, 'the page was reloaded');
    assert.equal(loads, 0, 'the page loaded again');
    await page.screenshot({ path: artifact('live_process_tree.png') });
  });

  it('lists the echo exec in the event log', async () => {
    await page.click('#tab-events');
    await page.fill('input[aria-label="search text"]', MARKER);
    await page.waitForFunction((marker) => [...document.querySelectorAll('.log-rows .log-row')]
      .some((r) => r.textContent.includes(`/bin/echo ${marker}`) && !r.textContent.includes('sleep')
        && r.textContent.includes('exec')), MARKER, { timeout: 20000 });
    assert.equal(await page.evaluate(() => window.__liveTestNoReload), true, 'the page was reloaded');
    assert.equal(loads, 0, 'the page loaded again');
    await page.screenshot({ path: artifact('live_event_log.png') });
  });

  it('ran without page errors while recording', () => {
    assert.deepEqual(pageErrors, []);
  });

  it('records the same process to the trace file', async () => {
    const { code } = await rec.exited;
    assert.equal(code, 0, `record exited with ${code}:\n${rec.output().stderr}`);
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(path.join(tmp, 'live.jsonl'), 'utf8').trim().split('\n');
    const execs = lines.filter((l) => l.includes('"type":"exec"') && l.includes('"comm":"echo"') && l.includes(MARKER));
    assert.equal(execs.length, 1, 'one exec of the echo in live.jsonl');
  });
});
