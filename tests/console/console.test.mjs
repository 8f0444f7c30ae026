// The web console end to end, in Debian's headless Chromium driven by playwright-core. Run by
// tests/integration/console_test.cpp against a running gateway and sandbox:
//
//   GATEWAY   the gateway's API (http://127.0.0.1:port)
//   SANDBOX   the sandbox's control (http://127.0.0.1:port)
//   OPERATOR, AUDITOR, NATIONAL   the tokens of an operator, an auditor and the RU caller
//   REPORTS   a folder with report-1.xml and report-2.xml (distinct EDocIds): EDOC1, EDOC2
//   REPORT_NUMBER   the reports' number, for the deadline events
//   TODAY     the gateway's today (YYYY-MM-DD)
//   SHOTS     where the screenshots go
//
// It signs in, submits a report and sees it acknowledged, makes a dead letter and requeues it,
// reads the deadline board, the register and the routes, switches to Russian, and checks what an
// auditor and a member state's token may do. Exit 0 when every check passed.

import {chromium} from 'playwright-core';
import {mkdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';

const env = (name) => {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
};
const GATEWAY = env('GATEWAY');
const SANDBOX = env('SANDBOX');
const SHOTS = env('SHOTS');
const TIMEOUT = 60_000;
mkdirSync(SHOTS, {recursive: true});

let checks = 0;
function check(condition, what) {
  if (!condition) throw new Error('check failed: ' + what);
  checks += 1;
  console.log('ok ' + checks + ' - ' + what);
}

async function call(method, path, token, body, contentType) {
  const reply = await fetch(GATEWAY + path, {
    method,
    headers: {Authorization: 'Bearer ' + token, 'Content-Type': contentType || 'application/json'},
    body,
  });
  const text = await reply.text();
  return {status: reply.status, body: text ? JSON.parse(text) : null};
}

function daysBefore(today, n) {
  const d = new Date(today + 'T00:00:00Z');
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
});
const page = await browser.newPage({viewport: {width: 1360, height: 900}, locale: 'en-US'});
page.setDefaultTimeout(TIMEOUT);
const problems = [];
page.on('pageerror', (e) => problems.push('page error: ' + e.message));
page.on('console', (m) => {
  if (m.type() === 'error') problems.push('console error: ' + m.text());
});
const shot = (name) => page.screenshot({path: join(SHOTS, name + '.png'), fullPage: true});

// Reloads the view until `selector` is on the page (the gateway moves on between looks).
async function until(selector, hash) {
  const deadline = Date.now() + TIMEOUT;
  for (;;) {
    if (hash) await page.evaluate((h) => { location.hash = h; }, hash);
    const found = await page.locator(selector).count();
    if (found > 0) return;
    if (Date.now() > deadline) throw new Error('never saw ' + selector + ' on ' + hash);
    await page.evaluate(() => window.dispatchEvent(new HashChangeEvent('hashchange')));
    await page.waitForFunction(() => !document.getElementById('main').hasAttribute('aria-busy'));
  }
}

