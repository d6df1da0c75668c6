// The Dead letters page and the Overview's Enable button, against dead letters and a disabled
// CRM endpoint the real CRM simulator caused (rig.mjs, deadLettersThenGone).
import { adminGet, crmEndpoint, waitFor } from './rig.mjs';
import { axe, check, expectedStatuses, fitsTablet, shot } from './harness.mjs';

const DISCARD_REASON = 'case closed by phone, the CRM needs no update';

async function deadLetters(gateway) {
  return (await adminGet(gateway, '/v1/admin/dead-letters?limit=1000')).items;
}

async function rowsShown(page) {
  await page.goto('/console/#/dead-letters');
  await page.waitForSelector('#d-list table, #d-list p');
  return page.locator('#d-list tbody tr').evaluateAll((trs) => trs.map((t) => [...t.children].map((c) => c.textContent)));
}

async function figuresEqualTheApi(page, gateway, who) {
  const rows = await rowsShown(page);
  const api = await deadLetters(gateway);
  check(`${who}: dead letters, one row per dead letter of the API (and there are some)`, rows.length === api.length && api.length > 0,
    { rows: rows.length, api: api.length });
  const columns = await page.locator('#d-list thead th').allTextContents();
  const at = (label) => columns.indexOf(label);
  const wrong = api.filter((d) => {
    const cells = rows.find((r) => r[at('Id')] === String(d.id));
    return !cells || cells[at('Destination')] !== d.destination || cells[at('Case')] !== d.crm_case_id ||
      cells[at('Event')] !== d.event_type || Number(cells[at('Attempts')]) !== d.attempts ||
      cells[at('Last status')] !== String(d.last_status ?? '—') || cells[at('Last error')] !== (d.last_error ?? '—') ||
      cells[at('Dead since')] !== (d.dead_at ?? '—');
  });
  check(`${who}: each dead letter's case, event, attempts, last status, error and time as the API has them`,
    wrong.length === 0, wrong.slice(0, 3));
  check(`${who}: the CRM refused them with 400`, api.every((d) => d.last_status === 400), api.map((d) => d.last_status).slice(0, 5));
  return api;
}

// A viewer sees the dead letters and the disabled endpoint, and can change neither.
export async function deadLettersAsViewer(page, gateway) {
  const api = await figuresEqualTheApi(page, gateway, 'viewer');
  check('viewer: the dead letters offer no replay or discard',
    await page.locator('#d-list [data-replay], #d-list [data-discard]').count() === 0);
  await axe(page, 'dead letters (viewer)');
  await fitsTablet(page, 'dead letters (viewer)');
  await shot(page, 'dead-letters-1024', { fullPage: false });
  const session = await (await page.request.get('/console/api/session')).json();
  const headers = { 'x-csrf-token': session.csrf_token };
  const replay = (await page.request.post('/v1/admin/dead-letters/replay', { headers, data: { ids: [api[0].id] } })).status();
  const discard = (await page.request.post(`/v1/admin/dead-letters/${api[0].id}/discard`, { headers, data: { reason: 'viewer' } })).status();
  const enable = (await page.request.post('/v1/admin/endpoints/crm/enable', { headers, data: {} })).status();
  check('viewer: a dead-letter replay, a discard and an enable from the page are refused (403)',
    replay === 403 && discard === 403 && enable === 403, { replay, discard, enable });
  const after = await deadLetters(gateway);
  check('viewer: …and the dead letter is still one, the endpoint still disabled',
    after.some((d) => d.id === api[0].id) && (await crmEndpoint(gateway)).state === 'disabled');

  await page.goto('/console/#/overview');
  const row = page.locator('tr', { has: page.locator('td', { hasText: /^crm$/ }) });
  await row.waitFor();
  const state = (await row.locator('td').nth(1).textContent()).trim();
  check('viewer: the Overview shows the CRM endpoint disabled, as the API has it, and offers no Enable',
    state === 'disabled' && (await crmEndpoint(gateway)).state === 'disabled' &&
    await page.locator('button', { hasText: 'Enable' }).count() === 0, state);
}

