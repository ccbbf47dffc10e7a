// SPDX-License-Identifier: Apache-2.0
// Conversation: the agent's LLM calls turn by turn, each tool call joined to
// what it actually ran (commands, files, exit codes) through tool_exec.
import { api } from './api.js';
import { argvText, clear, fmtClock, fmtCount, fmtMs, fold, h, jsonBlock } from './dom.js';
import { View } from './view.js';

const MAIN_ARG_KEYS = ['command', 'file_path', 'path', 'pattern', 'url', 'query', 'prompt'];

export class ConversationView extends View {
  constructor(root, ctx) {
    super(root, ctx);
    this.cards = new Map();  // seq -> { sig, el }
    this.list = h('div', { class: 'turns' });
    this.empty = h('div', { class: 'empty', text: 'No LLM calls captured in this range yet.' });
    root.append(this.list);
  }

  wants(batch) {
    return batch.some((e) => e.type === 'llm_call' || e.type === 'tool_exec' || e.type === 'exit');
  }

  reset() {
    clear(this.list);
    this.cards.clear();
    super.reset();
  }

  async load() {
    const { items } = await api.llmCalls(this.ctx.range());
    if (!items.length) {
      clear(this.list).append(this.empty);
      this.cards.clear();
      return;
    }
    this.empty.remove();
    // Only changed or new turns are rebuilt, so open folds and the scroll
    // position survive live updates.
    const keep = new Set();
    let prev = null;
    items.forEach((item, i) => {
      const sig = `${i}|${JSON.stringify(item)}`;
      keep.add(item.seq);
      let card = this.cards.get(item.seq);
      if (!card || card.sig !== sig) {
        const el = renderTurn(item, i + 1, this.ctx);
        if (card) card.el.replaceWith(el);
        card = { sig, el };
        this.cards.set(item.seq, card);
      }
      const want = prev ? prev.nextSibling : this.list.firstChild;
      if (want !== card.el) this.list.insertBefore(card.el, want);
      prev = card.el;
    });
    for (const [seq, card] of this.cards) {
      if (!keep.has(seq)) {
        card.el.remove();
        this.cards.delete(seq);
      }
    }
  }
}

function chip(text, cls = '') {
  return h('span', { class: `chip ${cls}`, text });
}

function contentText(c) {
  if (c == null) return '';
  if (typeof c === 'string') return c;
  if (Array.isArray(c)) {
    return c.map((b) => (b && typeof b === 'object' && 'text' in b ? b.text : JSON.stringify(b))).join('\n');
  }
  return JSON.stringify(c, null, 2);
}

function renderTurn(item, n, ctx) {
  const c = item.call || {};
  const u = c.usage || {};
  const r = c.response || {};
  const links = new Map((item.links || []).map((l) => [l.call_id, l]));
  const stop = r.stop_reason;
  const head = h('header', { class: 'turn-head' },
    h('span', { class: 'turn-n', text: `#${n}` }),
    h('span', { class: 'model', text: c.model || c.provider || 'LLM call' }),
    c.provider && c.model ? h('span', { class: 'muted', text: c.provider }) : null,
    h('span', { class: 'muted clock', text: fmtClock(item.start_ns) }),
    h('span', { class: 'spacer' }),
    chip(`in ${fmtCount(u.input_tokens)}`, 'tok'),
    chip(`out ${fmtCount(u.output_tokens)}`, 'tok'),
    u.cache_read_tokens ? chip(`cache ${fmtCount(u.cache_read_tokens)}`, 'tok') : null,
    c.ttft_ms != null ? chip(`TTFT ${fmtMs(c.ttft_ms)}`) : null,
    chip(fmtMs(c.duration_ms)),
    stop ? chip(stop, 'stop') : null,
    c.status && c.status !== 200 ? chip(`HTTP ${c.status}`, 'bad') : null,
    c.incomplete ? chip('incomplete', 'warn') : null);

  const body = h('div', { class: 'turn-body' });
  if (c.user_prompt) {
    body.append(h('div', { class: 'msg user' },
      h('div', { class: 'who', text: 'User' }), fold(c.user_prompt, { limit: 1500, lines: 20 })));
  }
  for (const tr of c.tool_results || []) {
    body.append(h('div', { class: `msg tool-result${tr.is_error ? ' error' : ''}` },
      h('div', { class: 'who' }, 'Tool result ', h('span', { class: 'call-id', text: tr.tool_call_id || '' }),
        tr.is_error ? chip('error', 'bad') : null),
      fold(contentText(tr.content), { limit: 400, lines: 6 })));
  }
  if (r.thinking) {
    body.append(h('details', { class: 'msg thinking' },
      h('summary', { text: `Thinking · ${fmtCount(r.thinking.length)} chars` }),
      h('div', { class: 'text', text: r.thinking })));
  }
  if (r.text) {
    body.append(h('div', { class: 'msg assistant' },
      h('div', { class: 'who', text: 'Assistant' }), fold(r.text, { limit: 3000, lines: 40 })));
  }
  for (const tc of r.tool_calls || []) body.append(renderToolCall(tc, links.get(tc.id), ctx));
  if (c.error) {
    body.append(h('div', { class: 'msg error' }, h('div', { class: 'who', text: 'Error' }), fold(c.error)));
  }
  body.append(renderRequest(item, c.request || {}));
  return h('article', { class: 'turn', dataset: { seq: item.seq } }, head, body);
}

