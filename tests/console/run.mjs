// The staff console's browser tests: playwright-core drives Debian's chromium, headless, against
// a real gateway filled by the vendor simulator; axe-core checks every page. Screenshots go to
// <build>/console-screenshots/. Usage: node run.mjs <build dir>. Exit status 1 on any failure.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';
import { ACCOUNTS, adminGet, postHostileResult, runVendorSimulator, startGateway } from './rig.mjs';
import { securityChecks } from './security.mjs';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const buildDir = process.argv[2] || join(process.cwd(), 'build');
const shots = join(buildDir, 'console-screenshots');
mkdirSync(shots, { recursive: true });

let passed = 0;
const failures = [];
function check(name, ok, detail) {
  if (ok) passed += 1;
  else failures.push(`${name}${detail === undefined ? '' : ` (got ${JSON.stringify(detail)})`}`);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
}

async function axe(page, name) {
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`${name}: axe finds no serious or critical violation`, bad.length === 0,
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
}

async function shot(page, name) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
}

async function signInByKeyboard(page, account) {
  await page.goto('/console/');
  await page.waitForSelector('#sign-in:not([hidden])');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'sign-in-name');
  await page.keyboard.type(account.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(account.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#who:not([hidden])');
}

async function overview(page, gateway) {
  await page.goto('/console/#/overview');
  await page.waitForSelector('[data-figure="open-quarantine"]');
  const health = await adminGet(gateway, '/v1/admin/vendors/health');
  // Counted from another route than the one the page reads: the open entries themselves.
  const open = (await adminGet(gateway, '/v1/admin/quarantine?state=open&limit=1000')).items.length;
  const shown = await page.textContent('[data-figure="open-quarantine"]');
  check('overview: open quarantine equals the API\'s (and is not zero)', Number(shown) === open && open > 0, { shown, open });
  const rows = await page.locator('table').first().locator('tbody tr').count();
  check('overview: one row per vendor of the API', rows === health.items.length, { rows, api: health.items.length });
  const columns = await page.locator('table').first().locator('thead th').allTextContents();
  const at = (label) => columns.indexOf(label);
  for (const v of health.items) {
    const cells = await page.locator('table').first().locator('tbody tr', { hasText: v.vendor }).first().locator('td').allTextContents();
    const figures = { accepted: Number(cells[at('Accepted')]), refused: Number(cells[at('Refused')]),
      open: Number(cells[at('Open quarantine')]), pending: Number(cells[at('CRM events pending')]), lastSeen: cells[at('Last seen')] };
    check(`overview: ${v.vendor}'s figures equal the API's`, figures.accepted === v.accepted && figures.refused === v.rejected &&
      figures.open === v.quarantine_open && figures.pending === v.crm_delivery.pending && figures.lastSeen === (v.last_seen_at || '—'),
    { figures, api: [v.accepted, v.rejected, v.quarantine_open, v.crm_delivery.pending, v.last_seen_at] });
  }
  // Problems first: no vendor without a problem is listed above one with a problem.
  const classes = await page.locator('table').first().locator('tbody tr').evaluateAll((trs) => trs.map((t) => t.className));
  check('overview: vendors with problems come first', classes.join(',') === [...classes].sort((a, b) => (b === 'problem') - (a === 'problem')).join(','), classes);
}

async function viewerSession(browser, gateway, errors) {
  const page = await newPage(browser, gateway, errors, { width: 1024, height: 768 });
  await signInByKeyboard(page, ACCOUNTS.viewer);
  check('viewer: signed in by keyboard alone', (await page.textContent('#who-name')).includes('vic (viewer)'));
  await overview(page, gateway);
  await axe(page, 'overview (1024 px)');
  await shot(page, 'overview-1024');
  await page.goto('/console/#/quarantine');
  await page.waitForSelector('#q-list table');
  check('viewer: the quarantine offers no replay', await page.locator('#q-replay-selected').count() === 0);
  // The page's own session (its cookie, its CSRF token), asking what the console would.
  const session = await (await page.request.get('/console/api/session')).json();
  const status = (await page.request.post('/v1/admin/quarantine/replay', {
    headers: { 'x-csrf-token': session.csrf_token }, data: { ids: [1] } })).status();
  check('viewer: a replay from the page is refused (403)', status === 403, status);
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  const after = (await page.request.get('/console/api/session')).status();
  check('viewer: signed out, the session is gone (401)', after === 401, after);
  await axe(page, 'sign-in');
  await shot(page, 'sign-in');
  await page.close();
}

async function operatorSession(browser, gateway, errors) {
  const page = await newPage(browser, gateway, errors, { width: 1366, height: 900 });
  await signInByKeyboard(page, ACCOUNTS.operator);
  await overview(page, gateway);
  await page.goto('/console/#/quarantine');
  await page.waitForSelector('#q-list table');
  await axe(page, 'quarantine (1366 px)');
  const entries = (await adminGet(gateway, '/v1/admin/quarantine?state=open')).items;
  const shownRows = await page.locator('#q-list tbody tr').count();
  check('quarantine: one row per open entry of the API', shownRows === entries.length, { shownRows, api: entries.length });

  let hostileRow = null;
  for (const e of entries) {
    const full = await adminGet(gateway, `/v1/admin/quarantine/${e.id}`);
    if ((full.raw.body || '').includes('SR-XSS-1')) hostileRow = full;
  }
  check('quarantine: the hostile payload is in the quarantine', hostileRow !== null);
  const hostile = hostileRow;
  await page.click(`[data-inspect="${hostile.id}"]`);
  await page.waitForSelector('#q-raw');
  const raw = await page.textContent('#q-raw');
  check('quarantine: the raw payload is shown as received', raw === hostileRow.raw.body, raw.slice(0, 80));
  check('quarantine: markup in a payload is text, no element made of it',
    await page.locator('#q-detail img, #q-detail script').count() === 0 && !(await page.evaluate(() => window.__xss)));
  await axe(page, 'quarantine entry');
  await shot(page, 'quarantine-entry');

  await page.fill('#q-discard-reason', 'hostile test payload, not a vendor result');
  await page.click('#q-discard');
  await page.waitForSelector('#q-results .ok');
  const discarded = await adminGet(gateway, `/v1/admin/quarantine/${hostile.id}`);
  check('quarantine: discard with a reason is done and shown', discarded.state === 'discarded' &&
    (await page.textContent('#q-results')).includes('discarded'), discarded.state);

  const others = (await adminGet(gateway, '/v1/admin/quarantine?state=open')).items.slice(0, 2);
  for (const e of others) await page.check(`input[data-id="${e.id}"]`);
  await page.click('#q-replay-selected');
  await page.waitForSelector('[data-verdicts] li');
  const verdicts = await page.locator('[data-verdicts] li').allTextContents();
  check('quarantine: a replay of a selection shows each entry\'s new verdict', verdicts.length === others.length &&
    others.every((e) => verdicts.some((v) => v.startsWith(`Entry ${e.id}:`))), verdicts);
  for (const e of others) {
    const now = await adminGet(gateway, `/v1/admin/quarantine/${e.id}`);
    check(`quarantine: entry ${e.id} was replayed (count ${now.replay_count})`, now.replay_count === 1, now.replay_count);
  }
  await shot(page, 'quarantine-replayed');

  await page.goto('/console/#/audit');
  await page.waitForSelector('table');
  const audit = await page.locator('tbody tr').allTextContents();
  check('audit: the replay and the discard are logged with the account',
    audit.some((t) => t.includes('ana') && t.includes('quarantine/replay')) &&
    audit.some((t) => t.includes('ana') && t.includes('discard')), audit.slice(0, 3));
  await axe(page, 'audit log');
  await shot(page, 'audit');
  await page.goto('/console/#/dead-letters');
  await page.waitForSelector('#d-list p, #d-list table');
  await axe(page, 'dead letters');
  await page.close();
}

async function newPage(browser, gateway, errors, viewport) {
  const context = await browser.newContext({ baseURL: gateway.base, viewport });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  return page;
}

const started = Date.now();
const gateway = await startGateway(buildDir);
let browser;
try {
  const sim = runVendorSimulator(buildDir, gateway);
  check('the vendor simulator ran', sim.status === 0 || sim.status === 1, sim.status);
  check('the hostile result is refused', (await postHostileResult(gateway)) >= 400);
  await securityChecks(gateway, check);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const errors = [];
  await viewerSession(browser, gateway, errors);
  await operatorSession(browser, gateway, errors);
  check('no console error on any page', errors.length === 0, errors);
} catch (e) {
  failures.push(`aborted: ${e.stack || e}`);
  console.log(gateway.log.join('').slice(-3000));
} finally {
  if (browser) await browser.close();
  await gateway.stop();
}
console.log(`console browser tests: ${passed} passed, ${failures.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
for (const f of failures) console.log(`FAILED: ${f}`);
process.exit(failures.length ? 1 : 0);
