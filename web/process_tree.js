// SPDX-License-Identifier: Apache-2.0
// Process tree: who the agent ran, as a tree, with each process's activity
// (files, connections, LLM calls), the tool call that caused it and alerts.
import { api } from './api.js';
import { argvText, clear, debounce, fmtCount, fmtMs, h } from './dom.js';
import { View } from './view.js';

const PROCESS_TYPES = new Set(['exec', 'fork', 'exit', 'file_open', 'file_unlink', 'file_rename', 'mkdir',
  'connect', 'bind', 'listen', 'accept', 'tool_exec', 'alert', 'llm_call']);

export class ProcessTreeView extends View {
  constructor(root, ctx) {
    super(root, ctx);
    this.open = new Set();    // node ids the user expanded
    this.closed = new Set();  // node ids the user collapsed
    this.filter = '';
    this.count = h('span', { class: 'muted' });
    this.search = h('input', { type: 'search', placeholder: 'filter: pid, command…', 'aria-label': 'filter processes' });
    this.search.addEventListener('input', debounce(() => {
      this.filter = this.search.value.trim().toLowerCase();
      this.render();
    }, 150));
    root.append(
      h('div', { class: 'toolbar' }, this.search,
        h('button', { type: 'button', text: 'Expand all', onclick: () => this.expandAll(true) }),
        h('button', { type: 'button', text: 'Collapse all', onclick: () => this.expandAll(false) }),
        h('span', { class: 'spacer' }), this.count),
      this.treeEl = h('div', { class: 'tree-scroll' }));
    this.nodes = [];
  }

  wants(batch) {
    return batch.some((e) => PROCESS_TYPES.has(e.type));
  }

  async load() {
    const { nodes } = await api.processTree();
    this.nodes = nodes;
    this.render();
  }

  inRange(n) {
    const r = this.ctx.range();
    if (!r.since) return true;
    const since = Number(r.since);
    const until = Number(r.until);
    return n.start <= until && (n.end == null || n.end >= since);
  }

  render() {
    const scroll = this.treeEl.scrollTop;
    const byId = new Map();
    const kids = new Map();
    const shown = this.nodes.filter((n) => this.inRange(n));
    for (const n of shown) byId.set(n.id, n);
    const roots = [];
    for (const n of shown) {
      if (n.parent >= 0 && byId.has(n.parent)) {
        if (!kids.has(n.parent)) kids.set(n.parent, []);
        kids.get(n.parent).push(n);
      } else {
        roots.push(n);
      }
    }
    // Alerts below a collapsed node must still be visible from above.
    const alertsBelow = new Map();
    const countAlerts = (n) => {
      let a = n.alerts;
      for (const c of kids.get(n.id) || []) a += countAlerts(c);
      alertsBelow.set(n.id, a);
      return a;
    };
    roots.forEach(countAlerts);

    let matches = null;
    if (this.filter) {
      matches = new Set();
      for (const n of shown) {
        const text = `${n.pid} ${n.comm} ${argvText(n)} ${n.tool_call_id || ''}`.toLowerCase();
        if (!text.includes(this.filter)) continue;
        // keep the path to every match visible
        for (let x = n; x; x = byId.get(x.parent)) matches.add(x.id);
      }
    }
    this.ctxTree = { kids, alertsBelow, matches, total: shown.length };
    const ul = h('ul', { class: 'tree' });
    for (const r of roots) if (!matches || matches.has(r.id)) ul.append(this.renderNode(r, 0));
    clear(this.treeEl).append(shown.length ? ul : h('div', { class: 'empty', text: 'No processes in this range.' }));
    this.treeEl.scrollTop = scroll;
    const alerts = shown.reduce((a, n) => a + n.alerts, 0);
    this.count.textContent = `${fmtCount(shown.length)} processes${alerts ? ` · ${alerts} alerts` : ''}`;
  }

  isOpen(n, depth) {
    if (this.open.has(n.id)) return true;
    if (this.closed.has(n.id)) return false;
    if (this.ctxTree.matches) return true;
    return depth < (this.ctxTree.total > 400 ? 2 : 6);
  }

  renderNode(n, depth) {
    const { kids, alertsBelow, matches } = this.ctxTree;
    const children = (kids.get(n.id) || []).filter((c) => !matches || matches.has(c.id));
    const li = h('li', { dataset: { id: n.id, pid: n.pid } });
    let open = children.length > 0 && this.isOpen(n, depth);
    const toggle = h('button', {
      type: 'button', class: 'toggle', 'aria-label': 'expand',
      text: children.length ? (open ? '▾' : '▸') : '·',
      disabled: !children.length,
    });
    const below = alertsBelow.get(n.id) - n.alerts;
    const dur = n.end != null ? fmtMs((n.end - n.start) / 1e6) : 'running';
    const row = h('div', { class: `node-row${n.alerts ? ' has-alert' : ''}`, title: 'details' },
      toggle,
      h('span', { class: 'pid', text: n.pid }),
      h('span', { class: 'comm', text: n.comm }),
      h('code', { class: 'argv', text: argvText(n) }),
      h('span', { class: 'spacer' }),
      n.tool_call_id ? h('span', { class: 'chip tool', text: `${n.tool_name || 'tool'} ${n.tool_call_id}` }) : null,
      n.llm_calls ? h('span', { class: 'chip llm', text: `${n.llm_calls} LLM` }) : null,
      n.files ? h('span', { class: 'chip', text: `${fmtCount(n.files)} files` }) : null,
      n.connects ? h('span', { class: 'chip', text: `${fmtCount(n.connects)} conn` }) : null,
      n.alerts ? h('span', { class: 'chip bad', text: `⚠ ${n.alert_rules.join(', ') || n.alerts}` }) : null,
      below > 0 && !open ? h('span', { class: 'chip bad', text: `⚠ ${below} below` }) : null,
      h('span', { class: 'muted dur', text: dur }),
      n.end != null ? h('span', { class: `chip ${n.signal || n.exit_code ? 'bad' : 'ok'}`, text: n.signal ? `sig ${n.signal}` : `exit ${n.exit_code}` }) : null);
    row.addEventListener('click', (e) => {
      if (e.target === toggle) return;
      this.ctx.showProcess(n);
    });
    li.append(row);
    const renderKids = () => {
      const ul = h('ul');
      for (const c of children) ul.append(this.renderNode(c, depth + 1));
      li.append(ul);
    };
    // Children are built only when opened, so huge trees cost little.
    if (open) renderKids();
    toggle.addEventListener('click', () => {
      open = !open;
      (open ? this.open : this.closed).add(n.id);
      (open ? this.closed : this.open).delete(n.id);
      const ul = li.querySelector(':scope > ul');
      if (open && !ul) renderKids();
      else if (ul) ul.hidden = !open;
      toggle.textContent = open ? '▾' : '▸';
    });
    return li;
  }

  expandAll(open) {
    this.open.clear();
    this.closed.clear();
    for (const n of this.nodes) (open ? this.open : this.closed).add(n.id);
    this.render();
  }

  reveal(nodeId) {
    const byId = new Map(this.nodes.map((n) => [n.id, n]));
    for (let x = byId.get(nodeId); x; x = byId.get(x.parent)) {
      this.open.add(x.id);
      this.closed.delete(x.id);
    }
    this.render();
    const el = this.treeEl.querySelector(`li[data-id="${Number(nodeId)}"] > .node-row`);
    if (el) {
      el.scrollIntoView({ block: 'center' });
      el.classList.add('flash');
      setTimeout(() => el.classList.remove('flash'), 1500);
    }
  }
}