function renderToolCall(tc, link, ctx) {
  const input = tc.input && typeof tc.input === 'object' ? tc.input : {};
  const mainKey = MAIN_ARG_KEYS.find((k) => typeof input[k] === 'string');
  const rest = Object.fromEntries(Object.entries(input).filter(([k]) => k !== mainKey));
  return h('div', { class: 'tool-call', dataset: { callId: tc.id || '' } },
    h('div', { class: 'tool-head' },
      h('span', { class: 'tool-name', text: tc.name || 'tool' }),
      mainKey ? h('code', { class: 'tool-arg', text: input[mainKey] }) : null,
      h('span', { class: 'spacer' }),
      h('span', { class: 'call-id', text: tc.id || '' })),
    Object.keys(rest).length ? jsonBlock(rest, { limit: 300, lines: 6 }) : null,
    link && link.tool_exec ? renderLink(link, ctx) : h('div', { class: 'tool-nolink muted', text: 'no process activity linked to this call' }));
}

function exitChip(code, signal, exited = true) {
  if (!exited) return chip('running', 'warn');
  if (signal) return chip(`signal ${signal}`, 'bad');
  return chip(`exit ${code}`, code === 0 ? 'ok' : 'bad');
}

function fileText(f) {
  if (typeof f === 'string') return f;
  if (f && typeof f === 'object') return `${f.path || f.name || JSON.stringify(f)}${f.op ? ` (${f.op})` : ''}`;
  return String(f);
}

function connText(c) {
  if (typeof c === 'string') return c;
  if (c && typeof c === 'object') return c.addr ? `${c.addr}${c.port ? `:${c.port}` : ''}` : JSON.stringify(c);
  return String(c);
}

function renderLink(link, ctx) {
  const te = link.tool_exec;
  const files = te.files || [];
  const conns = te.connections || [];
  return h('div', { class: 'tool-links' },
    h('div', { class: 'link-meta' },
      h('span', { class: 'muted', text: `ran ${fmtMs(te.duration_ms)}` }),
      te.exit_code != null ? exitChip(te.exit_code, 0) : null),
    link.processes.length ? h('div', { class: 'linked-cmds' }, link.processes.map((p) =>
      h('div', {
        class: 'linked-cmd',
        title: 'show this process',
        onclick: () => ctx.showProcess(p),
      },
      h('span', { class: 'pid', text: p.pid }),
      h('code', { text: argvText(p) }),
      h('span', { class: 'spacer' }),
      p.files ? chip(`${p.files} files`) : null,
      p.connects ? chip(`${p.connects} conn`) : null,
      p.alerts ? chip(`${p.alerts} alerts`, 'bad') : null,
      exitChip(p.exit_code, p.signal, p.end != null)))) : null,
    files.length ? h('ul', { class: 'linked-files' }, files.slice(0, 200).map((f) => h('li', { text: fileText(f) })),
      files.length > 200 ? h('li', { class: 'muted', text: `… ${files.length - 200} more` }) : null) : null,
    conns.length ? h('ul', { class: 'linked-conns' }, conns.slice(0, 50).map((c) => h('li', { text: connText(c) }))) : null);
}

// The full request repeats the whole conversation, so it is fetched only
// when someone opens it.
function renderRequest(item, req) {
  const tools = req.tools || [];
  const summary = `Request · ${fmtCount(req.messages)} messages · system ${fmtCount(req.system_chars)} chars${tools.length ? ` · tools: ${tools.slice(0, 8).join(', ')}${tools.length > 8 ? '…' : ''}` : ''}`;
  const box = h('div', { class: 'request-body', text: 'loading…' });
  const d = h('details', { class: 'request' }, h('summary', { text: summary }), box);
  d.addEventListener('toggle', async () => {
    if (!d.open || d.dataset.loaded) return;
    d.dataset.loaded = '1';
    try {
      const full = await api.event(item.seq);
      const rq = full.request || {};
      clear(box);
      if (rq.system) box.append(h('h4', { text: 'System' }), fold(contentText(rq.system), { limit: 400, lines: 6 }));
      for (const m of rq.messages || []) {
        box.append(h('div', { class: `msg small ${m.role}` },
          h('div', { class: 'who', text: m.role }),
          fold(contentText(m.content), { limit: 400, lines: 6 }),
          m.tool_calls ? jsonBlock(m.tool_calls, { limit: 200, lines: 4 }) : null,
          m.tool_results ? jsonBlock(m.tool_results, { limit: 200, lines: 4 }) : null));
      }
      if (rq.tools && rq.tools.length) box.append(h('h4', { text: 'Tools' }), jsonBlock(rq.tools, { limit: 200, lines: 4 }));
    } catch (err) {
      box.textContent = `could not load: ${err.message}`;
    }
  });
  return d;
}
