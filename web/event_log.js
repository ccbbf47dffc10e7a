// SPDX-License-Identifier: Apache-2.0
// Event log: every event, filtered and paged by the server, shown through a
// virtual list: only the rows on screen exist in the DOM, and only the pages
// they need are fetched, so 100k events scroll like 100.
import { api } from './api.js';
import { clear, debounce, fmtClock, fmtCount, h, jsonBlock, summarize } from './dom.js';
import { View } from './view.js';

const ROW_H = 24;
const PAGE = 200;
const OVERSCAN = 20;

const countText = (n) => `${fmtCount(n)} event${n === 1 ? '' : 's'}`;

export class EventLogView extends View {
  constructor(root, ctx) {
    super(root, ctx, { liveInterval: 500 });
    this.filter = { type: '', pid: '', q: '' };
    this.total = 0;
    this.pages = new Map();  // page index -> items, or a Promise while loading
    this.generation = 0;
    this.follow = false;

    this.typeSel = h('select', { 'aria-label': 'event type' }, h('option', { value: '', text: 'all types' }));
    this.pidIn = h('input', { type: 'search', inputmode: 'numeric', placeholder: 'pid', size: 7, 'aria-label': 'pid' });
    this.textIn = h('input', { type: 'search', placeholder: 'search text…', 'aria-label': 'search text' });
    this.followIn = h('input', { type: 'checkbox' });
    this.count = h('span', { class: 'muted count' });
    const changed = () => this.setFilter({ type: this.typeSel.value, pid: this.pidIn.value.trim(), q: this.textIn.value });
    this.typeSel.addEventListener('change', changed);
    this.pidIn.addEventListener('input', debounce(changed, 250));
    this.textIn.addEventListener('input', debounce(changed, 250));
    this.followIn.addEventListener('change', () => {
      this.follow = this.followIn.checked;
      if (this.follow) this.scrollToEnd();
    });

    this.spacer = h('div', { class: 'log-spacer' });
    this.rows = h('div', { class: 'log-rows' });
    this.scroller = h('div', { class: 'log-scroll', tabindex: 0 }, this.spacer, this.rows);
    this.scroller.addEventListener('scroll', () => this.requestRender(), { passive: true });
    new ResizeObserver(() => this.requestRender()).observe(this.scroller);
    root.append(
      h('div', { class: 'toolbar' }, this.typeSel, this.pidIn, this.textIn,
        h('label', { class: 'follow' }, this.followIn, ' follow'),
        h('span', { class: 'spacer' }), this.count),
      h('div', { class: 'log-head log-row' },
        h('span', { class: 'c-time', text: 'time' }), h('span', { class: 'c-type', text: 'type' }),
        h('span', { class: 'c-pid', text: 'pid' }), h('span', { class: 'c-comm', text: 'comm' }),
        h('span', { class: 'c-sum', text: 'what' })),
      this.scroller);
  }

  setTypes(types) {
    const cur = this.typeSel.value;
    clear(this.typeSel).append(h('option', { value: '', text: 'all types' }));
    for (const [name, n] of Object.entries(types)) {
      this.typeSel.append(h('option', { value: name, text: `${name} (${fmtCount(n)})` }));
    }
    this.typeSel.value = cur;
  }

  setFilter(f) {
    Object.assign(this.filter, f);
    this.typeSel.value = this.filter.type;
    this.pidIn.value = this.filter.pid;
    this.textIn.value = this.filter.q;
    this.pages.clear();
    this.generation++;
    this.scroller.scrollTop = 0;
    this.stale = true;
    if (this.visible) this.refresh();
  }

  reset() {
    this.pages.clear();
    this.generation++;
    super.reset();
  }

  params(page) {
    return {
      ...this.ctx.range(),
      type: this.filter.type,
      pid: this.filter.pid,
      q: this.filter.q,
      offset: page * PAGE,
      limit: PAGE,
    };
  }

