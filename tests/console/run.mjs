// The staff console's browser tests: playwright-core drives Debian's chromium, headless, against
// a real gateway filled by the vendor simulator; axe-core checks every page. Screenshots go to
// <build>/console-screenshots/. Usage: node run.mjs <build dir>. Exit status 1 on any failure.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { ACCOUNTS, ADMIN_TOKEN, ORDER, adminGet, createClosedOrder, deadLettersThenGone, postHostileResult, runVendorSimulator,
  startCrmSimulator, startGateway } from './rig.mjs';
import { problemFilter } from './quarantine_filter.mjs';
import { deadLettersAsOperator, deadLettersAsViewer, enableFromOverview } from './dead_letters.mjs';
import { keyboardOnly } from './keyboard.mjs';
import { securityChecks } from './security.mjs';
import { axe, check, expectedStatuses, fitsTablet, newPage, screenshotsIn, shot, signInByKeyboard, tableFits, tally } from './harness.mjs';

const buildDir = process.argv[2] || join(process.cwd(), 'build');
const shots = join(buildDir, 'console-screenshots');
screenshotsIn(shots);

async function overview(page, gateway) {
  await page.goto('/console/#/overview');
  await page.waitForSelector('[data-figure="open-quarantine"]');
  const health = await adminGet(gateway, '/v1/admin/vendors/health');
  // Counted from another route than the one the page reads: the open entries themselves.
  const open = (await adminGet(gateway, '/v1/admin/quarantine?state=open&limit=1000')).items.length;
  const shown = await page.textContent('[data-figure="open-quarantine"]');
  check('overview: open quarantine equals the API\'s (and is not zero)', Number(shown) === open && open > 0, { shown, open });
  const trucks = (await adminGet(gateway, '/v1/trucks')).items.length;
  const trucksShown = await page.textContent('[data-figure="trucks"]');
  check('overview: the trucks figure counts the API\'s trucks', trucksShown.endsWith(` of ${trucks}`), trucksShown);
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

async function findOrder(page, text) {
  await page.fill('#wo-q', text);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#wo-title');
  return page.textContent('#wo-title');
}

async function workOrderPage(page, gateway, orderId) {
  await page.goto('/console/#/work-order');
  await page.waitForSelector('#wo-q');
  const api = await adminGet(gateway, `/v1/admin/work-orders/${orderId}`);
  const title = await findOrder(page, ORDER.case);
  check('work order: found by CRM case number', title.startsWith(ORDER.case), title);
  const outcome = await page.textContent('#wo-outcome');
  const o = api.work_order.outcome;
  check('work order: outcome, reason and customer message as the API has them',
    outcome.includes(o.code) && outcome.includes(o.reason) && outcome.includes(o.customer_message), outcome.slice(0, 200));
  const history = await page.locator('#wo-history li').count();
  check('work order: one timeline entry per history entry', history === api.work_order.history.length && history > 0,
    { history, api: api.work_order.history.length });
  const events = await page.locator('table', { has: page.locator('caption', { hasText: 'CRM events' }) }).locator('tbody tr').count();
  check('work order: one row per CRM event of the API', events === api.events.length && events > 0, { events, api: api.events.length });
  const ev = o.evidence;
  check('work order: GPS distance to the address and time against the window as the API has them',
    outcome.includes(`${ev.gps.distance_m} m`) && outcome.includes(ev.time.replaceAll('_', ' ')), outcome.slice(-300));
  check('work order: a photo address that is a script is not a link',
    await page.locator('a[href^="javascript"]').count() === 0 && (await page.locator('a[href^="https://media.bayhauling"]').count()) === 1);
  await axe(page, 'work order');
  await fitsTablet(page, 'work order');
  await shot(page, 'work-order');
  check('work order: found by vendor reference', (await findOrder(page, ORDER.ticket)).startsWith(ORDER.case));
  check('work order: found by part of the address', (await findOrder(page, ORDER.street.toLowerCase())).startsWith(ORDER.case));
}

async function vendorsPage(page, gateway) {
  await page.goto('/console/#/vendors');
  await page.waitForSelector('#v-list table');
  const health = await adminGet(gateway, '/v1/admin/vendors/health');
  const versions = await page.locator('#v-list tbody tr').evaluateAll((trs) => trs.map((t) => t.children[1].textContent));
  check('vendors: each mapping version as the API has it', versions.join() === health.items.map((v) => v.mapping_version).join(), versions);
  await axe(page, 'vendors');
  await fitsTablet(page, 'vendors');
  const mapping = join(gateway.dir, 'vendors', 'bay-hauling', 'mapping.json');
  const good = readFileSync(mapping, 'utf8');
  writeFileSync(mapping, JSON.stringify({ ...JSON.parse(good), time_zone: 5 }));
  expectedStatuses.add(422);
  await page.click('#v-reload');
  await page.waitForSelector('#v-result table');
  expectedStatuses.delete(422);
  const errors = await page.locator('#v-result tbody tr').allTextContents();
  check('vendors: a reload is refused with each error by file and pointer',
    errors.length > 0 && errors.some((t) => t.includes('bay-hauling/mapping.json') && t.includes('/time_zone')), errors);
  await axe(page, 'vendors, reload refused');
  await fitsTablet(page, 'vendors, reload refused');
  await shot(page, 'vendors-reload-refused');
  const still = await adminGet(gateway, '/v1/admin/vendors/health');
  check('vendors: the previous mappings keep serving', still.items.map((v) => v.mapping_version).join() === versions.join());
  writeFileSync(mapping, good);
  await page.click('#v-reload');
  await page.waitForSelector('#v-result .ok');
  check('vendors: once mended, the reload is accepted', (await page.textContent('#v-result')).includes('Accepted'));
}

async function reportsPage(page, gateway) {
  await page.goto('/console/#/reports');
  await page.waitForSelector('#r-csv');
  const month = await page.inputValue('#r-month');
  const [y, m] = month.split('-').map(Number);
  const to = `${month}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
  const query = `from=${month}-01&to=${to}`;
  const report = await adminGet(gateway, `/v1/reports/vendors?${query}`);
  check('reports: the month holds the simulator\'s orders', report.vendors.length > 0, report.vendors.length);
  const rows = await page.locator('#r-report table').first().locator('tbody tr').evaluateAll((trs) => trs.map((t) => [...t.children].map((c) => c.textContent)));
  check('reports: each vendor\'s orders, completed and not collected as the API has them', rows.length === report.vendors.length &&
    report.vendors.every((v, i) => rows[i][0] === v.vendor && Number(rows[i][1]) === v.orders &&
      Number(rows[i][2]) === v.completed && Number(rows[i][4]) === v.not_collected), rows);
  check('reports: a chart per figure, one bar per vendor', await page.locator('svg.chart').count() === 2 &&
    await page.locator('svg.chart').first().locator('rect').count() === report.vendors.length);
  await axe(page, 'reports');
  await fitsTablet(page, 'reports');
  await shot(page, 'reports');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#r-csv')]);
  const downloaded = readFileSync(await download.path(), 'utf8');
  const r = await fetch(`${gateway.base}/v1/reports/vendors?${query}&format=csv`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  const expected = await r.text();
  check('reports: the CSV downloaded equals the API\'s CSV', downloaded === expected && expected.split('\n').length > 2, downloaded.slice(0, 120));
}

// A Bay result whose exception code GTL the shipped mapping does not know.
const UNMAPPED = JSON.stringify({ ticket_number: 'BH-TRY-1', service_request: 'SR-TRY-1', status: 'Confirmed Negative',
  exception: { code: 'GTL', description: 'Gate locked' }, service_date: '02/03/2026',
  closed_at: '2026-02-03T13:00:00-08:00', truck: { id: 'BH-T117', driver_id: 'D-5521' } });

async function vendorTry(page, gateway) {
  await page.goto('/console/#/vendors');
  await page.click('[data-vendor="bay-hauling"]');
  await page.waitForSelector('#try-payload');
  const live = await adminGet(gateway, '/v1/admin/vendors/bay-hauling/mapping');
  const codes = await page.locator('section[aria-label="Code table exception_code"] tbody tr').count();
  check('vendors: the code table lists every vendor code of the mapping', codes === Object.keys(live.mapping.value_maps.exception_code.entries).length, codes);
  const openBefore = (await adminGet(gateway, '/v1/admin/quarantine?state=open&limit=1000')).items.length;
  await page.fill('#try-payload', UNMAPPED);
  await page.click('#try-run');
  await page.waitForSelector('#try-summary');
  check('vendors: under the live mapping the unmapped code is refused', (await page.textContent('#try-summary')).includes('0 normalized, 1 refused'),
    await page.textContent('#try-summary'));
  const mapping = JSON.parse(await page.inputValue('#try-mapping'));
  mapping.value_maps.exception_code.entries.GTL = 'ACCESS_BLOCKED';
  await page.fill('#try-mapping', JSON.stringify(mapping, null, 2));
  await page.check('#try-edited');
  await page.click('#try-run');
  await page.waitForFunction(() => document.querySelector('#try-summary')?.textContent.startsWith('edited'));
  const summary = await page.textContent('#try-summary');
  check('vendors: under the edited mapping the same payload is normalized', summary.includes('1 normalized, 0 refused'), summary);
  check('vendors: …with the edited code', (await page.textContent('#try-output')).includes('ACCESS_BLOCKED'));
  await axe(page, 'vendors, a payload tried');
  await fitsTablet(page, 'vendors, a payload tried');
  await shot(page, 'vendors-try');
  mapping.time_zone = 5;
  await page.fill('#try-mapping', JSON.stringify(mapping, null, 2));
  expectedStatuses.add(422);
  await page.click('#try-run');
  await page.waitForSelector('#try-result table');
  expectedStatuses.delete(422);
  const errors = await page.locator('#try-result tbody tr').allTextContents();
  check('vendors: an edited mapping that does not load is refused by file and pointer',
    errors.some((t) => t.includes('mapping.json') && t.includes('/time_zone')), errors);
  const openAfter = (await adminGet(gateway, '/v1/admin/quarantine?state=open&limit=1000')).items.length;
  const stillLive = await adminGet(gateway, '/v1/admin/vendors/bay-hauling/mapping');
  check('vendors: no stray text on the page', !(await page.textContent('#page')).includes('null'));
  check('vendors: trying stored nothing and installed nothing', openAfter === openBefore &&
    stillLive.mapping_version === live.mapping_version && !stillLive.mapping.value_maps.exception_code.entries.GTL, { openBefore, openAfter });
}

// The vendor's unknown code GTL added to its mapping and reloaded: replaying the entries the
// code sent to the quarantine now takes them through the pipeline (the simulator's orders are
// closed by then, so the verdict is the pipeline's: applied, or a conflict kept for review),
// and the page shows each new verdict.
async function replayAfterMappingFix(page, gateway) {
  const open = (await adminGet(gateway, '/v1/admin/quarantine?state=open&vendor=bay-hauling&limit=1000')).items;
  const gtl = [];
  for (const e of open.filter((x) => x.problem_type === 'unmapped-code')) {
    const full = await adminGet(gateway, `/v1/admin/quarantine/${e.id}`);
    if ((full.raw.body || '').includes('"GTL"')) gtl.push(e.id);
  }
  check('quarantine: the simulator\'s unknown code GTL is quarantined', gtl.length > 0, gtl);
  const mappingFile = join(gateway.dir, 'vendors', 'bay-hauling', 'mapping.json');
  const mapping = JSON.parse(readFileSync(mappingFile, 'utf8'));
  mapping.value_maps.exception_code.entries.GTL = 'ACCESS_BLOCKED';
  writeFileSync(mappingFile, JSON.stringify(mapping, null, 2));
  await page.goto('/console/#/vendors');
  await page.waitForSelector('#v-reload');
  await page.click('#v-reload');
  await page.waitForSelector('#v-result .ok');
  await page.goto('/console/#/quarantine');
  await page.waitForSelector('#q-list table');
  for (const id of gtl) await page.check(`input[data-id="${id}"]`);
  await page.click('#q-replay-selected');
  await page.waitForSelector('[data-verdicts] li');
  const verdicts = await page.locator('[data-verdicts] li').allTextContents();
  const after = await Promise.all(gtl.map((id) => adminGet(gateway, `/v1/admin/quarantine/${id}`)));
  check('quarantine: after the mapping fix a replay takes the entries out of the quarantine (state replayed)',
    after.every((e) => e.state === 'replayed'), after.map((e) => e.state));
  check('quarantine: …and the page shows each one\'s new verdict as the API has it',
    after.every((e) => verdicts.some((v) => v.startsWith(`Entry ${e.id}:`) && v.includes(`verdict ${e.replay_verdict}`) && v.includes('(now replayed)'))),
    verdicts);
  await shot(page, 'quarantine-replayed-after-fix');
}

async function viewerSession(browser, gateway, errors, orderId) {
  const page = await newPage(browser, gateway, errors, { width: 1024, height: 768 });
  await signInByKeyboard(page, ACCOUNTS.viewer);
  check('viewer: signed in by keyboard alone', (await page.textContent('#who-name')).includes('vic (viewer)'));
  await overview(page, gateway);
  await axe(page, 'overview (1024 px)');
  await fitsTablet(page, 'overview');
  const vendors = await tableFits(page, 'Vendors');
  check('overview: at 1024 px every column of the vendor table is in view, none scrolled off', vendors.table <= vendors.container, vendors);
  await shot(page, 'overview-1024');
  await workOrderPage(page, gateway, orderId);
  await reportsPage(page, gateway);
  await vendorTry(page, gateway);
  await page.goto('/console/#/quarantine');
  await page.waitForSelector('#q-list table');
  check('viewer: the quarantine offers no replay', await page.locator('#q-replay-selected').count() === 0);
  // The page's own session (its cookie, its CSRF token), asking what the console would.
  const session = await (await page.request.get('/console/api/session')).json();
  const status = (await page.request.post('/v1/admin/quarantine/replay', {
    headers: { 'x-csrf-token': session.csrf_token }, data: { ids: [1] } })).status();
  check('viewer: a replay from the page is refused (403)', status === 403, status);
  await fitsTablet(page, 'quarantine (viewer)');
  await deadLettersAsViewer(page, gateway);
  await keyboardOnly(page);
  await page.goto('/console/#/audit');
  await page.waitForSelector('table');
  await fitsTablet(page, 'audit log (viewer)');
  await page.click('#sign-out');
  await page.waitForSelector('#sign-in:not([hidden])');
  const after = (await page.request.get('/console/api/session')).status();
  check('viewer: signed out, the session is gone (401)', after === 401, after);
  await axe(page, 'sign-in');
  await fitsTablet(page, 'sign-in');
  await shot(page, 'sign-in');
  await page.close();
}

async function operatorSession(browser, gateway, crm, errors) {
  const page = await newPage(browser, gateway, errors, { width: 1366, height: 900 });
  await signInByKeyboard(page, ACCOUNTS.operator);
  await overview(page, gateway);
  await page.goto('/console/#/quarantine');
  await page.waitForSelector('#q-list table');
  await axe(page, 'quarantine (1366 px)');
  const entries = (await adminGet(gateway, '/v1/admin/quarantine?state=open')).items;
  const shownRows = await page.locator('#q-list tbody tr').count();
  check('quarantine: one row per open entry of the API', shownRows === entries.length, { shownRows, api: entries.length });
  await problemFilter(page, gateway);

  let hostileRow = null;
  for (const e of entries) {
    const full = await adminGet(gateway, `/v1/admin/quarantine/${e.id}`);
    if ((full.raw.body || '').includes('SR-XSS-1')) hostileRow = full;
  }
  check('quarantine: the hostile payload is in the quarantine', hostileRow !== null);
  const hostile = hostileRow;
  // By keyboard: the entry's Inspect button takes focus and Enter opens it.
  await page.focus(`[data-inspect="${hostile.id}"]`);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#q-raw');
  check('quarantine: inspecting by keyboard moves focus to the entry',
    await page.evaluate(() => document.activeElement && document.activeElement.id === 'q-detail'));
  const raw = await page.textContent('#q-raw');
  check('quarantine: the raw payload is shown as received', raw === hostileRow.raw.body, raw.slice(0, 80));
  check('quarantine: markup in a payload is text, no element made of it',
    await page.locator('#q-detail img, #q-detail script').count() === 0 && !(await page.evaluate(() => window.__xss)));
  await axe(page, 'quarantine entry');
  await fitsTablet(page, 'quarantine entry');
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
  await vendorsPage(page, gateway);
  await replayAfterMappingFix(page, gateway);
  const replayed = await deadLettersAsOperator(page, gateway);
  await enableFromOverview(page, gateway, crm, replayed);
  await page.close();
}

const started = Date.now();
const crm = await startCrmSimulator(buildDir);
const gateway = await startGateway(buildDir, crm);
let browser;
try {
  const { more: orderId } = await deadLettersThenGone(gateway, crm, async () => {
    const sim = runVendorSimulator(buildDir, gateway);
    check('the vendor simulator ran', sim.status === 0 || sim.status === 1, sim.status);
    check('the hostile result is refused', (await postHostileResult(gateway)) >= 400);
  }, () => createClosedOrder(gateway));
  await securityChecks(gateway, check);
  browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  const errors = [];
  await viewerSession(browser, gateway, errors, orderId);
  await operatorSession(browser, gateway, crm, errors);
  check('no console error on any page', errors.length === 0, errors);
} catch (e) {
  tally.failures.push(`aborted: ${e.stack || e}`);
  console.log(gateway.log.join('').slice(-3000));
  console.log(crm.log.join('').slice(-1000));
} finally {
  if (browser) await browser.close();
  await gateway.stop();
  await crm.stop();
}
console.log(`console browser tests: ${tally.passed} passed, ${tally.failures.length} failed in ${((Date.now() - started) / 1000).toFixed(1)} s; screenshots in ${shots}`);
for (const f of tally.failures) console.log(`FAILED: ${f}`);
process.exit(tally.failures.length ? 1 : 0);
