// Review: the exchanges Eleos's risk screen flagged (GET /review), decided with POST /review/{id};
// the verdict becomes reward. A correction is also posted as feedback (POST /feedback).
import * as api from './api.js';
import { h, clear, field, num, when, facts, status, report, busy } from './dom.js';

export default { title: 'Review', mount };

function mount(root) {
  const list = h('ol', { class: 'cards', 'aria-label': 'Flagged exchanges' });
  const top = status('Loading…');
  const reload = h('button', { type: 'button', onclick: load }, 'Reload');
  root.append(
    h('h1', null, 'Review'),
    h('p', { class: 'lead' }, 'Exchanges the risk screen flagged, oldest first. Approve one that was handled well, reject one that was harmful, or correct the answer. Needs an admin key.'),
    h('div', { class: 'row' }, reload), top, list);
  load();

  async function load() {
    clear(list);
    report(top, 'Loading…', false);
    try {
      const { items } = await api.get('/review');
      report(top, items.length ? `${items.length} waiting for a verdict.` : 'Nothing waits for review.', false);
      for (const item of items) list.append(card(item));
    } catch (e) {
      report(top, e);
    }
  }

  function card(item) {
    const result = status();
    const li = h('li', { class: 'card', dataset: { reviewId: String(item.id), queryId: item.query_id } });
    const title = `Review ${item.id}: ${item.category}`;
    const approve = h('button', { type: 'button', class: 'primary', 'aria-label': `Approve review ${item.id}` }, 'Approve');
    const reject = h('button', { type: 'button', class: 'danger', 'aria-label': `Reject review ${item.id}` }, 'Reject');
    const correctToggle = h('button', { type: 'button', 'aria-expanded': 'false', 'aria-label': `Correct review ${item.id}` }, 'Correct');
    const note = h('input', { type: 'text', maxlength: 4000 });
    const correction = h('textarea', { rows: 3, value: item.answer || '' });
    const sendCorrection = h('button', { type: 'submit' }, 'Send correction');
    const correctForm = h('form', { class: 'correction', hidden: true, 'aria-label': `Correct the answer of review ${item.id}` },
      field('The answer that should have been given', correction),
      h('div', { class: 'row' }, sendCorrection));

    approve.addEventListener('click', () => busy(approve, () => decide('safe', 1)));
    reject.addEventListener('click', () => busy(reject, () => decide('harmful', -1)));
    correctToggle.addEventListener('click', () => {
      correctForm.hidden = !correctForm.hidden;
      correctToggle.setAttribute('aria-expanded', String(!correctForm.hidden));
      if (!correctForm.hidden) correction.focus();
    });
    correctForm.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = correction.value.trim();
      if (!text) return;
      busy(sendCorrection, async () => {
        try {
          await api.post('/feedback', { query_id: item.query_id, rating: -1, correction: text, comment: `corrected in review ${item.id}` });
        } catch (err) {
          report(result, err);
          return;
        }
        await decide('unclear', -1, 'corrected in the console');
      });
    });

    async function decide(verdict, rating, extra) {
      try {
        const text = [note.value.trim(), extra].filter(Boolean).join('; ');
        const out = await api.post(`/review/${item.id}`, { verdict, rating, note: text || undefined });
        li.dataset.decided = verdict;
        for (const b of li.querySelectorAll('button')) b.disabled = true;
        correctForm.hidden = true;
        report(result, `Decided: ${verdict}. The answer's reward is now ${num(out.reward)}${out.trait ? `; ${out.trait.name} weight ${num(out.trait.weight, 3)}` : ''}.`, false);
      } catch (err) {
        report(result, err);
      }
    }

    li.append(
      h('h2', null, title),
      facts([
        ['Risk', num(item.risk)],
        ['Stage', item.stage === 'input' ? 'the question' : 'the answer'],
        ['Specialist', item.specialist],
        ['Tenant', item.tenant],
        ['Flagged', when(item.created_at)],
      ]),
      h('h3', null, 'Question'), h('p', { class: 'text' }, item.question ?? '(not stored yet)'),
      h('h3', null, 'Answer'), h('p', { class: 'text' }, item.answer ?? '(no answer)'),
      field('Note (optional)', note),
      h('div', { class: 'row', role: 'group', 'aria-label': `Verdict on review ${item.id}` }, approve, reject, correctToggle),
      correctForm, result);
    return li;
  }
}