  // Live: the total may have grown. Refetch the first visible page (which
  // carries the total) and drop cached pages at the end that were partial.
  async load() {
    const gen = this.generation;
    const first = Math.floor(this.scroller.scrollTop / ROW_H / PAGE);
    const res = await api.events(this.params(first));
    if (gen !== this.generation) return;
    const lastFull = Math.floor(this.total / PAGE);
    for (const k of [...this.pages.keys()]) if (k >= lastFull) this.pages.delete(k);
    this.pages.set(first, res.items);
    this.total = res.total;
    this.count.textContent = countText(res.total);
    this.spacer.style.height = `${this.total * ROW_H}px`;
    if (this.follow) this.scrollToEnd();
    this.requestRender();
  }

  scrollToEnd() {
    this.scroller.scrollTop = this.scroller.scrollHeight;
  }

  fetchPage(p) {
    if (this.pages.has(p)) return;
    const gen = this.generation;
    const req = api.events(this.params(p)).then((res) => {
      if (gen !== this.generation) return;
      this.pages.set(p, res.items);
      if (res.total !== this.total) {
        this.total = res.total;
        this.spacer.style.height = `${this.total * ROW_H}px`;
        this.count.textContent = countText(res.total);
      }
      this.requestRender();
    }).catch((err) => {
      this.pages.delete(p);
      this.ctx.reportError(err);
    });
    this.pages.set(p, req);
  }

  requestRender() {
    if (this.renderPending) return;
    this.renderPending = true;
    requestAnimationFrame(() => {
      this.renderPending = false;
      if (this.visible) this.renderRows();
    });
  }

  renderRows() {
    const top = this.scroller.scrollTop;
    const hgt = this.scroller.clientHeight;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(this.total, Math.ceil((top + hgt) / ROW_H) + OVERSCAN);
    const frag = document.createDocumentFragment();
    for (let i = first; i < last; i++) {
      const page = this.pages.get(Math.floor(i / PAGE));
      if (!Array.isArray(page)) {
        this.fetchPage(Math.floor(i / PAGE));
        frag.append(h('div', { class: 'log-row placeholder', text: '…' }));
        continue;
      }
      const e = page[i % PAGE];
      frag.append(e ? this.renderRow(e) : h('div', { class: 'log-row placeholder' }));
    }
    this.rows.style.transform = `translateY(${first * ROW_H}px)`;
    clear(this.rows).append(frag);
    if (!this.total) this.rows.append(h('div', { class: 'empty', text: 'No events match.' }));
  }

  renderRow(e) {
    const row = h('div', { class: `log-row t-${e.type}`, dataset: { seq: e._seq } },
      h('span', { class: 'c-time', text: fmtClock(e.ts) }),
      h('span', { class: 'c-type' }, h('span', { class: `type type-${e.type}`, text: e.type })),
      h('span', { class: 'c-pid', text: e.pid || '' }),
      h('span', { class: 'c-comm', text: e.comm || '' }),
      h('span', { class: 'c-sum', text: summarize(e) }));
    row.addEventListener('click', () => this.details(e));
    return row;
  }

  async details(e) {
    // Rows in a page are complete events already, except clipped TLS data.
    const full = e._clipped ? await api.event(e._seq) : e;
    const actions = [];
    if (full.pid) actions.push(h('button', { type: 'button', text: `Only pid ${full.pid}`, onclick: () => this.setFilter({ pid: String(full.pid) }) }));
    if (full.type === 'llm_call') actions.push(h('button', { type: 'button', text: 'Open in conversation', onclick: () => this.ctx.openTurn(full._seq) }));
    this.ctx.showDetails(`${full.type} #${full._seq} · ${fmtClock(full.ts)}`,
      h('div', null, h('p', { class: 'summary', text: summarize(full) }), h('div', { class: 'actions' }, actions),
        jsonBlock(full, { limit: 6000, lines: 120 })));
  }
}
