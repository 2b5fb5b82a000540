// Memory: what Mnemosyne recalls for this key's tenant. Search (GET /memory/search), add
// (POST /memory), delete (DELETE /memory/{id}).
import * as api from './api.js';
import { h, clear, field, num, when, status, report, busy } from './dom.js';

export default { title: 'Memory', mount };

function mount(root, { state }) {
  state.q ??= '';
  const q = h('input', { type: 'search', required: true, value: state.q });
  const session = h('input', { type: 'text', autocomplete: 'off' });
  const find = h('button', { type: 'submit', class: 'primary' }, 'Search');
  const found = status();
  const results = h('ol', { class: 'cards', 'aria-label': 'Memories found' });
  const search = h('form', { role: 'search', 'aria-label': 'Search memories' },
    h('div', { class: 'row wrap' }, field('Search memories', q), field('Session (optional)', session, 'only what a request in this session recalls')),
    h('div', { class: 'row' }, find), found);

  const text = h('textarea', { rows: 3, required: true, maxlength: 32768 });
  const addSession = h('input', { type: 'text', autocomplete: 'off' });
  const add = h('button', { type: 'submit' }, 'Add memory');
  const added = status();
  const addForm = h('form', { class: 'add', 'aria-label': 'Add a memory' },
    h('h2', null, 'Add a memory'),
    field('Text to remember', text),
    field('Session (optional)', addSession, 'without one, every request of this tenant may recall it'),
    h('div', { class: 'row' }, add), added);

  root.append(
    h('h1', null, 'Memory'),
    h('p', { class: 'lead' }, 'What Nyx may recall for this key’s tenant (and shared memories). Nothing of another tenant shows here.'),
    search, results, addForm);

  search.addEventListener('submit', (e) => {
    e.preventDefault();
    state.q = q.value.trim();
    busy(find, run);
  });
  addForm.addEventListener('submit', (e) => {
    e.preventDefault();
    busy(add, async () => {
      try {
        const body = { text: text.value.trim() };
        if (addSession.value.trim()) body.session_id = addSession.value.trim();
        const out = await api.post('/memory', body);
        report(added, `Remembered as memory ${out.id}.`, false);
        text.value = '';
      } catch (err) {
        report(added, err);
      }
    });
  });
  if (state.q) run();

  async function run() {
    clear(results);
    if (!state.q) return;
    const params = new URLSearchParams({ q: state.q, k: '20' });
    if (session.value.trim()) params.set('session_id', session.value.trim());
    try {
      const { data } = await api.get(`/memory/search?${params}`);
      report(found, data.length ? `${data.length} found, best first.` : 'Nothing found.', false);
      for (const m of data) results.append(card(m));
    } catch (err) {
      report(found, err);
    }
  }

  function card(m) {
    const result = status();
    const remove = h('button', { type: 'button', class: 'danger', 'aria-label': `Delete memory ${m.id}` }, 'Delete');
    const li = h('li', { class: 'card', dataset: { memoryId: String(m.id) } },
      h('p', { class: 'text' }, m.text),
      h('p', { class: 'muted' }, `memory ${m.id} · relevance ${num(m.score)} · ${m.source || 'api'}${m.session_id ? ` · session ${m.session_id}` : ''}${m.shared ? ' · shared' : ''} · ${when(m.created_at)}`),
      h('div', { class: 'row' }, remove), result);
    remove.addEventListener('click', () => busy(remove, async () => {
      try {
        await api.del(`/memory/${m.id}`);
        li.remove();
        report(found, `Memory ${m.id} deleted.`, false);
      } catch (err) {
        report(result, err);
      }
    }));
    return li;
  }
}
