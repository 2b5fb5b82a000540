// Health: what GET /ready says about each dependency, and a few of /metrics' figures, in words.
import * as api from './api.js';
import { h, clear, status, report, busy } from './dom.js';

export default { title: 'Health', mount };

const NAMES = {
  database: 'Database',
  memory_index: 'Memory index',
  spools: 'Local spools (writes waiting for the database)',
};

const OVERALL = {
  ready: 'Nyx is ready: every dependency answers.',
  degraded: 'Nyx answers, but something needs an operator (see below).',
  not_ready: 'Nyx is not ready: something it needs is down (see below).',
};

function checkName(name) {
  if (NAMES[name]) return NAMES[name];
  const m = /^model_backend(?:_(\d+))?$/.exec(name);
  if (m) return m[1] ? `Model server ${Number(m[1]) + 1}` : 'Model server';
  return name.replaceAll('_', ' ');
}

/** Prometheus text: [{name, labels, value}] of the samples named in `wanted`. */
function samples(text, wanted) {
  const out = [];
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!m || !wanted.includes(m[1])) continue;
    const labels = {};
    for (const [, k, v] of (m[2] || '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[k] = v;
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

function mount(root) {
  const overall = h('p', { class: 'overall' });
  const checks = h('ul', { class: 'checks', 'aria-label': 'Dependencies' });
  const figures = h('ul', { class: 'checks', 'aria-label': 'Since start' });
  const top = status('Loading…');
  const refresh = h('button', { type: 'button' }, 'Check again');
  root.append(
    h('h1', null, 'Health'),
    h('p', { class: 'lead' }, 'What Nyx depends on, as GET /ready sees it (answers are reused for a second), and what /metrics counted since start.'),
    h('div', { class: 'row' }, refresh), top, overall, checks,
    h('h2', null, 'Since start'), figures);
  refresh.addEventListener('click', () => busy(refresh, load));
  load();

  async function load() {
    try {
      const ready = await api.probe('/ready');
      const state = ready.body?.status || 'unknown';
      overall.textContent = OVERALL[state] || `GET /ready answered ${ready.status}.`;
      overall.className = `overall ${state}`;
      clear(checks);
      for (const [name, c] of Object.entries(ready.body?.checks || {})) {
        const word = !c.ok ? 'down' : c.degraded ? 'needs attention' : 'up';
        checks.append(h('li', { class: `check ${c.ok ? (c.degraded ? 'warn' : 'good') : 'bad'}`, dataset: { check: name } },
          h('strong', null, `${checkName(name)}: ${word}. `), c.detail));
      }
      report(top, `Checked at ${new Date().toLocaleTimeString()}.`, false);
    } catch (e) {
      report(top, e);
    }
    try {
      const text = await api.text('/metrics');
      clear(figures).append(...describe(text).map((t) => h('li', null, t)));
    } catch (e) {
      clear(figures).append(h('li', null, e.message));
    }
  }
}

function describe(text) {
  const s = samples(text, ['nyx_spool_pending', 'nyx_spool_dead_letters_total', 'nyx_fallbacks_total', 'nyx_http_request_seconds_count', 'nyx_adapter_canary_share', 'nyx_model_server_waiting']);
  const lines = [];
  for (const q of s.filter((x) => x.name === 'nyx_model_server_waiting')) {
    lines.push(Number.isFinite(q.value)
      ? `The model server at ${q.labels.server} has ${q.value} request${q.value === 1 ? '' : 's'} waiting in its queue.`
      : `The model server at ${q.labels.server} has not said how long its queue is (its /metrics could not be read).`);
  }
  const pending = s.filter((x) => x.name === 'nyx_spool_pending');
  const waiting = pending.reduce((a, x) => a + x.value, 0);
  lines.push(waiting === 0
    ? 'No writes wait on local disk for the database.'
    : `${waiting} writes wait on local disk for the database (${pending.filter((x) => x.value).map((x) => `${x.labels.kind} ${x.value}`).join(', ')}).`);
  const dead = s.filter((x) => x.name === 'nyx_spool_dead_letters_total' && x.value > 0);
  lines.push(dead.length
    ? `Writes the database refused for good: ${dead.map((x) => `${x.labels.kind} ${x.value}`).join(', ')} (nyx spool dead-letters lists them).`
    : 'No write was refused for good.');
  const fallbacks = s.filter((x) => x.name === 'nyx_fallbacks_total' && x.value > 0);
  lines.push(fallbacks.length
    ? `The base model answered in a specialist’s place: ${fallbacks.map((x) => `${x.labels.specialist} ${x.value}× (${x.labels.why.replaceAll('_', ' ')})`).join(', ')}.`
    : 'Every specialist answered with its own adapter.');
  const http = s.filter((x) => x.name === 'nyx_http_request_seconds_count');
  const count = (code) => http.filter((x) => x.labels.status === code).reduce((a, x) => a + x.value, 0);
  lines.push(`Requests refused because the model server’s queue was full or something was down (503): ${count('503')}; rate limited (429): ${count('429')}.`);
  const canaries = s.filter((x) => x.name === 'nyx_adapter_canary_share' && x.value > 0);
  if (canaries.length) lines.push(`Canaries running: ${canaries.map((x) => `${x.labels.specialist} at ${Math.round(x.value * 100)}%`).join(', ')}.`);
  return lines;
}
