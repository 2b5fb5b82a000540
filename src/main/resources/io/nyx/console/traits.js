// Traits: each specialist's weight (GET /traits); with an admin key its posterior, history and
// calibration (GET /traits/{name}) and steering (PUT /traits/{name}).
import * as api from './api.js';
import { h, clear, field, num, signed, when, facts, status, report, busy } from './dom.js';
import { weightChart, reliabilityChart } from './charts.js';

export default { title: 'Traits', mount };

function mount(root, { state }) {
  const table = h('table', { class: 'grid' });
  const top = status('Loading…');
  const detail = h('section', { class: 'detail', 'aria-live': 'polite' });
  root.append(
    h('h1', null, 'Traits'),
    h('p', { class: 'lead' }, 'How much Nyx trusts each specialist: the weight routing multiplies its similarity by, learned from rewards and ratings.'),
    top, table, detail);
  load();

  async function load() {
    try {
      const { traits } = await api.get('/traits');
      report(top, '', false);
      clear(table).append(
        h('caption', { class: 'sr-only' }, 'Trait weights'),
        h('thead', null, h('tr', null, ['Specialist', 'Weight', 'Bounds', 'Updated', ''].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, traits.map((t) => h('tr', { dataset: { trait: t.name } },
          h('th', { scope: 'row' }, t.name),
          h('td', { class: 'weight' }, num(t.weight, 3)),
          h('td', null, `${num(t.min)}–${num(t.max)}`),
          h('td', null, when(t.updated_at)),
          h('td', null, h('button', { type: 'button', onclick: () => open(t.name), 'aria-label': `Details of ${t.name}` }, 'Details'))))));
      if (state.open) open(state.open);
    } catch (e) {
      report(top, e);
    }
  }

  async function open(name) {
    state.open = name;
    clear(detail).append(h('h2', null, name), status('Loading…'));
    let t;
    try {
      t = await api.get(`/traits/${encodeURIComponent(name)}`);
    } catch (e) {
      clear(detail).append(h('h2', null, name), report(status(), e));
      return;
    }
    const p = t.posterior || {};
    const history = [...(t.history || [])].reverse();
    const times = history.map((c) => Date.parse(c.at) / 1000);
    const weights = history.map((c) => c.new_weight);
    const cal = t.calibration || {};
    clear(detail).append(
      h('h2', null, name),
      facts([
        ['Weight', num(t.weight, 3)],
        ['Posterior', `Beta(${num(p.alpha)}, ${num(p.beta)}), mean ${num(p.mean, 3)}`],
        ['Prior', `${num(p.prior_weight, 3)} with strength ${num(p.prior_strength, 0)}`],
        ['Evidence', `${num(p.evidence, 1)} now; ${num(p.observations_total, 1)} observations in all, ${num(p.successes_total, 1)} of them good`],
        ['Pinned until', p.pinned_until && Date.parse(p.pinned_until) > Date.now() ? when(p.pinned_until) : 'not pinned'],
        ['Calibration error (ECE)', `${num(cal.ece, 3)} over ${cal.rated_answers ?? 0} rated answers`],
      ]),
      h('h3', null, 'Weight over time'),
      weightChart(times, weights, name) || h('p', { class: 'muted' }, 'No changes yet.'),
      h('h3', null, 'Calibration'),
      reliabilityChart(cal.curve) || h('p', { class: 'muted' }, 'No rated answers yet.'),
      h('h3', null, 'Recent changes and feedback'),
      changes(t.history || []),
      steer(name));
  }

  function changes(list) {
    if (!list.length) return h('p', { class: 'muted' }, 'None yet.');
    return h('table', { class: 'grid compact' },
      h('thead', null, h('tr', null, ['When', 'Change', 'Source', 'Reason'].map((c) => h('th', { scope: 'col' }, c)))),
      h('tbody', null, list.map((c) => h('tr', null,
        h('td', null, when(c.at)),
        h('td', null, `${num(c.old_weight, 3)} → ${num(c.new_weight, 3)} (${signed(c.delta, 3)})`),
        h('td', null, c.source),
        h('td', null, c.reason)))));
  }

  function steer(name) {
    const mode = h('select', null, h('option', { value: 'nudge' }, 'Nudge by'), h('option', { value: 'weight' }, 'Set to'));
    const amount = h('input', { type: 'number', step: '0.01', min: '-1', max: '1', required: true, value: '0.05' });
    const reason = h('input', { type: 'text', required: true, maxlength: 1000 });
    const submit = h('button', { type: 'submit' }, 'Apply');
    const result = status();
    const form = h('form', { class: 'steer', 'aria-label': `Steer ${name}` },
      h('h3', null, 'Steer'),
      h('div', { class: 'row wrap' }, field('Change', mode), field('Amount', amount), field('Reason', reason, 'Recorded with the change; required.')),
      h('div', { class: 'row' }, submit), result);
    if (state.flash) {
      report(result, state.flash, false);
      state.flash = null;
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(submit, async () => {
        try {
          const w = await api.put(`/traits/${encodeURIComponent(name)}`, { [mode.value]: Number(amount.value), reason: reason.value.trim() });
          state.flash = `${name} weight is now ${num(w.weight, 3)}, pinned as its prior.`;
          await load();
        } catch (err) {
          report(result, err);
        }
      });
    });
    return form;
  }
}
