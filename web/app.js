// SPDX-License-Identifier: Apache-2.0
// agentsight UI entry: tabs, session picker, header stats, the details
// drawer, and the live feed that keeps every view current without reloads.
import { api, onAuthError } from './api.js';
import { argvText, clear, fmtClock, fmtCount, fmtDate, fmtMs, h, throttle } from './dom.js';
import { ConversationView } from './conversation.js';
import { EventLogView } from './event_log.js';
import { LiveFeed } from './live.js';
import { ProcessTreeView } from './process_tree.js';
import { TimelineView } from './timeline.js';

const $ = (sel) => document.querySelector(sel);
const TABS = ['conversation', 'timeline', 'processes', 'events'];

const state = {
  sessions: [],
  session: '',  // index into sessions, or '' for everything
  tab: 'conversation',
};

const ctx = {
  range() {
    const s = state.session === '' ? null : state.sessions[state.session];
    if (!s) return {};
    return s.open ? { since: s.start_ns } : { since: s.start_ns, until: s.end_ns };
  },
  showDetails,
  showProcess,
  openTurn,
  openEvents,
  reportError,
};

const views = {
  conversation: new ConversationView($('#view-conversation'), ctx),
  timeline: new TimelineView($('#view-timeline'), ctx),
  processes: new ProcessTreeView($('#view-processes'), ctx),
  events: new EventLogView($('#view-events'), ctx),
};

// ---- errors -------------------------------------------------------------------

function reportError(err) {
  console.error(err);
  const banner = $('#banner');
  banner.hidden = false;
  banner.textContent = err && (err.status === 401 || err.status === 403)
    ? 'Not authorized. Open the URL that `agentsight serve` printed: it carries the access token.'
    : `Error: ${err && err.message ? err.message : err}`;
}
onAuthError(reportError);

// ---- tabs ---------------------------------------------------------------------

function showTab(tab) {
  if (!TABS.includes(tab)) tab = 'conversation';
  state.tab = tab;
  for (const t of TABS) {
    $(`#view-${t}`).hidden = t !== tab;
    $(`#tab-${t}`).setAttribute('aria-selected', String(t === tab));
    if (t !== tab) views[t].hide();
  }
  views[tab].show();
  if (location.hash !== `#${tab}`) history.replaceState(null, '', `#${tab}`);
}

for (const t of TABS) $(`#tab-${t}`).addEventListener('click', () => showTab(t));
window.addEventListener('hashchange', () => showTab(location.hash.slice(1)));

// ---- details drawer -----------------------------------------------------------

function showDetails(title, content) {
  const d = $('#details');
  $('#details-title').textContent = title;
  clear($('#details-body')).append(content);
  d.hidden = false;
}

$('#details-close').addEventListener('click', () => { $('#details').hidden = true; });
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && !$('#details').hidden && document.activeElement.tagName !== 'CANVAS') $('#details').hidden = true;
});

let treeCache = null;
async function fullNode(n) {
  if (n.argv && n.start !== undefined) return n;
  if (!treeCache || views.processes.nodes.length > treeCache.length) {
    treeCache = views.processes.nodes.length ? views.processes.nodes : (await api.processTree()).nodes;
  }
  return treeCache.find((x) => x.id === n.id) || treeCache.find((x) => x.pid === n.pid) || n;
}

async function showProcess(nodeLike) {
  const n = await fullNode(nodeLike);
  const rows = [
    ['pid', `${n.pid} (parent ${n.ppid})`],
    ['command', argvText(n)],
    ['binary', n.filename || ''],
    ['started', n.start != null ? fmtDate(n.start) : ''],
    ['ran', n.end != null ? fmtMs((n.end - n.start) / 1e6) : 'still running'],
    ['exit', n.end == null ? '' : n.signal ? `signal ${n.signal}` : String(n.exit_code)],
    ['activity', `${fmtCount(n.files)} files · ${fmtCount(n.connects)} connections · ${fmtCount(n.execs)} execs · ${fmtCount(n.events)} events`],
    ['LLM calls', fmtCount(n.llm_calls)],
    ['tool call', n.tool_call_id ? `${n.tool_name || ''} ${n.tool_call_id}` : ''],
    ['alerts', n.alerts ? `${n.alerts}: ${(n.alert_rules || []).join(', ')}` : ''],
  ].filter(([, v]) => v !== '' && v !== undefined);
  showDetails(`pid ${n.pid} · ${n.comm || ''}`, h('div', null,
    h('dl', { class: 'kv' }, rows.map(([k, v]) => [h('dt', { text: k }), h('dd', { text: v })])),
    h('div', { class: 'actions' },
      h('button', { type: 'button', text: 'Events of this process', onclick: () => openEvents({ pid: String(n.pid) }) }),
      n.id !== undefined ? h('button', { type: 'button', text: 'Show in tree', onclick: () => { showTab('processes'); views.processes.refresh().then(() => views.processes.reveal(n.id)); } }) : null)));
}

