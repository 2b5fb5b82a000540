// The console's shell: the key, the views and the navigation between them (#/chat, #/review, ...).
import * as api from './api.js';
import { clear, focusHeading } from './dom.js';
import chat from './chat.js';
import review from './review.js';
import traits from './traits.js';
import decisions from './decisions.js';
import adapters from './adapters.js';
import memory from './memory.js';
import health from './health.js';

const VIEWS = { chat, review, traits, decisions, adapters, memory, health };

const main = document.getElementById('main');
const keyForm = document.getElementById('key-form');
const keyInput = document.getElementById('key-input');
const keyState = document.getElementById('key-state');

// What the views keep while the person moves between them (the chat's transcript, filters). It
// belongs to one key: a new key starts from nothing, so nothing seen with one key shows under another.
let session = {};
let shown = null;

function viewName() {
  const name = location.hash.replace(/^#\/?/, '');
  return VIEWS[name] ? name : null;
}

function show(name, focus) {
  if (shown?.cleanup) shown.cleanup();
  clear(main);
  const view = VIEWS[name];
  document.title = `${view.title} · Nyx console`;
  for (const a of document.querySelectorAll('nav.views a')) {
    if (a.dataset.view === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  session[name] ??= {};
  const cleanup = view.mount(main, { state: session[name], session, go });
  shown = { name, cleanup };
  main.dataset.view = name;
  if (focus) focusHeading(main);
}

function go(name) {
  if (location.hash === `#/${name}`) show(name, true);
  else location.hash = `#/${name}`;
}

function describeKey() {
  keyState.textContent = api.getKey()
    ? 'A key is in use in this tab.'
    : 'No key in use: only a keyless loopback server will answer.';
}

function keyChanged() {
  session = {};
  describeKey();
  show(viewName() || 'chat', false);
}

keyForm.addEventListener('submit', (e) => {
  e.preventDefault();
  api.setKey(keyInput.value.trim());
  keyInput.value = '';
  keyChanged();
});

document.getElementById('key-forget').addEventListener('click', () => {
  api.setKey('');
  keyInput.value = '';
  keyChanged();
});

document.getElementById('skip').addEventListener('click', (e) => {
  e.preventDefault();
  focusHeading(main);
});

// A link to the view already shown reloads it and moves the focus there, as a new view would.
for (const a of document.querySelectorAll('nav.views a')) {
  a.addEventListener('click', (e) => {
    if (a.getAttribute('href') === location.hash) {
      e.preventDefault();
      show(a.dataset.view, true);
    }
  });
}

window.addEventListener('hashchange', () => {
  const name = viewName();
  if (name) show(name, true);
});

describeKey();
show(viewName() || 'chat', false);
