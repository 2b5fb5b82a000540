// Decisions: the recorded requests, newest first (GET /queries, cursor paging), and one in full
// (GET /queries/{id}).
import * as api from './api.js';
import { h, clear, field, num, ms, when, facts, status, report, busy } from './dom.js';
import { scoresChart } from './charts.js';

export default { title: 'Decisions', mount };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUSES = ['ok', 'backend_error', 'backend_unavailable', 'backend_saturated', 'rejected'];
const SINCE = [['', 'any time'], ['1h', 'last hour'], ['1d', 'last day'], ['7d', 'last 7 days'], ['30d', 'last 30 days']];

function mount(root, { state }) {
  state.filter ??= { search: '', specialist: '', status: '', since: '' };
  const f = state.filter;
  const search = h('input', { type: 'search', value: f.search, placeholder: 'words of the question or answer, or a query id' });
  const specialist = h('select', null, h('option', { value: '' }, 'any'), h('option', { value: 'base' }, 'base model'));
  const stat = h('select', null, h('option', { value: '' }, 'any'), STATUSES.map((s) => h('option', { value: s }, s)));
  const since = h('select', null, SINCE.map(([v, t]) => h('option', { value: v }, t)));
  stat.value = f.status;
  since.value = f.since;
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Search');
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Search decisions' },
    h('div', { class: 'row wrap' }, field('Search', search), field('Specialist', specialist), field('Status', stat), field('Since', since)),
    h('div', { class: 'row' }, submit));
  const top = status();
  const tbody = h('tbody');
  const table = h('table', { class: 'grid decisions' },
    h('caption', { class: 'sr-only' }, 'Recorded requests, newest first'),
    h('thead', null, h('tr', null, ['Time', 'Question', 'Specialist', 'Method', 'Confidence', 'Reward', 'Latency', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
    tbody);
  const more = h('button', { type: 'button', hidden: true }, 'Load more');
  const detail = h('section', { class: 'detail', 'aria-label': 'Decision detail' });
  root.append(
    h('h1', null, 'Decisions'),
    h('p', { class: 'lead' }, 'Every request Nyx recorded: how it was routed and how it went. Words are matched within the pages loaded; a query id opens that request.'),
    form, top, h('div', { class: 'scroll' }, table), h('div', { class: 'row' }, more), detail);

  api.get('/v1/models').then((list) => {
    for (const m of list.data || []) {
      if (m.id !== 'nyx') specialist.append(h('option', { value: m.id.replace(/^nyx\//, '') }, m.id.replace(/^nyx\//, '')));
    }
    specialist.value = f.specialist;
  }).catch(() => {});

  let cursor = null;
  let rows = [];

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    Object.assign(f, { search: search.value.trim(), specialist: specialist.value, status: stat.value, since: since.value });
    busy(submit, () => first());
  });
  more.addEventListener('click', () => busy(more, () => page()));
  first();
  if (state.open) openDetail(state.open);

  async function first() {
    cursor = null;
    rows = [];
    clear(tbody);
    if (UUID.test(f.search)) {
      await openDetail(f.search);
    }
    await page();
  }

  async function page() {
    const params = new URLSearchParams({ limit: '50' });
    if (f.specialist) params.set('specialist', f.specialist);
    if (f.status) params.set('status', f.status);
    if (f.since) params.set('since', f.since);
    if (f.search && !UUID.test(f.search)) params.set('q', f.search);
    if (cursor) params.set('cursor', cursor);
    try {
      const out = await api.get(`/queries?${params}`);
      cursor = out.next_cursor;
      more.hidden = !cursor;
      const shown = out.data;
      rows.push(...shown);
      for (const r of shown) tbody.append(row(r));
      report(top, rows.length ? `${rows.length} shown${cursor ? '; more are older' : ''}.` : 'No request matches.', false);
    } catch (e) {
      report(top, e);
    }
  }

  function row(r) {
    const open = h('button', { type: 'button', class: 'link', onclick: () => openDetail(r.id), 'aria-label': `Open the request “${r.query.slice(0, 60)}” of ${when(r.created_at)}` }, r.query);
    return h('tr', { dataset: { queryId: r.id } },
      h('td', null, when(r.created_at)),
      h('td', { class: 'question' }, open),
      h('td', null, r.specialist ?? 'base'),
      h('td', null, r.route_method),
      h('td', null, num(r.confidence)),
      h('td', null, num(r.reward)),
      h('td', null, ms(r.latency_ms)),
      h('td', null, h('span', { class: `pill ${r.status === 'ok' ? 'good' : 'bad'}` }, r.status)));
  }

  async function openDetail(id) {
    state.open = id;
    clear(detail).append(status('Loading…'));
    try {
      const d = await api.get(`/queries/${id}`);
      clear(detail).append(view(d));
      detail.querySelector('h2').focus();
    } catch (e) {
      clear(detail).append(report(status(), e));
    }
  }
}

function view(d) {
  const route = d.decision || {};
  const components = Object.fromEntries(Object.entries(d.reward?.components || {}).filter(([, v]) => typeof v === 'number'));
  return h('div', { dataset: { queryId: d.id } },
    h('h2', { tabindex: '-1' }, 'Request ', h('code', null, d.id)),
    facts([
      ['When', when(d.created_at)],
      ['Question', d.query],
      ['Answer', d.answer?.content ?? (d.error ? `failed: ${d.error}` : '—')],
      ['Status', d.status],
      ['Specialist', d.specialist ?? 'base model'],
      ['Adapter', d.adapter ? `${d.adapter}${d.adapter_version != null ? ` (v${d.adapter_version})` : ''}` : null],
      ['Routed by', route.method],
      ['Route confidence', num(route.confidence)],
      ['Master model', route.master?.asked ? `${route.master.outcome}${route.master.choice ? `: ${route.master.choice}` : ''}` : 'not asked'],
      ['Answer confidence', num(d.answer?.confidence)],
      ['Reward', `${num(d.reward?.value)}${Object.keys(components).length ? ` (${Object.entries(components).map(([k, v]) => `${k} ${num(v)}`).join(', ')})` : ''}`],
      ['Tokens', d.usage ? `${d.usage.prompt_tokens} in, ${d.usage.completion_tokens} out` : null],
      ['Latency', `${ms(d.latency_ms)} (model ${ms(d.backend_latency_ms)})`],
      ['Key', d.key_name ? `${d.key_name} (tenant ${d.tenant})` : `tenant ${d.tenant}`],
      ['Ratings', (d.feedback || []).length ? d.feedback.map((fb) => `${fb.rating > 0 ? '+' : ''}${fb.rating} by ${fb.rater}`).join(', ') : 'none'],
    ]),
    scoresChart(route.scores, d.specialist),
    h('details', null, h('summary', null, 'The whole record (JSON)'), h('pre', { class: 'json' }, JSON.stringify(d, null, 2))));
}
