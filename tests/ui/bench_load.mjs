// SPDX-License-Identifier: Apache-2.0
// Benchmark, not a test: how fast the UI becomes usable on a 100k-event
// trace. Generates the trace, serves it with `agentsight serve`, drives the
// system chromium and prints the timings (ms).
// Run: node tests/ui/bench_load.mjs [events=100000]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { launchBrowser, startServer } from './harness.mjs';

const TARGET = Number(process.argv[2] || 100000);
const MS = 1000000n;

// A long Claude Code-like session: each turn an LLM call asks for a Bash
// command, which forks bash and a child that reads hundreds of files.
function generate(file) {
  const lines = [];
  let ts = 1767225600000000000n;
  const push = (o) => lines.push(JSON.stringify(o, (_, v) => (typeof v === 'bigint' ? Number(v) : v)).replace(/"ts":(\d+)/, () => `"ts":${o.ts}`));
  push({ type: 'session_start', ts, session_id: 'bench', agent: 'claude', pid: 1000 });
  push({ type: 'exec', ts: ts + 1n, pid: 1000, ppid: 1, comm: 'claude', uid: 1000, filename: '/usr/bin/claude', argv: ['claude'] });
  const perTurn = 400;
  const turns = Math.max(1, Math.floor(TARGET / perTurn));
  let pid = 2000;
  for (let t = 0; t < turns; t++) {
    ts += 50n * MS;
    const id = `toolu_${t}`;
    const cmd = `grep -r TODO src/module${t}`;
    push({
      type: 'llm_call', ts, pid: 1000, comm: 'claude', conn: '1000:1', provider: 'anthropic', model: 'claude-sonnet-4-5', stream: true, status: 200,
      request: { system: 'You are Claude Code.', messages: [{ role: 'user', content: `step ${t}` }], tools: [{ name: 'Bash' }] },
      user_prompt: t === 0 ? 'find every TODO in the code base' : '',
      tool_results: t ? [{ tool_call_id: `toolu_${t - 1}`, content: `src/module${t - 1}/a.c: TODO fix`, is_error: false }] : [],
      response: { text: `Looking at module ${t}.`, thinking: '', tool_calls: [{ id, name: 'Bash', input: { command: cmd } }], stop_reason: 'tool_use' },
      usage: { input_tokens: 1000 + t, output_tokens: 40, cache_read_tokens: 9000, cache_creation_tokens: 0 },
      error: '', start: Number(ts), ttft_ms: 300, duration_ms: 900, incomplete: false,
    });
    ts += 1000n * MS;
    const bash = pid++;
    const child = pid++;
    const start = ts;
    push({ type: 'fork', ts, pid: 1000, ppid: 1, comm: 'claude', child_pid: bash });
    push({ type: 'exec', ts: ts + 1n * MS, pid: bash, ppid: 1000, comm: 'bash', uid: 1000, filename: '/usr/bin/bash', argv: ['/bin/bash', '-c', cmd] });
    push({ type: 'fork', ts: ts + 2n * MS, pid: bash, ppid: 1000, comm: 'bash', child_pid: child });
    push({ type: 'exec', ts: ts + 3n * MS, pid: child, ppid: bash, comm: 'grep', uid: 1000, filename: '/usr/bin/grep', argv: ['grep', '-r', 'TODO', `src/module${t}`] });
    for (let f = 0; f < perTurn - 10; f++) {
      push({ type: 'file_open', ts: ts + 4n * MS + BigInt(f) * 100000n, pid: child, ppid: bash, comm: 'grep', path: `/home/dev/project/src/module${t}/file${f}.c`, flags: 0, ret: 3, count: 1 });
    }
    push({ type: 'connect', ts: ts + 50n * MS, pid: 1000, ppid: 1, comm: 'claude', family: 'inet', addr: '160.79.104.10', port: 443, ret: 0 });
    if (t % 50 === 7) push({ type: 'alert', ts: ts + 60n * MS, rule: 'sensitive_file_read', severity: 'high', message: 'read ~/.ssh/id_ed25519', pids: [child], refs: [] });
    ts += 80n * MS;
    push({ type: 'exit', ts, pid: child, ppid: bash, comm: 'grep', exit_code: 0, signal: 0, duration_ns: 77 * 1e6 });
    push({ type: 'exit', ts: ts + 1n * MS, pid: bash, ppid: 1000, comm: 'bash', exit_code: 0, signal: 0, duration_ns: 81 * 1e6 });
    push({ type: 'tool_exec', ts: start, call_id: id, tool_name: 'Bash', pids: [bash, child], files: [`src/module${t}`], connections: [], exit_code: 0, duration_ms: 81 });
  }
  push({ type: 'exit', ts: ts + 10n * MS, pid: 1000, ppid: 1, comm: 'claude', exit_code: 0, signal: 0, duration_ns: 1 });
  push({ type: 'session_end', ts: ts + 11n * MS, session_id: 'bench' });
  writeFileSync(file, `${lines.join('\n')}\n`);
  return lines.length;
}

async function timed(label, results, fn) {
  const t0 = performance.now();
  await fn();
  results[label] = Math.round(performance.now() - t0);
}

const dir = mkdtempSync(path.join(os.tmpdir(), 'agentsight-bench-'));
const trace = path.join(dir, 'trace.jsonl');
const n = generate(trace);
const results = { events: n };
let server;
let browser;
try {
  await timed('server_load_ms', results, async () => { server = await startServer(trace, { timeoutMs: 300000 }); });
  browser = await launchBrowser();
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await timed('conversation_interactive_ms', results, async () => {
    await page.goto(server.url);
    await page.waitForSelector('body[data-ready="1"]', { timeout: 120000 });
  });
  await timed('event_log_first_rows_ms', results, async () => {
    await page.click('#tab-events');
    await page.waitForSelector('.log-rows .log-row:not(.placeholder)');
  });
  await timed('event_log_jump_to_middle_ms', results, async () => {
    await page.evaluate(() => { const s = document.querySelector('.log-scroll'); s.scrollTop = s.scrollHeight / 2; });
    await page.waitForFunction(() => {
      const rows = document.querySelectorAll('.log-rows .log-row');
      return rows.length > 0 && !document.querySelector('.log-rows .placeholder');
    });
  });
  const before = await page.locator('.events .count').innerText();
  await timed('event_log_text_search_ms', results, async () => {
    // the input is debounced 250 ms; that wait is part of what a user sees
    await page.fill('input[aria-label="search text"]', 'file17.c');
    await page.waitForFunction((b) => document.querySelector('.events .count').textContent !== b, before, { timeout: 60000 });
  });
  await timed('timeline_first_draw_ms', results, async () => {
    await page.click('#tab-timeline');
    await page.waitForFunction(() => window.agentsight.views.timeline.layout !== null, { timeout: 60000 });
  });
  results.timeline_frame_ms = await page.evaluate(() => {
    const tl = window.agentsight.views.timeline;
    const t0 = performance.now();
    for (let i = 0; i < 20; i++) { tl.zoomBy(1.2); tl.draw(); }
    return Math.round(((performance.now() - t0) / 20) * 10) / 10;
  });
  await timed('process_tree_ms', results, async () => {
    await page.click('#tab-processes');
    await page.waitForSelector('.tree .node-row');
  });
  results.js_heap_mb = await page.evaluate(() => (performance.memory ? Math.round(performance.memory.usedJSHeapSize / 1e6) : null));
} finally {
  if (browser) await browser.close();
  if (server) await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
console.log(JSON.stringify(results, null, 2));
