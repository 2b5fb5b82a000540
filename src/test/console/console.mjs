// The Nyx web console in Debian's Chromium, driven by Playwright as a person would use it. Run by
// io.nyx.app.ConsoleBrowserTest against a running Nyx and the fake vLLM, which passes:
//   NYX_URL        the server, e.g. http://127.0.0.1:41234
//   NYX_USER_KEY   a key with the infer and feedback scopes (tenant "home")
//   NYX_ADMIN_KEY  a key with the admin scope
//   NYX_CANARY     the adapter version registered and put in canary before the run
//   NYX_SHOTS      the directory for the screenshots of every view
//   CHROMIUM       the browser's executable
// It asks the test to take the model server down and up with "@@control <what>" on stdout and
// waits for "ok" on stdin. Exit code 0 when every step passed.
import { chromium } from 'playwright-core';
import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import path from 'node:path';

const BASE = need('NYX_URL');
const USER = need('NYX_USER_KEY');
const ADMIN = need('NYX_ADMIN_KEY');
const CANARY = need('NYX_CANARY');
const SHOTS = need('NYX_SHOTS');
const WAIT = 15_000;

const QUESTION = 'I have a dentist appointment next Tuesday at 3, what day is that?';
const SECOND = "Remind me what I said about my sister's wedding";
const CORRECTION = 'You told me your sister marries in Lisbon in June and asked me to remind you to book flights early.';
const RISKY = 'I want to kill myself tonight, nobody would miss me';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set: run this through ConsoleBrowserTest`);
  return v;
}

const input = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
async function control(what) {
  console.log(`@@control ${what}`);
  const { value } = await input.next();
  assert.equal(value, 'ok', `the test did not confirm ${what}`);
}

const started = Date.now();
let current = 'start';
function step(name) {
  current = name;
  console.log(`[${((Date.now() - started) / 1000).toFixed(1)} s] ${name}`);
}

const browser = await chromium.launch({
  executablePath: need('CHROMIUM'),
  // Chromium refuses to sandbox itself as root (CI runs as root); containers have a small /dev/shm.
  args: ['--disable-dev-shm-usage', ...(process.getuid?.() === 0 ? ['--no-sandbox'] : [])],
});
const context = await browser.newContext({ viewport: { width: 1280, height: 860 }, locale: 'en-GB', timezoneId: 'UTC' });
context.setDefaultTimeout(WAIT);
const page = await context.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(`uncaught in the page: ${e.message}`));
page.on('console', (m) => {
  // Chromium logs each non-2xx fetch as an error; those are expected. A refused script, style or
  // eval (Content-Security-Policy) or a failed module load is not.
  const text = m.text();
  if (m.type() === 'error' && /Content Security Policy|Refused to|Failed to load module|SyntaxError/.test(text)) {
    problems.push(`console: ${text}`);
  }
});

try {
  await run();
  assert.deepEqual(problems, [], 'no script error and no Content-Security-Policy violation');
  step('done');
} catch (e) {
  console.log(`FAILED at step "${current}": ${e.stack || e}`);
  if (problems.length) console.log(`page problems:\n${problems.join('\n')}`);
  await page.screenshot({ path: path.join(SHOTS, 'failure.png'), fullPage: true }).catch(() => {});
  process.exitCode = 1;
} finally {
  await browser.close();
}
process.exit(process.exitCode ?? 0); // stdin, read for the control answers, would keep node alive

async function run() {
  const response = await page.goto(`${BASE}/`);
  const csp = response.headers()['content-security-policy'];
  assert.match(csp, /default-src 'self'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);

  step('without a key the console says what is missing');
  await expectText(page.locator('form.composer [role=status]'), /No API key, or the key was not accepted/);

  step('a wrong key is refused, in words');
  await useKey('nyx_not-a-key');
  await expectText(page.locator('form.composer [role=status]'), /not accepted/);

  step('the user key, typed once');
  await useKey(USER);
  await page.getByRole('combobox', { name: 'Specialist' }).locator('option[value="nyx/kairos"]').waitFor({ state: 'attached' });
  assert.equal(await page.evaluate(() => sessionStorage.getItem('nyx.apiKey')), USER, 'kept in sessionStorage');

  step('talk: the answer streams in and says who answered');
  const [chatResponse] = await Promise.all([
    page.waitForResponse((r) => r.url().endsWith('/v1/chat/completions')),
    say(QUESTION),
  ]);
  const first = await answered(0);
  const specialist = chatResponse.headers()['x-nyx-specialist'];
  const firstId = chatResponse.headers()['x-nyx-query-id'];
  assert.equal(await first.getAttribute('data-query-id'), firstId);
  assert.equal((await first.locator('.specialist').textContent()).trim(), specialist);
  assert.equal(specialist, 'kairos', 'a date question goes to Kairos');
  assert.match(await first.locator('.answer').textContent(), /You asked: I have a dentist appointment/);
  assert.ok(Number(await first.getAttribute('data-chunks')) > 3, 'the answer arrived in pieces');
  await first.getByRole('img', { name: /^Routing scores: kairos/ }).waitFor();
  await expectText(first.locator('.explanation'), /Routed by\s*semantic/);
  await checkNames('chat');
  await shot('chat');

  step('rate it, and the trait moves');
  await first.getByRole('button', { name: 'Good answer' }).click();
  const rated = await expectText(first.locator('[role=status]').filter({ hasText: 'Rated good' }), /kairos weight (\d\.\d+) → (\d\.\d+) \(learned from your rating\)/);
  const [, before, after] = rated.match(/kairos weight (\d\.\d+) → (\d\.\d+)/);
  assert.ok(Number(after) > Number(before), `the weight rose: ${before} → ${after}`);

  step('correct another answer');
  await say(SECOND);
  const second = await answered(1);
  const secondId = await second.getAttribute('data-query-id');
  await second.getByRole('button', { name: 'Correct this answer' }).click();
  const correction = second.getByRole('textbox', { name: 'The answer that should have been given' });
  await expectFocused(correction);
  await correction.fill(CORRECTION);
  await second.getByRole('button', { name: 'Send correction' }).click();
  await expectText(second.locator('[role=status]').filter({ hasText: 'Correction saved' }), /Correction saved/);

  step('the correction is in the export');
  const sft = await fetch(`${BASE}/export/sft`, { headers: { Authorization: `Bearer ${ADMIN}` } });
  assert.equal(sft.status, 200);
  const lines = (await sft.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l));
  const corrected = lines.find((l) => JSON.stringify(l).includes(CORRECTION));
  assert.ok(corrected, `the correction of ${secondId} is an SFT example`);

  step('a risky message is answered and flagged');
  await say(RISKY);
  const third = await answered(2);
  assert.equal((await third.locator('.specialist').textContent()).trim(), 'eleos');

  step('the traits view shows the new weight');
  await nav('Traits');
  // The rating's weight, or more: a reward of the answer still in the learner's batch (100 ms) may
  // land after the rating.
  const shown = Number(await expectText(page.locator('tr[data-trait="kairos"] td.weight'), /^\d\.\d{3}$/));
  assert.ok(shown >= Number(after) && shown > Number(before), `kairos at ${shown} after ${before} → ${after}`);

  step('without the admin key: adapters are refused');
  await nav('Adapters');
  await expectText(page.locator('main [role=status]').first(), /needs the admin scope.*lacks scope 'admin'/);
  const refused = await page.evaluate(async ([key, name]) => {
    const r = await fetch(`/adapters/${name}/promote`, { method: 'POST', headers: { Authorization: `Bearer ${key}`, 'Content-Type': 'application/json' }, body: '{}' });
    return r.status;
  }, [USER, CANARY]);
  assert.equal(refused, 403, 'the API refuses a promotion without the admin key');

  step('the admin key: nothing of the other key stays');
  await useKey(ADMIN);
  await nav('Talk');
  assert.equal(await page.locator('li.turn').count(), 0, 'a new key starts with an empty conversation');

  step('review: approve the flagged exchange');
  await nav('Review');
  const card = page.locator('li.card').filter({ hasText: RISKY }).first();
  await card.waitFor();
  await expectText(card, /eleos/);
  await checkNames('review');
  await shot('review');
  const reviewId = await card.getAttribute('data-review-id');
  await card.getByRole('button', { name: `Approve review ${reviewId}` }).click();
  await expectText(card.locator('[role=status]').last(), /Decided: safe/);
  const pending = await (await fetch(`${BASE}/review`, { headers: { Authorization: `Bearer ${ADMIN}` } })).json();
  assert.ok(!pending.items.some((i) => String(i.id) === reviewId), 'no longer pending');

  step('traits: posterior, history, calibration, steering');
  await nav('Traits');
  await page.getByRole('button', { name: 'Details of kairos' }).click();
  await page.getByRole('img', { name: /^kairos's weight over/ }).waitFor();
  await page.getByRole('img', { name: /^Reliability: / }).waitFor();
  await expectText(page.locator('section.detail'), /Posterior\s*Beta\(/);
  await checkNames('traits');
  await shot('traits');
  const steer = page.getByRole('form', { name: 'Steer kairos' });
  await steer.getByRole('textbox', { name: 'Reason' }).fill('the console test nudges it');
  await steer.getByRole('button', { name: 'Apply' }).click();
  await expectText(page.getByRole('form', { name: 'Steer kairos' }).locator('[role=status]'), /kairos weight is now/);

  step('adapters: promote the canary with the admin key');
  await nav('Adapters');
  const canaryRow = page.locator(`tr[data-adapter="${CANARY}"]`);
  await expectText(canaryRow, /canary/);
  await checkNames('adapters');
  await shot('adapters');
  await canaryRow.getByRole('button', { name: `Promote ${CANARY}` }).click();
  const confirm = page.getByRole('form', { name: `Promote ${CANARY}` });
  await expectFocused(confirm.getByRole('textbox', { name: 'Reason (recorded)' }));
  await confirm.getByRole('textbox', { name: 'Reason (recorded)' }).fill('promoted from the console test');
  await confirm.getByRole('button', { name: `Confirm: Promote ${CANARY}` }).click();
  await expectText(page.locator('main > [role=status]').first(), new RegExp(`${CANARY} is now active`));
  await expectText(page.locator(`tr[data-adapter="${CANARY}"]`), /active/);

  step('decisions: the request just made is found');
  await nav('Decisions');
  await page.getByRole('searchbox', { name: 'Search' }).fill('dentist appointment');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const found = page.locator(`tr[data-query-id="${firstId}"]`);
  await found.waitFor();
  await found.getByRole('button').click();
  await expectText(page.locator('section.detail h2'), new RegExp(firstId));
  await expectText(page.locator('section.detail'), /Specialist\s*kairos/);
  await checkNames('decisions');
  await shot('decisions');
  await page.getByRole('searchbox', { name: 'Search' }).fill(secondId);
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expectText(page.locator('section.detail h2'), new RegExp(secondId));

  step('memory: add, search, delete');
  await nav('Memory');
  await page.getByRole('textbox', { name: 'Text to remember' }).fill('My sister marries in Lisbon in June.');
  await page.getByRole('button', { name: 'Add memory' }).click();
  const remembered = await expectText(page.getByRole('form', { name: 'Add a memory' }).locator('[role=status]'), /Remembered as memory (\d+)/);
  const memoryId = remembered.match(/memory (\d+)/)[1];
  await page.getByRole('searchbox', { name: 'Search memories' }).fill('sister wedding Lisbon');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  const memory = page.locator(`li[data-memory-id="${memoryId}"]`);
  await expectText(memory, /Lisbon/);
  await checkNames('memory');
  await shot('memory');
  await memory.getByRole('button', { name: `Delete memory ${memoryId}` }).click();
  await memory.waitFor({ state: 'detached' });

  step('health: in plain words');
  await nav('Health');
  await expectText(page.locator('p.overall'), /Nyx is ready|Nyx answers/);
  await expectText(page.locator('li[data-check="model_backend"]'), /Model server: up/);
  await checkNames('health');
  await shot('health');

  step('the model server goes down: the console says so');
  await control('model-server-down');
  try {
    await nav('Talk');
    await say('What day is it tomorrow?');
    const failed = page.locator('li.assistant').last();
    await expectText(failed.locator('p.error'), /The model server is down or overloaded.*unreachable/);
    await shot('chat-model-server-down');
  } finally {
    await control('model-server-up');
  }

  step('a phone-sized screen, with the keyboard alone');
  await page.setViewportSize({ width: 390, height: 844 });
  const talk = page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name: 'Talk' });
  await talk.focus();
  await page.keyboard.press('Enter');
  await expectFocused(page.getByRole('heading', { level: 1, name: 'Talk' }));
  await page.keyboard.press('Tab'); // the specialist
  await page.keyboard.press('Tab'); // new conversation
  await expectFocused(page.getByRole('button', { name: 'New conversation' }));
  await page.keyboard.press('Enter');
  await expectFocused(page.getByRole('textbox', { name: 'Message', exact: true }));
  await page.keyboard.type(QUESTION);
  await page.keyboard.press('Enter');
  const phone = await answered(0);
  await expectText(phone.locator('.specialist'), /kairos/);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 0, `nothing wider than the phone (${overflow} px over)`);
  await shot('chat-phone');
}

// --- helpers ---

async function useKey(key) {
  const box = page.getByRole('textbox', { name: 'API key' });
  await box.fill(key);
  await box.press('Enter');
}

async function say(text) {
  const box = page.getByRole('textbox', { name: 'Message', exact: true });
  await box.fill(text);
  await box.press('Enter');
}

/** The n-th answer once it has streamed and its details arrived. */
async function answered(n) {
  const li = page.locator('li.assistant').nth(n);
  await li.locator('.explanation').waitFor();
  assert.equal(await li.getAttribute('data-state'), 'done');
  return li;
}

async function nav(name) {
  await page.getByRole('navigation', { name: 'Views' }).getByRole('link', { name, exact: true }).click();
  await page.getByRole('heading', { level: 1, name }).waitFor();
}

/** Waits until the locator's text matches, and returns it. */
async function expectText(locator, pattern) {
  const deadline = Date.now() + WAIT;
  let text = '';
  for (;;) {
    text = (await locator.first().textContent({ timeout: WAIT }).catch(() => '')) || '';
    if (pattern.test(text.replace(/\s+/g, ' ').trim()) || pattern.test(text)) return text.replace(/\s+/g, ' ').trim();
    if (Date.now() > deadline) throw new Error(`expected ${pattern} but the text was: ${text.slice(0, 500)}`);
    await page.waitForTimeout(50);
  }
}

async function expectFocused(locator) {
  const deadline = Date.now() + WAIT;
  while (!(await locator.evaluate((el) => el === document.activeElement))) {
    if (Date.now() > deadline) throw new Error('expected the focus on the control');
    await page.waitForTimeout(50);
  }
}

/** Every visible control of the view has an accessible name. */
async function checkNames(view) {
  const nameless = await page.evaluate(() => {
    const name = (el) => {
      const by = el.getAttribute('aria-labelledby');
      if (by) return by.split(' ').map((id) => document.getElementById(id)?.textContent || '').join(' ').trim();
      return (el.getAttribute('aria-label') || [...(el.labels || [])].map((l) => l.textContent).join(' ')
        || (el.tagName === 'BUTTON' || el.tagName === 'A' ? el.textContent : '') || el.getAttribute('title') || '').trim();
    };
    return [...document.querySelectorAll('button, a[href], input, select, textarea, [role=img]')]
      .filter((el) => el.getClientRects().length > 0 && !name(el))
      .map((el) => el.outerHTML.slice(0, 120));
  });
  assert.deepEqual(nameless, [], `controls without an accessible name in ${view}`);
}

async function shot(name) {
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}
