// SPDX-License-Identifier: Apache-2.0
// DOM building and formatting shared by the views.
// Everything captured is attacker-controlled text (prompts, file names, web
// pages an agent read), so the UI only ever sets textContent: never innerHTML.

export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === undefined || v === null || v === false) continue;
      if (k === 'class') el.className = v;
      else if (k === 'text') el.textContent = v;
      else if (k === 'dataset') Object.assign(el.dataset, v);
      else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

export function clear(el) {
  while (el.firstChild) el.removeChild(el.firstChild);
  return el;
}

// Long bodies fold: a preview stays visible, the rest opens on demand.
export function fold(text, { limit = 600, lines = 10, cls = '' } = {}) {
  text = text == null ? '' : String(text);
  const nl = countLines(text, lines + 1);
  if (text.length <= limit && nl <= lines) return h('div', { class: `text ${cls}`, text });
  const preview = text.split('\n').slice(0, Math.min(lines, 4)).join('\n').slice(0, 280);
  return h('details', { class: `fold ${cls}` },
    h('summary', null,
      h('span', { class: 'preview', text: preview + '…' }),
      h('span', { class: 'more', text: `show all · ${fmtCount(text.length)} chars` })),
    h('div', { class: 'text', text }));
}

function countLines(s, stop) {
  let n = 1;
  for (let i = s.indexOf('\n'); i !== -1 && n < stop; i = s.indexOf('\n', i + 1)) n++;
  return n;
}

export function jsonBlock(value, opts) {
  return fold(JSON.stringify(value, null, 2), { cls: 'json', ...opts });
}

export const fmtCount = (n) => (n == null ? '–' : Number(n).toLocaleString('en-US'));

// Epoch ns (number or decimal string) -> "HH:MM:SS.mmm" local time.
export function fmtClock(ns) {
  if (ns == null) return '';
  const ms = typeof ns === 'string' ? Number(BigInt(ns) / 1000000n) : ns / 1e6;
  const d = new Date(ms);
  const p = (v, n = 2) => String(v).padStart(n, '0');
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

export function fmtDate(ns) {
  if (ns == null) return '';
  const ms = typeof ns === 'string' ? Number(BigInt(ns) / 1000000n) : ns / 1e6;
  return new Date(ms).toLocaleString();
}

export function fmtMs(ms) {
  if (ms == null || Number.isNaN(ms)) return '–';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  if (ms < 60000) return `${(ms / 1000).toFixed(2)} s`;
  const m = Math.floor(ms / 60000);
  return `${m} min ${((ms % 60000) / 1000).toFixed(0)} s`;
}

export function argvText(node) {
  if (!node) return '';
  if (node.argv && node.argv.length) return node.argv.join(' ');
  return node.filename || node.comm || '';
}

// One line that says what an event was, for the log and tooltips.
// An alert's chain in one line: "Bash toolu_1 › claude 7100 › bash 7200 › curl 7202 · file F ·
// host H · why" (docs/correlation.md, "The chain").
export function alertChain(c) {
  if (!c || typeof c !== 'object') return '';
  const parts = [];
  if (c.call_id) parts.push(`${c.tool_name || 'tool'} ${c.call_id}`);
  for (const p of c.processes || []) parts.push(`${p.comm || '?'} ${p.pid}`);
  const tail = [c.file && `file ${c.file}`, c.host && `host ${c.host}`, c.why].filter(Boolean);
  return [parts.join(' › '), ...tail].filter(Boolean).join(' · ');
}

export function summarize(e) {
  switch (e.type) {
    case 'exec': return (e.argv && e.argv.length ? e.argv.join(' ') : e.filename) || '';
    case 'fork': return `→ child ${e.child_pid}`;
    case 'exit': return e.signal ? `killed by signal ${e.signal}` : `exit ${e.exit_code}`;
    case 'file_open': return `${e.path}${e.ret < 0 ? `  (error ${e.ret})` : ''}${e.count > 1 ? `  ×${e.count}` : ''}`;
    case 'file_unlink': case 'mkdir': return e.path || '';
    case 'file_rename': return `${e.path} → ${e.new_path}`;
    case 'connect': case 'bind': case 'listen': case 'accept':
      return `${e.family === 'inet6' ? `[${e.addr}]` : e.addr}${e.port ? `:${e.port}` : ''}${e.ret < 0 ? `  (error ${e.ret})` : ''}`;
    case 'tls': return `${e.direction} ${fmtCount(e.len)} B  ${String(e.data || '').slice(0, 120)}`;
    case 'tls_handshake': return `handshake ${e.conn}`;
    case 'llm_call': {
      const what = e.user_prompt || (e.response && (e.response.text || (e.response.tool_calls || []).map((t) => t.name).join(', '))) || '';
      return `${e.model || e.provider || ''}  ${String(what).slice(0, 160)}`;
    }
    case 'tool_exec': return `${e.tool_name || ''} ${e.call_id || ''}  pids ${(e.pids || []).join(',')}`;
    case 'alert': {
      const chain = alertChain(e.chain);
      return `[${e.severity || ''}] ${e.rule}: ${e.message || ''}${chain ? `  ⟵ ${chain}` : ''}`;
    }
    default: {
      const parts = [];
      for (const [k, v] of Object.entries(e)) {
        if (k === 'type' || k === 'ts' || k === '_seq' || typeof v === 'object') continue;
        parts.push(`${k}=${v}`);
        if (parts.length > 5) break;
      }
      return parts.join(' ');
    }
  }
}

// Calls fn at most once per `ms`, always with the latest arguments, and
// always once more after the last call so no update is lost.
export function throttle(fn, ms) {
  let timer = null;
  let last = 0;
  let pendingArgs = null;
  return (...args) => {
    pendingArgs = args;
    if (timer) return;
    const wait = Math.max(0, last + ms - performance.now());
    timer = setTimeout(() => {
      timer = null;
      last = performance.now();
      const a = pendingArgs;
      pendingArgs = null;
      fn(...a);
    }, wait);
  };
}

export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