try {
  // A member state's token does not open the console.
  await page.goto(GATEWAY + '/');
  check(page.url().endsWith('/console/'), 'the root sends to /console/');
  await page.fill('#token', env('NATIONAL'));
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#signin-error:not(:empty)');
  check((await page.textContent('#signin-error')).includes('member state'),
    'a member state\'s token is turned away with the reason');

  // The operator signs in.
  await page.fill('#token', env('OPERATOR'));
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
  check((await page.textContent('#who')).includes('operator'), 'the operator is signed in');

  // A report submitted by the national system is acknowledged, and found by its EDocId.
  const report1 = readFileSync(join(env('REPORTS'), 'report-1.xml'), 'utf8');
  const submitted = await call('POST', '/v1/documents', env('NATIONAL'), report1,
    'application/xml');
  check(submitted.status === 202, 'the report is accepted: ' + submitted.status);
  const id1 = submitted.body.id;
  await until(`#messages tr[data-id="${id1}"] .state-acknowledged`,
    '#/messages?q=' + encodeURIComponent(env('EDOC1')));
  // The search finds the report, and the Commission's R.006 about it (which names the EDocId).
  const found = await page.locator('#messages tbody tr').evaluateAll((rows) =>
    rows.map((r) => r.children[2].textContent + ' ' + r.children[5].textContent));
  check(found.filter((r) => r.startsWith('inspection-report')).length === 1 &&
    found.every((r) => r.startsWith('inspection-report') || r.startsWith('processing-result')),
  'the search by EDocId finds that report and what answers it: ' + found.join('; '));
  await shot('messages');

  // Its page: the validation report, the signature, the history, the deliveries, the envelope.
  await page.click(`#messages tr[data-id="${id1}"] a`);
  await page.waitForSelector('#message-id');
  check((await page.textContent('#message-id')) === id1, 'the message page is the report\'s');
  check(await page.locator('#verdict').count() === 1, 'the validation report is shown');
  check((await page.textContent('#signature')).includes('ecdsa-p256 by CN='),
    'the signature is shown: the algorithm and the signer');
  check(await page.locator('dl.summary dt', {hasText: 'conversationId'}).count() === 1 &&
    !(await page.textContent('main')).includes('[object'),
  'the envelope\'s fields are shown as fields');
  check((await page.textContent('#history')).includes('acknowledged'),
    'the history ends acknowledged');
  check(await page.locator('#deliveries .delivery').count() >= 1, 'its delivery is shown');
  await page.click('#show-envelope');
  await page.waitForSelector('#envelope:not([hidden])');
  check((await page.textContent('#envelope')).includes('Envelope'), 'the envelope is shown');
  check(await page.locator('#requeue, #cancel').count() === 0,
    'an acknowledged message offers no requeue or cancel');
  await shot('message');

  // A dead letter: the Commission's endpoint fails once and the gateway tries only once.
  const misbehave = await fetch(SANDBOX + '/sandbox/misbehave', {method: 'POST',
    headers: {'Content-Type': 'application/json'}, body: JSON.stringify({what: '5xx', count: 1})});
  check(misbehave.ok, 'the sandbox will fail the next send');
  const report2 = readFileSync(join(env('REPORTS'), 'report-2.xml'), 'utf8');
  const second = await call('POST', '/v1/documents', env('NATIONAL'), report2, 'application/xml');
  check(second.status === 202, 'the second report is accepted');
  const id2 = second.body.id;
  await until(`#dead tr[data-id="${id2}"]`, '#/dead');
  await page.click('#dry-run');
  await page.waitForSelector('#bulk-outcome:not(:empty)');
  check((await page.textContent('#bulk-outcome')).includes('1 matched'),
    'the dry run matches the one dead letter and requeues nothing');
  check(await page.locator(`#dead tr[data-id="${id2}"]`).count() === 1,
    'after the dry run it is still dead');
  await shot('dead-letters');
  await page.click(`#dead tr[data-id="${id2}"] button.requeue`);
  await until(`#message-state .state-acknowledged`, '#/message/' + id2);
  check((await page.textContent('#history')).includes('requeued by ops (operator)'),
    'the requeue is in the history with who made it');
  await shot('requeued');

  // The deadline board: an overdue deadline before an open one, days off marked.
  const number = env('REPORT_NUMBER');
  const today = env('TODAY');
  for (const [kind, reference, days] of [['test-protocol', 'TP-1', 2],
    ['claim-received', 'CL-1', 60]]) {
    const started = await call('POST', '/v1/deadlines/events', env('NATIONAL'),
      JSON.stringify({kind, report: number, reference, date: daysBefore(today, days)}));
    check(started.status === 200, `the ${kind} event starts a deadline: ${started.status} ` +
      JSON.stringify(started.body));
  }
  await until('#board tr.deadline.overdue', '#/deadlines');
  const rows = page.locator('#board tr.deadline');
  check(await rows.count() >= 2, 'the board has the open deadlines');
  check(await rows.first().evaluate((r) => r.classList.contains('overdue')),
    'an overdue deadline comes first');
  check(await page.locator('#board tr.deadline:not(.overdue) .cell.left').count() > 0,
    'the open deadline shows business days left');
  check(await page.locator('#board .cell.off').count() > 0, 'days off are marked on the bars');
  await shot('deadlines');

  // The register, and the routes with the certificates and the day's chart.
  await until('main[data-view="register"] h1', '#/register');
  await shot('register');
  await until('#routes tbody tr', '#/health');
  check((await page.textContent('#routes')).includes('127.0.0.1'), 'the route is listed');
  check((await page.textContent('#certificates')).includes('signing'),
    'the signing certificate\'s expiry is listed');
  const hours = await page.locator('#activity g.hour').evaluateAll((gs) =>
    gs.reduce((sum, g) => sum + Number(g.dataset.total), 0));
  check(hours >= 2, 'the chart counts the day\'s messages: ' + hours);
  await page.click('#reload');
  await page.waitForSelector('#status:not(:empty)');
  check((await page.textContent('#status')).includes('Reloaded'), 'the configuration reloads');
  await shot('health');

  // Russian.
  await page.click('#lang');
  await until('#board', '#/deadlines');
  check(await page.evaluate(() => document.documentElement.lang) === 'ru', 'the page is Russian');
  check((await page.textContent('#nav')).includes('Сообщения'), 'the menu is in Russian');
  check((await page.textContent('main h1')) === 'Табло сроков', 'the board\'s title is Russian');
  await shot('deadlines-ru');
  await until('#message-id', '#/message/' + id1);
  check((await page.textContent('main')).includes('История состояний'),
    'the message page is in Russian');
  await shot('message-ru');
  await page.click('#lang');

  // An auditor sees the dead letters' page without its buttons, and cannot act through the API.
  await page.click('#signout');
  await page.waitForSelector('#token');
  await page.fill('#token', env('AUDITOR'));
  await page.click('#signin button[type=submit]');
  await page.waitForSelector('#nav:not([hidden])');
  await until('main[data-view="dead"] h1', '#/dead');
  check(await page.locator('#dry-run, #requeue-all, button.requeue').count() === 0,
    'an auditor is offered no requeue');
  const refused = await call('POST', '/v1/admin/reload', env('AUDITOR'));
  check(refused.status === 403, 'an auditor cannot reload the configuration');

  check(problems.length === 0, 'no script errors on any page: ' + problems.join('; '));
  console.log(`${checks} passed, 0 failed`);
} catch (e) {
  await shot('failure').catch(() => {});
  console.log('main: ' + (await page.locator('main').textContent().catch(() => '?')));
  console.log('problems: ' + problems.join('; '));
  console.error(e.stack || String(e));
  console.log(`${checks} passed, 1 failed`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
