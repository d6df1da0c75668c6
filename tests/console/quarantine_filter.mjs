// The Quarantine page's problem filter asks the API (GET /v1/admin/quarantine?problem=), so the
// rows are every entry of that problem type, not those of the page already loaded.
import { adminGet } from './rig.mjs';
import { check, expectedStatuses } from './harness.mjs';

async function filterBy(page, problem) {
  const asked = page.waitForRequest((r) => r.url().includes('/v1/admin/quarantine?'));
  await page.fill('#q-problem', problem);
  await page.click('#q-filter');
  const url = new URL((await asked).url());
  await page.waitForFunction((q) => document.querySelector('#q-list')?.dataset.query === q, url.searchParams.toString());
  return url;
}

export async function problemFilter(page, gateway) {
  const open = (await adminGet(gateway, '/v1/admin/quarantine?state=open&limit=1000')).items;
  const counts = new Map();
  for (const e of open) counts.set(e.problem_type, (counts.get(e.problem_type) || 0) + 1);
  // The rarest problem type, so the filter has something to leave out.
  const [type] = [...counts.entries()].sort((a, b) => a[1] - b[1])[0];
  const url = await filterBy(page, type);
  check(`quarantine: the problem filter is asked of the API (problem=${type})`, url.searchParams.get('problem') === type, String(url));
  const api = (await adminGet(gateway, `/v1/admin/quarantine?state=open&limit=200&problem=${encodeURIComponent(type)}`)).items;
  const shown = await page.locator('#q-list [data-inspect]').evaluateAll((bs) => bs.map((b) => Number(b.dataset.inspect)));
  check(`quarantine: filtered by problem ${type}, the rows are the API's filtered list, id for id`,
    shown.join() === api.map((e) => e.id).join() && api.length > 0 && api.length < open.length, { shown, api: api.map((e) => e.id) });
  const types = await page.locator('#q-list tbody tr').evaluateAll((trs) => trs.map((t) => t.children[5].textContent));
  check('quarantine: …every row of that problem type', types.length > 0 && types.every((t) => t === type), types);

  expectedStatuses.add(400);
  await filterBy(page, '<b>bad</b>');
  expectedStatuses.delete(400);
  const refused = await page.textContent('#q-list');
  check('quarantine: a problem type that cannot be one is refused, the page naming the problem field',
    await page.locator('#q-list [role=alert]').count() === 1 && refused.includes('problem must be'), refused);
  await filterBy(page, '');
  const all = await page.locator('#q-list [data-inspect]').count();
  check('quarantine: the filter cleared, every open entry is back', all === open.length, { all, open: open.length });
}
