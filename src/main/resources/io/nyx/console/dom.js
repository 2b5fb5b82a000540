// Building the page from elements and text nodes only: no markup is ever parsed from a string,
// so no text from the server can become markup.

/**
 * h('button', {type: 'button', onclick: f, 'aria-label': 'Close'}, 'x') — an element with
 * attributes (false and null leave one out, true sets it empty), listeners (on...), a class
 * (class), data attributes (dataset) and children (strings become text nodes).
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v == null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'value') el.value = v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c == null || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

let ids = 0;
/** A fresh id for label/for and aria-describedby pairs. */
export function uid(prefix = 'f') {
  ids += 1;
  return `${prefix}-${ids}`;
}

/** A labelled field: label above its control. */
export function field(label, control, hint) {
  if (!control.id) control.id = uid();
  const parts = [h('label', { for: control.id }, label), control];
  if (hint) {
    const hintId = uid('hint');
    control.setAttribute('aria-describedby', hintId);
    parts.push(h('small', { id: hintId, class: 'muted' }, hint));
  }
  return h('div', { class: 'field' }, parts);
}

/** A number with at most `digits` decimals, or a dash for null. */
export function num(x, digits = 2) {
  if (x == null || Number.isNaN(Number(x))) return '—';
  return Number(x).toFixed(digits);
}

export function signed(x, digits = 2) {
  if (x == null) return '—';
  const s = Number(x).toFixed(digits);
  return x > 0 ? `+${s}` : s;
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

export function ms(x) {
  return x == null ? '—' : `${Math.round(x)} ms`;
}

/** A definition list from [term, value] pairs; null values are left out. */
export function facts(pairs, cls = 'facts') {
  const dl = h('dl', { class: cls });
  for (const [term, value] of pairs) {
    if (value == null) continue;
    dl.append(h('dt', null, term), h('dd', null, value));
  }
  return dl;
}

/** A polite status line for screen readers and eyes. */
export function status(text = '') {
  return h('p', { class: 'status', role: 'status' }, text);
}

/** Moves focus to a view's heading after navigation, so keyboard users start there. */
export function focusHeading(root) {
  const heading = root.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}

/** Shows an error (an ApiError's message says what to do) or a plain text in a status element. */
export function report(el, what, isError = true) {
  el.textContent = what instanceof Error ? what.message : String(what);
  el.classList.toggle('error', isError);
  el.classList.toggle('ok', !isError);
  return el;
}

/** Disables a button while `work` runs; returns its result. */
export async function busy(button, work) {
  button.disabled = true;
  button.setAttribute('aria-busy', 'true');
  try {
    return await work();
  } finally {
    button.disabled = false;
    button.removeAttribute('aria-busy');
  }
}
