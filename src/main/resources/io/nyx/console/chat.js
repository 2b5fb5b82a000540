// Talk: a chat over POST /v1/chat/completions (streamed), each answer with who answered and why
// (GET /queries/{id}), rated or corrected with POST /feedback.
import * as api from './api.js';
import { h, clear, field, num, facts, status, report, busy } from './dom.js';
import { scoresChart } from './charts.js';

export default { title: 'Talk', mount };

const EFFECTS = {
  observed: 'learned from your rating',
  already_rated: 'this key had rated the answer before, and a trait hears a key once per answer',
  budget_spent: "this key's rating budget for the trait is spent for the hour, so it did not move",
  no_trait: 'no trait moved: the base model answered',
};

function mount(root, { state }) {
  state.turns ??= [];
  state.model ??= 'nyx';

  const transcript = h('ol', { class: 'transcript', 'aria-label': 'Conversation' });
  const announce = h('p', { class: 'sr-only', role: 'status' });
  const model = h('select', { name: 'model', onchange: () => { state.model = model.value; } },
    h('option', { value: 'nyx' }, 'Nyx chooses'));
  const message = h('textarea', { name: 'message', rows: 3, required: true, placeholder: 'Ask Nyx…' });
  const send = h('button', { type: 'submit', class: 'primary' }, 'Send');
  const formStatus = status();
  const form = h('form', { class: 'composer', 'aria-label': 'Send a message' },
    h('div', { class: 'row wrap end' },
      field('Specialist', model),
      h('button', { type: 'button', onclick: restart }, 'New conversation')),
    field('Message', message, 'Enter sends; Shift+Enter starts a new line.'),
    h('div', { class: 'row' }, send),
    formStatus);

  root.append(
    h('h1', null, 'Talk'),
    h('p', { class: 'lead' }, 'Each answer says which specialist gave it and why. Rate it or correct it: that is what Nyx learns from.'),
    transcript, announce, form);

  for (const turn of state.turns) transcript.append(turn.role === 'user' ? userItem(turn) : assistantItem(turn).li);

  api.get('/v1/models').then((list) => {
    for (const m of list.data || []) {
      if (m.id === 'nyx') continue;
      model.append(h('option', { value: m.id }, m.id.replace(/^nyx\//, '')));
    }
    model.value = state.model;
  }).catch((e) => report(formStatus, e));

  message.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const text = message.value.trim();
    if (!text) return;
    message.value = '';
    busy(send, () => ask(text));
  });

  function restart() {
    state.turns = [];
    clear(transcript);
    report(formStatus, 'A new conversation: earlier messages are no longer sent.', false);
    message.focus();
  }

  async function ask(text) {
    report(formStatus, '', false);
    const user = { role: 'user', content: text };
    state.turns.push(user);
    transcript.append(userItem(user));
    const messages = state.turns
      .filter((t) => t.role === 'user' || (t.queryId && !t.error))
      .map((t) => ({ role: t.role, content: t.content }));
    const turn = { role: 'assistant', content: '', chunks: 0, streaming: true };
    state.turns.push(turn);
    const view = assistantItem(turn);
    transcript.append(view.li);
    view.li.scrollIntoView({ block: 'nearest' });
    try {
      await api.streamChat({ model: model.value, messages },
        (queryId, specialist) => {
          turn.queryId = queryId;
          turn.specialist = specialist;
          view.update();
        },
        (piece) => {
          turn.content += piece;
          turn.chunks += 1;
          view.stream();
        });
      turn.streaming = false;
      view.update();
      announce.textContent = `${turn.specialist} answered.`;
      try {
        turn.detail = await api.get(`/queries/${turn.queryId}`);
      } catch (e) {
        turn.detailError = e.message;
      }
      view.update();
    } catch (e) {
      turn.streaming = false;
      turn.error = e.message;
      view.update();
      announce.textContent = e.message;
    }
  }
}

function userItem(turn) {
  return h('li', { class: 'turn user' }, h('span', { class: 'who' }, 'You'), h('p', { class: 'text' }, turn.content));
}

/** An answer and its parts; update() redraws them from the turn, stream() only the text. */
function assistantItem(turn) {
  const li = h('li', { class: 'turn assistant' });
  const text = h('p', { class: 'text answer' });
  const head = h('div', { class: 'who' });
  const body = h('div', { class: 'about' });
  const feedbackStatus = status();
  li.append(head, text, body);

  function stream() {
    text.textContent = turn.content;
    li.dataset.chunks = String(turn.chunks);
  }

  function update() {
    if (turn.queryId) li.dataset.queryId = turn.queryId;
    li.setAttribute('aria-busy', turn.streaming ? 'true' : 'false');
    li.dataset.state = turn.error ? 'failed' : turn.streaming ? 'streaming' : 'done';
    stream();
    clear(head).append(h('span', { class: 'specialist', title: 'the specialist that answered' }, turn.specialist || '…'));
    const d = turn.detail;
    if (d?.adapter_version != null) head.append(h('span', { class: 'badge' }, `${d.adapter} · v${d.adapter_version}`));
    if (d?.decision?.fallback) head.append(h('span', { class: 'badge warn' }, 'fallback: base model'));
    clear(body);
    if (turn.error) {
      body.append(h('p', { class: 'error' }, turn.error));
      return;
    }
    if (turn.streaming) return;
    if (d) body.append(explanation(d));
    else if (turn.detailError) body.append(h('p', { class: 'muted' }, `Details not available: ${turn.detailError}`));
    body.append(actions(), feedbackStatus);
    if (turn.feedback) report(feedbackStatus, turn.feedback, false);
  }

  function actions() {
    const thumb = (cls) => h('img', { src: '/console/thumb.svg', alt: '', class: `thumb ${cls}`, width: 18, height: 18 });
    const good = h('button', { type: 'button', 'aria-label': 'Good answer', title: 'Good answer' }, thumb('up'), 'Good');
    const poor = h('button', { type: 'button', 'aria-label': 'Poor answer', title: 'Poor answer' }, thumb('down'), 'Poor');
    const correct = h('button', { type: 'button', 'aria-expanded': 'false' }, 'Correct this answer');
    const correction = h('textarea', { rows: 3, required: true, value: turn.content });
    const sendCorrection = h('button', { type: 'submit' }, 'Send correction');
    const form = h('form', { class: 'correction', hidden: true, 'aria-label': 'Correct this answer' },
      field('The answer that should have been given', correction),
      h('div', { class: 'row' }, sendCorrection,
        h('button', { type: 'button', onclick: () => toggle(false) }, 'Cancel')));
    function toggle(open) {
      form.hidden = !open;
      correct.setAttribute('aria-expanded', String(open));
      if (open) correction.focus();
      else correct.focus();
    }
    correct.addEventListener('click', () => toggle(form.hidden));
    good.addEventListener('click', () => busy(good, () => rate(1)));
    poor.addEventListener('click', () => busy(poor, () => rate(-1)));
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const text = correction.value.trim();
      if (!text) return;
      busy(sendCorrection, () => rate(turn.rating ?? -1, text));
    });
    return h('div', { class: 'feedback' },
      h('div', { class: 'row', role: 'group', 'aria-label': 'Rate this answer' }, good, poor, correct), form);
  }

  async function rate(rating, correction) {
    try {
      const before = await traitWeight(turn.specialist);
      const body = { query_id: turn.queryId, rating };
      if (correction) body.correction = correction;
      const out = await api.post('/feedback', body);
      turn.rating = rating;
      turn.feedback = describe(out, rating, correction, before);
      update();
    } catch (e) {
      report(feedbackStatus, e);
    }
  }

  update();
  return { li, update, stream };
}

