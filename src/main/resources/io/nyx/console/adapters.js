// Adapters: every specialist's adapter versions (GET /adapters), the canary's test, and the verbs
// (POST /adapters/{name}/canary|promote|rollback|retire; POST /adapters registers). Admin key only.
import * as api from './api.js';
import { h, clear, field, num, when, status, report, busy } from './dom.js';

export default { title: 'Adapters', mount };

const VERBS = {
  candidate: ['canary', 'promote', 'rollback', 'retire'],
  canary: ['promote', 'rollback', 'canary', 'retire'],
  active: ['rollback'],
  retired: ['promote'],
  failed: ['retire'],
};

const LABELS = {
  canary: (state) => (state === 'canary' ? 'Change share' : 'Start canary'),
  promote: () => 'Promote',
  rollback: (state) => (state === 'active' ? 'Take out' : 'Roll back'),
  retire: () => 'Retire',
};

const EXPLAIN = {
  canary: 'It is loaded and checked on the model server, then answers this share of its specialist’s requests while the test compares it with the active version.',
  promote: 'It becomes the active version; the one it replaces is retired and kept loaded as the standby.',
  rollback: 'It is taken out of rotation (failed) and unloaded; for the active version the standby answers.',
  retire: 'It leaves rotation and is unloaded.',
};

function mount(root) {
  const top = status('Loading…');
  const groups = h('div', { class: 'groups' });
  const panel = h('section', { class: 'action-panel', hidden: true, 'aria-label': 'Confirm the change' });
  root.append(
    h('h1', null, 'Adapters'),
    h('p', { class: 'lead' }, 'Each specialist’s LoRA adapter versions, their state and figures. Changing them needs an admin key.'),
    top, panel, groups, register());
  load();

  async function load(message) {
    try {
      const { adapters } = await api.get('/adapters');
      clear(groups);
      const bySpecialist = new Map();
      for (const a of adapters) {
        if (!bySpecialist.has(a.specialist)) bySpecialist.set(a.specialist, []);
        bySpecialist.get(a.specialist).push(a);
      }
      for (const [specialist, versions] of [...bySpecialist].sort(([a], [b]) => a.localeCompare(b))) {
        groups.append(group(specialist, versions.sort((a, b) => b.version - a.version)));
      }
      report(top, message || `${adapters.length} versions of ${bySpecialist.size} specialists.`, false);
    } catch (e) {
      clear(groups);
      report(top, e);
    }
  }

  function group(specialist, versions) {
    return h('section', { class: 'group', 'aria-labelledby': `adapters-${specialist}` },
      h('h2', { id: `adapters-${specialist}` }, specialist),
      h('div', { class: 'scroll' }, h('table', { class: 'grid' },
        h('thead', null, h('tr', null, ['Version', 'State', 'Share', 'Answers', 'Mean reward', 'Errors', 'Loaded', 'Since', 'Why', 'Actions'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', null, versions.map(row)))));
  }

  function row(a, i, versions) {
    const canaryShare = versions.filter((v) => v.state === 'canary').reduce((sum, v) => sum + (v.share ?? 0), 0);
    const share = a.state === 'canary' ? a.share : a.state === 'active' ? 1 - canaryShare : null;
    const answered = (a.samples ?? 0) > 0;
    const test = a.test ? h('details', { class: 'test' },
      h('summary', null, `test: ${a.test.verdict}`),
      h('dl', { class: 'facts small' }, Object.entries(a.test).filter(([k]) => k !== 'verdict')
        .flatMap(([k, v]) => [h('dt', null, k.replaceAll('_', ' ')), h('dd', null, typeof v === 'number' ? num(v, 3) : String(v))]))) : null;
    return h('tr', { dataset: { adapter: a.name, state: a.state } },
      h('th', { scope: 'row' }, a.name),
      h('td', null, h('span', { class: `pill state-${a.state}` }, a.state), test),
      h('td', null, share == null ? '—' : `${Math.round(share * 100)}%`),
      h('td', null, String(a.samples ?? 0)),
      h('td', null, answered ? num(a.reward_mean) : '—'),
      h('td', null, answered && a.error_rate != null ? `${Math.round(a.error_rate * 100)}%` : '—'),
      h('td', null, a.loaded ? 'yes' : 'no'),
      h('td', null, when(a.state_since)),
      h('td', { class: 'why' }, a.reason ? `${a.reason} (${a.actor})` : a.actor),
      h('td', null, h('div', { class: 'row wrap' }, (VERBS[a.state] || []).map((verb) =>
        h('button', { type: 'button', onclick: () => confirm(a, verb), 'aria-label': `${LABELS[verb](a.state)} ${a.name}` }, LABELS[verb](a.state))))));
  }

  function confirm(a, verb) {
    const label = LABELS[verb](a.state);
    const reason = h('input', { type: 'text', maxlength: 1000 });
    const share = verb === 'canary' ? h('input', { type: 'number', min: '0.01', max: '0.99', step: '0.01', value: String(a.state === 'canary' ? a.share : 0.2) }) : null;
    const go = h('button', { type: 'submit', class: 'primary' }, `Confirm: ${label} ${a.name}`);
    const cancel = h('button', { type: 'button', onclick: close }, 'Cancel');
    const result = status();
    const form = h('form', { 'aria-label': `${label} ${a.name}` },
      h('h2', null, `${label} ${a.name}?`),
      h('p', null, EXPLAIN[verb]),
      h('div', { class: 'row wrap' }, share ? field('Share of requests', share) : null, field('Reason (recorded)', reason)),
      h('div', { class: 'row' }, go, cancel), result);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(go, async () => {
        const body = {};
        if (reason.value.trim()) body.reason = reason.value.trim();
        if (share) body.share = Number(share.value);
        try {
          const out = await api.post(`/adapters/${encodeURIComponent(a.name)}/${verb}`, body);
          close();
          await load(`${a.name} is now ${out.state}.`);
        } catch (err) {
          report(result, err);
        }
      });
    });
    clear(panel).append(form);
    panel.hidden = false;
    reason.focus();

    function close() {
      panel.hidden = true;
      clear(panel);
    }
  }

  function register() {
    const specialist = h('input', { type: 'text', required: true, autocomplete: 'off' });
    const version = h('input', { type: 'number', min: '1', step: '1', required: true });
    const path = h('input', { type: 'text', required: true, autocomplete: 'off' });
    const submit = h('button', { type: 'submit' }, 'Register');
    const result = status();
    const form = h('form', { class: 'register', 'aria-label': 'Register a version' },
      h('h2', null, 'Register a version'),
      h('p', { class: 'muted' }, 'The directory PEFT saved, at the path the model server sees too. Nyx checks it before anything is loaded.'),
      h('div', { class: 'row wrap' }, field('Specialist', specialist), field('Version', version), field('Directory', path)),
      h('div', { class: 'row' }, submit), result);
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      busy(submit, async () => {
        try {
          const out = await api.post('/adapters', { specialist: specialist.value.trim(), version: Number(version.value), path: path.value.trim() });
          report(result, `Registered ${out.name} as a candidate.`, false);
          await load();
        } catch (err) {
          report(result, err);
        }
      });
    });
    return form;
  }
}