function openEvents(filter) {
  views.events.setFilter({ type: '', pid: '', q: '', ...filter });
  showTab('events');
}

async function openTurn(seq) {
  showTab('conversation');
  await views.conversation.refresh();
  const el = document.querySelector(`.turn[data-seq="${Number(seq)}"]`);
  if (el) {
    el.scrollIntoView({ block: 'start' });
    el.classList.add('flash');
    setTimeout(() => el.classList.remove('flash'), 1500);
  }
}

// ---- header: sessions and stats ----------------------------------------------

function renderSessions() {
  const sel = $('#session');
  const cur = sel.value;
  clear(sel).append(h('option', { value: '', text: 'All events' }));
  state.sessions.forEach((s, i) => {
    const who = s.start && (s.start.agent || (s.start.command && s.start.command[0]) || s.start.comm);
    const dur = s.open ? 'running' : fmtMs(Number(BigInt(s.end_ns) - BigInt(s.start_ns)) / 1e6);
    sel.append(h('option', { value: String(i), text: `Session ${i + 1}${who ? ` · ${who}` : ''} · ${fmtClock(s.start_ns)} · ${dur} · ${fmtCount(s.events)} events` }));
  });
  sel.value = cur;
  sel.hidden = state.sessions.length === 0;
}

$('#session').addEventListener('change', () => {
  state.session = $('#session').value === '' ? '' : Number($('#session').value);
  for (const v of Object.values(views)) v.reset();
});

function renderStats(s) {
  const t = s.tokens || {};
  const stat = (label, value, cls = '') => h('span', { class: `stat ${cls}` }, h('b', { text: value }), ` ${label}`);
  clear($('#stats')).append(...[
    stat('events', fmtCount(s.events)),
    stat('LLM calls', fmtCount(s.llm_calls)),
    stat('tokens in/out', `${fmtCount(t.input)} / ${fmtCount(t.output)}`),
    stat('processes', fmtCount(s.processes)),
    stat('tool runs', fmtCount(s.tool_execs)),
    s.alerts ? stat('alerts', fmtCount(s.alerts), 'bad') : null].filter(Boolean));
  views.events.setTypes(s.types || {});
}

const refreshHeader = throttle(async () => {
  try {
    const [stats, sessions] = await Promise.all([api.stats(), api.sessions()]);
    renderStats(stats);
    state.sessions = sessions;
    renderSessions();
  } catch (err) {
    reportError(err);
  }
}, 1000);

// ---- theme --------------------------------------------------------------------

function applyTheme(t) {
  if (t === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = t;
  $('#theme').textContent = { auto: '◐', dark: '●', light: '○' }[t];
  $('#theme').title = `theme: ${t}`;
  views.timeline.colors = null;
  views.timeline.requestDraw();
}
let theme = localStorage.getItem('agentsight-theme') || 'auto';
applyTheme(theme);
$('#theme').addEventListener('click', () => {
  theme = { auto: 'dark', dark: 'light', light: 'auto' }[theme];
  localStorage.setItem('agentsight-theme', theme);
  applyTheme(theme);
});

// ---- start ----------------------------------------------------------------------

async function main() {
  let stats;
  try {
    [stats, state.sessions] = await Promise.all([api.stats(), api.sessions()]);
  } catch (err) {
    reportError(err);
    return;
  }
  renderStats(stats);
  renderSessions();
  showTab(location.hash.slice(1) || 'conversation');
  await views[state.tab].loading;
  document.body.dataset.ready = '1';

  const feed = new LiveFeed(stats.last_seq);
  feed.onStatus((s) => {
    const el = $('#live');
    el.dataset.status = s;
    el.textContent = s === 'live' ? 'live' : s;
  });
  let received = 0;
  feed.onBatch((batch) => {
    received += batch.length;
    $('#live').title = `${fmtCount(received)} events received live`;
    $('#live').classList.remove('pulse');
    void $('#live').offsetWidth;  // restart the pulse animation
    $('#live').classList.add('pulse');
    refreshHeader();
    for (const v of Object.values(views)) v.onLive(batch);
  });
  feed.start();
}

// A handle for debugging from the console and for the UI tests.
window.agentsight = { views, state };

main();