async function traitWeight(name) {
  try {
    const all = await api.get('/traits');
    return (all.traits || []).find((t) => t.name === name)?.weight ?? null;
  } catch {
    return null;
  }
}

function describe(out, rating, correction, before) {
  const what = correction ? 'Correction saved' : rating > 0 ? 'Rated good' : 'Rated poor';
  if (out.status === 'queued') return `${what}: the database is away, so it waits on disk and is applied when it is back.`;
  const parts = [`${what}. Reward now ${num(out.reward)}.`];
  if (out.trait) {
    const from = before == null ? '' : `${num(before, 3)} → `;
    parts.push(`${out.trait.name} weight ${from}${num(out.trait.weight, 3)}`);
  }
  parts.push(`(${EFFECTS[out.trait_effect] || out.trait_effect}).`);
  return parts.join(' ');
}

function explanation(d) {
  const route = d.decision || {};
  const master = route.master || {};
  const masterText = master.asked
    ? `asked: ${master.outcome}${master.choice ? `, chose ${master.choice}` : ''}${master.confidence != null ? ` (${num(master.confidence)})` : ''}`
    : 'not asked';
  const wrap = h('div', { class: 'explanation' });
  wrap.append(facts([
    ['Confidence', num(d.answer?.confidence)],
    ['Reward', num(d.reward?.value)],
    ['Routed by', `${route.method || '—'}${route.forced ? ' (chosen by you)' : ''}`],
    ['Route confidence', num(route.confidence)],
    ['Margin', num(route.margin)],
    ['Master model', masterText],
    ['Latency', d.latency_ms == null ? null : `${d.latency_ms} ms`],
  ]));
  const chart = scoresChart(route.scores, d.specialist);
  if (chart) wrap.append(chart);
  const items = d.context?.items || [];
  if (items.length) {
    wrap.append(h('p', { class: 'used-label' }, 'Used:'), h('ul', { class: 'context' }, items.map(citation)));
  }
  return wrap;
}

function citation(item) {
  switch (item.kind) {
    case 'memory':
      return h('li', null, h('cite', null, `[memory ${item.id}]`), ` relevance ${num(item.score)}`);
    case 'fact':
      return h('li', null, h('cite', null, `[fact ${item.id}]`));
    default:
      return h('li', null, `${item.kind}: ${item.text ?? ''}`);
  }
}