// An operator replays one dead letter and discards another with a reason.
export async function deadLettersAsOperator(page, gateway) {
  const api = await figuresEqualTheApi(page, gateway, 'operator');
  await axe(page, 'dead letters (operator)');
  await fitsTablet(page, 'dead letters (operator)');
  await shot(page, 'dead-letters', { fullPage: false });
  const [replayed, discarded, kept] = api;

  await page.click(`[data-replay="${replayed.id}"]`);
  await page.waitForSelector('#d-results p');
  const said = await page.textContent('#d-results');
  const order = await adminGet(gateway, `/v1/admin/work-orders/${replayed.work_order_id}`);
  const event = order.events.find((e) => e.id === replayed.id);
  check('dead letters: a replay takes the event out of the dead letters (API)',
    !(await deadLetters(gateway)).some((d) => d.id === replayed.id));
  check('dead letters: …back in line, waiting for the disabled endpoint (API: pending)', event.state === 'pending', event.state);
  check('dead letters: …and the page says so, with the state the API has',
    said === `Dead letter ${replayed.id} (${replayed.event_id}) replayed: now ${event.state}`, said);
  check('dead letters: …and lists it no more',
    await page.locator(`#d-list tr[data-dead-letter="${replayed.id}"]`).count() === 0);

  expectedStatuses.add(422);
  await page.click(`[data-discard="${kept.id}"]`);
  await page.waitForSelector('#d-results .error');
  expectedStatuses.delete(422);
  const refused = await page.textContent('#d-results');
  check('dead letters: a discard without a reason is refused and the page says why',
    /reason/i.test(refused) && (await deadLetters(gateway)).some((d) => d.id === kept.id), refused);

  await page.fill(`#d-reason-${discarded.id}`, DISCARD_REASON);
  await page.click(`[data-discard="${discarded.id}"]`);
  await page.waitForSelector('#d-results .ok');
  check('dead letters: a discard with a reason is done and shown',
    (await page.textContent('#d-results')) === `Dead letter ${discarded.id} discarded: ${DISCARD_REASON}`, await page.textContent('#d-results'));
  check('dead letters: the discarded one is gone from the API\'s list and the page\'s',
    !(await deadLetters(gateway)).some((d) => d.id === discarded.id) &&
    await page.locator(`#d-list tr[data-dead-letter="${discarded.id}"]`).count() === 0);

  await page.goto('/console/#/audit');
  await page.waitForSelector('table');
  const audit = await page.locator('tbody tr').allTextContents();
  check('audit: the dead-letter discard is logged with the account and its reason',
    audit.some((t) => t.includes('ana') && t.includes(`/v1/admin/dead-letters/${discarded.id}/discard`) && t.includes(DISCARD_REASON)),
    audit.slice(0, 3));
  check('audit: the dead-letter replay is logged with the account',
    audit.some((t) => t.includes('ana') && t.includes('/v1/admin/dead-letters/replay') && t.includes(String(replayed.id))));
  return replayed;
}

// The Overview's Enable button takes the disabled CRM endpoint back into service: the API
// agrees, and the replayed dead letter reaches the CRM simulator.
export async function enableFromOverview(page, gateway, crm, replayed) {
  await page.goto('/console/#/overview');
  const button = page.locator('button', { hasText: 'Enable crm' });
  await button.waitFor();
  check('overview: the disabled CRM endpoint offers Enable to an operator (API: disabled)',
    (await crmEndpoint(gateway)).state === 'disabled');
  await axe(page, 'overview, an endpoint disabled');
  await fitsTablet(page, 'overview, an endpoint disabled');
  await shot(page, 'overview-endpoint-disabled');
  await button.click();
  const row = page.locator('tr', { has: page.locator('td', { hasText: /^crm$/ }) });
  await page.waitForFunction(() => ![...document.querySelectorAll('button')].some((b) => b.textContent === 'Enable crm'));
  const state = (await row.locator('td').nth(1).textContent()).trim();
  const api = await crmEndpoint(gateway);
  check('overview: Enable takes the endpoint out of disabled, page and API alike',
    api.state !== 'disabled' && state === api.state, { page: state, api: api.state });
  let delivered = null;
  await waitFor(async () => {
    const order = await adminGet(gateway, `/v1/admin/work-orders/${replayed.work_order_id}`);
    delivered = order.events.find((e) => e.id === replayed.id);
    return delivered.state === 'delivered';
  }, 'the replayed dead letter delivered', 30000).catch(() => {});
  const received = (await crm.events()).filter((e) => e.webhook_id === replayed.event_id);
  check('overview: once enabled, the replayed dead letter is delivered (API) and the CRM simulator stored it once',
    delivered.state === 'delivered' && received.length === 1, { state: delivered.state, received: received.length });
}
