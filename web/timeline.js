// SPDX-License-Identifier: Apache-2.0
// Timeline: one lane per kind of activity, drawn on a canvas so 100k points
// stay smooth. Wheel zooms around the cursor, drag pans, a click selects an
// item and lights up everything linked to it: an LLM call's tool calls, the
// tool runs (tool_exec.call_id), their processes (tool_exec.pids) and those
// processes' files and connections.
import { api } from './api.js';
import { fmtMs, h, jsonBlock, summarize } from './dom.js';
import { View } from './view.js';

const GUTTER = 112;
const AXIS_H = 26;
const ROW_H = 18;
const LANE_PAD = 8;
const MAX_ROWS = 80;
const FILE_TYPES = new Set(['file_open', 'file_unlink', 'file_rename', 'mkdir']);
const NET_TYPES = new Set(['connect', 'bind', 'listen', 'accept']);

export class TimelineView extends View {
  constructor(root, ctx) {
    super(root, ctx, { liveInterval: 250 });
    this.clearData();
    this.view = { t0: 0, pxPerMs: 1, y: 0 };
    this.fitted = false;
    this.group = null;
    this.selected = null;
    this.hover = null;

    this.canvas = h('canvas', { class: 'timeline-canvas', tabindex: 0, 'aria-label': 'timeline' });
    this.tip = h('div', { class: 'tip', hidden: true });
    this.info = h('span', { class: 'muted' });
    const legend = h('span', { class: 'legend' });
    for (const [k, label] of [['llm', 'LLM'], ['tool', 'tool'], ['proc', 'process'], ['file', 'file'], ['net', 'network'], ['alert', 'alert']]) {
      legend.append(h('span', { class: `key key-${k}` }), label);
    }
    const bar = h('div', { class: 'toolbar' },
      h('button', { type: 'button', onclick: () => this.fit(), text: 'Fit' }),
      h('button', { type: 'button', onclick: () => this.zoomBy(1.5), text: '+' }),
      h('button', { type: 'button', onclick: () => this.zoomBy(1 / 1.5), text: '−' }),
      h('button', { type: 'button', onclick: () => this.select(null), text: 'Clear selection' }),
      h('span', { class: 'muted hint', text: 'wheel: zoom · shift+wheel or drag: pan · click: details and links' }),
      h('span', { class: 'spacer' }), legend, this.info);
    this.wrap = h('div', { class: 'timeline-wrap' }, this.canvas, this.tip);
    root.append(bar, this.wrap);
    this.bindInput();
    new ResizeObserver(() => this.resize()).observe(this.wrap);
    this.colors = null;
    matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => { this.colors = null; this.requestDraw(); });
  }

  clearData() {
    this.llm = new Map();
    this.tools = new Map();
    this.procs = new Map();
    this.points = { file: [], net: [], alert: [] };
    this.pointSeqs = new Set();
    this.lastSeq = 0;
    this.origin = null;
    this.layout = null;
  }

  reset() {
    this.fitted = false;
    super.reset();
  }

  async load() {
    const d = await api.timeline({ after: this.lastSeq });
    if (this.origin !== null && d.origin_ns !== this.origin) this.clearData();
    this.origin = d.origin_ns;
    this.originMs = Number(BigInt(d.origin_ns) / 1000000n) + Number(BigInt(d.origin_ns) % 1000000n) / 1e6;
    for (const x of d.llm) this.llm.set(x.seq, x);
    for (const x of d.tools) this.tools.set(x.seq, x);
    for (const x of d.procs) this.procs.set(x.id, x);
    let added = false;
    for (const [seq, t, pid, type, label] of d.points) {
      if (this.pointSeqs.has(seq)) continue;
      this.pointSeqs.add(seq);
      const lane = FILE_TYPES.has(type) ? 'file' : NET_TYPES.has(type) ? 'net' : 'alert';
      this.points[lane].push({ seq, t, pid, type, label });
      added = true;
    }
    if (added) for (const k of Object.keys(this.points)) this.points[k].sort((a, b) => a.t - b.t);
    this.lastSeq = Math.max(this.lastSeq, d.last_seq);
    this.relayout();
    if (!this.fitted) this.fit();
    this.info.textContent = `${this.llm.size} calls · ${this.tools.size} tools · ${this.procs.size} processes · ${this.pointSeqs.size} points`;
    this.requestDraw();
  }

  // ---- layout ---------------------------------------------------------------

  relayout() {
    let tMin = Infinity;
    let tMax = -Infinity;
    const span = (x) => {
      if (x.t0 < tMin) tMin = x.t0;
      const end = x.t1 == null ? x.t0 : x.t1;
      if (end > tMax) tMax = end;
    };
    this.llm.forEach(span);
    this.tools.forEach(span);
    this.procs.forEach(span);
    for (const k of Object.keys(this.points)) {
      const p = this.points[k];
      if (p.length) {
        tMin = Math.min(tMin, p[0].t);
        tMax = Math.max(tMax, p[p.length - 1].t);
      }
    }
    if (tMin === Infinity) { tMin = 0; tMax = 1000; }
    this.tMin = tMin;
    this.tMax = tMax;

    const lanes = [];
    let y = AXIS_H;
    const addLane = (key, title, items, kind) => {
      const rows = kind === 'span' ? pack(items, tMax) : 1;
      const lane = { key, title, items, kind, y, rows, h: rows * ROW_H + LANE_PAD * 2 };
      lanes.push(lane);
      y += lane.h;
    };
    addLane('llm', 'LLM calls', [...this.llm.values()], 'span');
    addLane('tool', 'Tool runs', [...this.tools.values()], 'span');
    addLane('proc', 'Processes', [...this.procs.values()].sort((a, b) => a.t0 - b.t0), 'span');
    addLane('file', 'Files', this.points.file, 'point');
    addLane('net', 'Network', this.points.net, 'point');
    addLane('alert', 'Alerts', this.points.alert, 'point');
    this.layout = { lanes, height: y };

    // Link maps for selection groups.
    this.toolByCall = new Map();
    this.toolByPid = new Map();
    for (const t of this.tools.values()) {
      if (t.id) this.toolByCall.set(t.id, t);
      for (const p of t.pids || []) this.toolByPid.set(p, t);
    }
    this.llmByCall = new Map();
    for (const l of this.llm.values()) for (const id of l.tools || []) this.llmByCall.set(id, l);
    this.procsByPid = new Map();
    for (const p of this.procs.values()) {
      if (!this.procsByPid.has(p.pid)) this.procsByPid.set(p.pid, []);
      this.procsByPid.get(p.pid).push(p);
    }
    if (this.selected) this.group = this.linkGroup(this.selected);
  }

  // ---- view transform -------------------------------------------------------

  width() { return this.canvas.clientWidth; }
  height() { return this.canvas.clientHeight; }
  X(t) { return GUTTER + (t - this.view.t0) * this.view.pxPerMs; }
  T(x) { return this.view.t0 + (x - GUTTER) / this.view.pxPerMs; }

  fit() {
    const w = Math.max(100, this.width() - GUTTER - 16);
    let a = this.tMin ?? 0;
    let b = this.tMax ?? 1000;
    const r = this.ctx.range();
    if (r.since && this.origin) {
      a = Number(BigInt(r.since) - BigInt(this.origin)) / 1e6;
      b = Number(BigInt(r.until) - BigInt(this.origin)) / 1e6;
    }
    const dur = Math.max(1, b - a);
    this.view.pxPerMs = w / (dur * 1.04);
    this.view.t0 = a - dur * 0.02;
    this.view.y = 0;
    this.fitted = this.width() > 0;
    this.requestDraw();
  }

  zoomBy(f, atX = GUTTER + (this.width() - GUTTER) / 2) {
    const t = this.T(atX);
    this.view.pxPerMs = Math.min(1e6, Math.max(1e-9, this.view.pxPerMs * f));
    this.view.t0 = t - (atX - GUTTER) / this.view.pxPerMs;
    this.requestDraw();
  }

  panBy(dx, dy) {
    this.view.t0 -= dx / this.view.pxPerMs;
    const maxY = Math.max(0, (this.layout ? this.layout.height : 0) - this.height() + 20);
    this.view.y = Math.min(maxY, Math.max(0, this.view.y - dy));
    this.requestDraw();
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    const w = this.wrap.clientWidth;
    const hgt = this.wrap.clientHeight;
    if (!w || !hgt) return;
    this.canvas.width = Math.round(w * dpr);
    this.canvas.height = Math.round(hgt * dpr);
    this.canvas.style.width = `${w}px`;
    this.canvas.style.height = `${hgt}px`;
    if (!this.fitted && this.layout) this.fit();
    this.requestDraw();
  }

  // ---- input ----------------------------------------------------------------

  bindInput() {
    const c = this.canvas;
    c.addEventListener('wheel', (e) => {
      e.preventDefault();
      if (e.shiftKey || Math.abs(e.deltaX) > Math.abs(e.deltaY)) {
        this.panBy(-(e.deltaX || e.deltaY), 0);
      } else {
        const x = e.offsetX;
        this.zoomBy(Math.exp(-e.deltaY * 0.0015), Math.max(GUTTER, x));
      }
    }, { passive: false });
    let drag = null;
    c.addEventListener('pointerdown', (e) => {
      drag = { x: e.clientX, y: e.clientY, moved: 0 };
      c.setPointerCapture(e.pointerId);
    });
    c.addEventListener('pointermove', (e) => {
      if (drag) {
        const dx = e.clientX - drag.x;
        const dy = e.clientY - drag.y;
        drag.moved += Math.abs(dx) + Math.abs(dy);
        drag.x = e.clientX;
        drag.y = e.clientY;
        if (drag.moved > 3) {
          this.panBy(dx, dy);
          this.tip.hidden = true;
        }
        return;
      }
      this.hoverAt(e.offsetX, e.offsetY);
    });
    c.addEventListener('pointerup', (e) => {
      if (drag && drag.moved <= 3) this.select(this.hit(e.offsetX, e.offsetY));
      drag = null;
    });
    c.addEventListener('pointerleave', () => { this.tip.hidden = true; });
    c.addEventListener('dblclick', () => this.fit());
    c.addEventListener('keydown', (e) => {
      if (e.key === '+' || e.key === '=') this.zoomBy(1.5);
      else if (e.key === '-') this.zoomBy(1 / 1.5);
      else if (e.key === '0') this.fit();
      else if (e.key === 'ArrowLeft') this.panBy(80, 0);
      else if (e.key === 'ArrowRight') this.panBy(-80, 0);
      else if (e.key === 'Escape') this.select(null);
      else return;
      e.preventDefault();
    });
  }

  hoverAt(x, y) {
    if (this.hoverPending) {
      this.hoverPending = [x, y];
      return;
    }
    this.hoverPending = [x, y];
    requestAnimationFrame(() => {
      const [hx, hy] = this.hoverPending;
      this.hoverPending = null;
      const hit = this.hit(hx, hy);
      if (!hit) {
        this.tip.hidden = true;
        this.canvas.style.cursor = 'grab';
        return;
      }
      this.canvas.style.cursor = 'pointer';
      this.tip.textContent = this.describe(hit);
      this.tip.hidden = false;
      const w = this.wrap.clientWidth;
      this.tip.style.left = `${Math.min(hx + 14, w - 320)}px`;
      this.tip.style.top = `${hy + 14}px`;
    });
  }

  describe(hit) {
    const x = hit.item;
    switch (hit.lane) {
      case 'llm': return `LLM call ${x.label || ''} · ${fmtMs(x.t1 - x.t0)}${x.tools.length ? ` · tools ${x.tools.join(', ')}` : ''}`;
      case 'tool': return `${x.name || 'tool'} ${x.id} · ${fmtMs(x.t1 - x.t0)} · pids ${(x.pids || []).join(', ')}`;
      case 'proc': return `${x.pid} ${x.label} · ${x.t1 == null ? 'running' : `${fmtMs(x.t1 - x.t0)} · exit ${x.exit_code}`}`;
      default: return `${x.type} ${x.label} (pid ${x.pid})`;
    }
  }

  hit(x, y) {
    if (!this.layout || x < GUTTER) return null;
    const cy = y + this.view.y;
    const lane = this.layout.lanes.find((l) => cy >= l.y && cy < l.y + l.h);
    if (!lane) return null;
    const t = this.T(x);
    const tol = 4 / this.view.pxPerMs;
    if (lane.kind === 'span') {
      const row = Math.floor((cy - lane.y - LANE_PAD) / ROW_H);
      let best = null;
      for (const it of lane.items) {
        if (it._row !== row) continue;
        const end = it.t1 == null ? this.tMax : it.t1;
        if (t >= it.t0 - tol && t <= end + tol && (!best || end - it.t0 < best._d)) {
          best = it;
          best._d = end - it.t0;
        }
      }
      return best ? { lane: lane.key, item: best } : null;
    }
    const pts = lane.items;
    let i = lowerBound(pts, t - tol);
    let best = null;
    for (; i < pts.length && pts[i].t <= t + tol; i++) {
      if (!best || Math.abs(pts[i].t - t) < Math.abs(best.t - t)) best = pts[i];
    }
    return best ? { lane: lane.key, item: best } : null;
  }

  // ---- selection and links --------------------------------------------------

  keyOf(lane, item) {
    return lane === 'proc' ? `proc:${item.id}` : `${lane}:${item.seq}`;
  }

  linkGroup(sel) {
    const g = new Set([this.keyOf(sel.lane, sel.item)]);
    const pids = new Set();
    const addTool = (t) => {
      if (!t) return;
      g.add(this.keyOf('tool', t));
      const l = this.llmByCall.get(t.id);
      if (l) g.add(this.keyOf('llm', l));
      for (const p of t.pids || []) pids.add(p);
    };
    const it = sel.item;
    if (sel.lane === 'llm') {
      for (const id of it.tools || []) addTool(this.toolByCall.get(id));
    } else if (sel.lane === 'tool') {
      addTool(it);
    } else {
      const pid = it.pid;
      pids.add(pid);
      addTool(this.toolByPid.get(pid));
    }
    for (const pid of pids) for (const p of this.procsByPid.get(pid) || []) g.add(this.keyOf('proc', p));
    this.groupPids = pids;
    return g;
  }

  inGroup(laneKey, item) {
    if (!this.group) return true;
    if (laneKey === 'file' || laneKey === 'net' || laneKey === 'alert') {
      return this.groupPids.has(item.pid) || this.group.has(`${laneKey}:${item.seq}`);
    }
    return this.group.has(this.keyOf(laneKey, item));
  }

  select(hit) {
    this.selected = hit;
    this.group = hit ? this.linkGroup(hit) : null;
    this.requestDraw();
    if (hit) this.showDetails(hit);
  }

  async showDetails(hit) {
    const x = hit.item;
    if (hit.lane === 'proc') {
      this.ctx.showProcess({ ...x, id: x.id });
      return;
    }
    const title = this.describe(hit);
    try {
      const ev = await api.event(x.seq);
      const links = [];
      if (hit.lane === 'llm') links.push(h('button', { type: 'button', text: 'Open in conversation', onclick: () => this.ctx.openTurn(x.seq) }));
      if (ev.pid) links.push(h('button', { type: 'button', text: `Events of pid ${ev.pid}`, onclick: () => this.ctx.openEvents({ pid: ev.pid }) }));
      this.ctx.showDetails(title, h('div', null, h('p', { class: 'summary', text: summarize(ev) }), h('div', { class: 'actions' }, links), jsonBlock(ev, { limit: 4000, lines: 80 })));
    } catch (err) {
      this.ctx.reportError(err);
    }
  }

  // ---- drawing --------------------------------------------------------------

  requestDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      if (this.visible) this.draw();
    });
  }

  show() {
    super.show();
    this.resize();
  }

  readColors() {
    const s = getComputedStyle(document.documentElement);
    const v = (n) => s.getPropertyValue(n).trim();
    this.colors = {
      bg: v('--bg'), panel: v('--panel'), stripe: v('--stripe'), fg: v('--fg'), muted: v('--muted'), line: v('--line'),
      llm: v('--c-llm'), tool: v('--c-tool'), proc: v('--c-proc'), file: v('--c-file'), net: v('--c-net'), alert: v('--c-alert'),
      sel: v('--accent'),
    };
  }

  draw() {
    if (!this.layout) return;
    if (!this.colors) this.readColors();
    const C = this.colors;
    const dpr = window.devicePixelRatio || 1;
    const g = this.canvas.getContext('2d');
    const W = this.width();
    const H = this.height();
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.fillStyle = C.bg;
    g.fillRect(0, 0, W, H);
    g.font = '11px system-ui, sans-serif';
    g.textBaseline = 'middle';
    const ta = this.T(GUTTER);
    const tb = this.T(W);

    g.save();
    g.translate(0, -this.view.y);
    this.layout.lanes.forEach((lane, i) => {
      if (i % 2) {
        g.fillStyle = C.stripe;
        g.fillRect(0, lane.y, W, lane.h);
      }
      g.save();
      g.beginPath();
      g.rect(GUTTER, lane.y, W - GUTTER, lane.h);
      g.clip();
      if (lane.kind === 'span') this.drawSpans(g, lane, ta, tb, C);
      else this.drawPoints(g, lane, ta, tb, C);
      g.restore();
      g.fillStyle = C.panel;
      g.fillRect(0, lane.y, GUTTER - 1, lane.h);
      g.fillStyle = C.fg;
      g.fillText(lane.title, 10, lane.y + LANE_PAD + ROW_H / 2);
      g.fillStyle = C.muted;
      g.textAlign = 'right';
      g.fillText(`${lane.items.length}`, GUTTER - 8, lane.y + LANE_PAD + ROW_H / 2);
      g.textAlign = 'left';
    });
    g.restore();
    this.drawAxis(g, W, C);
  }

  drawSpans(g, lane, ta, tb, C) {
    const color = C[lane.key];
    for (const it of lane.items) {
      const end = it.t1 == null ? this.tMax : it.t1;
      if (end < ta || it.t0 > tb) continue;
      const x0 = Math.max(GUTTER - 2, this.X(it.t0));
      const x1 = Math.min(this.width() + 2, Math.max(this.X(it.t0) + 2, this.X(end)));
      const y = lane.y + LANE_PAD + it._row * ROW_H + 2;
      const on = this.inGroup(lane.key, it);
      g.globalAlpha = on ? (it.t1 == null ? 0.6 : 0.9) : 0.18;
      g.fillStyle = lane.key === 'proc' && it.alerts ? C.alert : color;
      g.fillRect(x0, y, x1 - x0, ROW_H - 4);
      if (this.selected && this.selected.item === it) {
        g.globalAlpha = 1;
        g.strokeStyle = C.sel;
        g.lineWidth = 2;
        g.strokeRect(x0 - 1, y - 1, x1 - x0 + 2, ROW_H - 2);
      } else if (this.group && on) {
        g.globalAlpha = 1;
        g.strokeStyle = C.fg;
        g.lineWidth = 1;
        g.strokeRect(x0 - 0.5, y - 0.5, x1 - x0 + 1, ROW_H - 3);
      }
      const w = x1 - x0;
      if (w > 36) {
        const text = lane.key === 'llm' ? it.label || 'LLM'
          : lane.key === 'tool' ? `${it.name || 'tool'} ${it.id || ''}` : `${it.pid} ${it.label}`;
        g.globalAlpha = on ? 1 : 0.4;
        g.fillStyle = '#fff';
        g.fillText(text.slice(0, Math.floor((w - 8) / 6)), x0 + 4, y + (ROW_H - 4) / 2);
      }
    }
    g.globalAlpha = 1;
  }

  drawPoints(g, lane, ta, tb, C) {
    const pts = lane.items;
    const y = lane.y + LANE_PAD + 1;
    let lastX = -1;
    for (let i = lowerBound(pts, ta); i < pts.length && pts[i].t <= tb; i++) {
      const p = pts[i];
      const on = this.inGroup(lane.key, p);
      const x = Math.round(this.X(p.t));
      // Many points share a pixel at low zoom: draw each pixel once, but
      // never skip a highlighted one.
      if (x === lastX && !(this.group && on)) continue;
      lastX = x;
      g.globalAlpha = on ? 0.9 : 0.15;
      g.fillStyle = C[lane.key];
      g.fillRect(x - 1, y, this.group && on ? 3 : 2, ROW_H - 2);
    }
    g.globalAlpha = 1;
  }

  drawAxis(g, W, C) {
    g.fillStyle = C.panel;
    g.fillRect(0, 0, W, AXIS_H);
    g.strokeStyle = C.line;
    g.beginPath();
    g.moveTo(0, AXIS_H - 0.5);
    g.lineTo(W, AXIS_H - 0.5);
    g.stroke();
    const step = niceStep(90 / this.view.pxPerMs);
    const first = Math.ceil(this.T(GUTTER) / step) * step;
    g.fillStyle = C.muted;
    for (let t = first; this.X(t) < W; t += step) {
      const x = Math.round(this.X(t)) + 0.5;
      g.fillRect(x, AXIS_H - 6, 1, 6);
      g.fillText(this.clock(t, step), x + 3, AXIS_H / 2 - 1);
    }
    g.fillStyle = C.fg;
    g.fillText(`span ${fmtMs(this.T(W) - this.T(GUTTER))}`, 10, AXIS_H / 2);
  }

  clock(t, step) {
    const ms = this.originMs + t;
    const d = new Date(ms);
    const p = (v, n = 2) => String(Math.floor(v)).padStart(n, '0');
    const base = `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
    if (step >= 1000) return base;
    if (step >= 1) return `${base}.${p(d.getMilliseconds(), 3)}`;
    return `+${((t % 1000 + 1000) % 1000).toFixed(3)} ms`;
  }
}

function niceStep(raw) {
  const p = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function lowerBound(pts, t) {
  let lo = 0;
  let hi = pts.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (pts[mid].t < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

// Greedy interval packing: each span goes to the first row free at its start.
function pack(items, tMax) {
  const ends = [];
  for (const it of [...items].sort((a, b) => a.t0 - b.t0)) {
    const end = it.t1 == null ? tMax : it.t1;
    let row = ends.findIndex((e) => e <= it.t0);
    if (row === -1) {
      if (ends.length < MAX_ROWS) {
        row = ends.length;
        ends.push(end);
      } else {
        row = ends.indexOf(Math.min(...ends));
      }
    }
    ends[row] = Math.max(ends[row], end);
    it._row = row;
  }
  return Math.max(1, ends.length);
}

