// What every console browser test step uses: the tally of checks, axe-core on a page, a
// screenshot, signing in by keyboard and a page that records every console error.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let shots = null;
export function screenshotsIn(dir) {
  shots = dir;
  mkdirSync(shots, { recursive: true });
}

// Statuses a step provokes on purpose (a refused reload answers 422): chromium logs the failed
// request as an error, which is then expected, not a fault of the page.
export const expectedStatuses = new Set();
export const tally = { passed: 0, failures: [] };
export function check(name, ok, detail) {
  if (ok) tally.passed += 1;
  else tally.failures.push(`${name}${detail === undefined ? '' : ` (got ${JSON.stringify(detail)})`}`);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}`);
}

export async function axe(page, name) {
  const stray = await page.evaluate(() => {
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    const found = [];
    for (let n = walker.nextNode(); n; n = walker.nextNode())
      if (['null', 'undefined', '[object Object]', 'NaN'].includes(n.textContent.trim())) found.push(n.parentElement.tagName);
    return found;
  });
  check(`${name}: no stray null, undefined or NaN shown`, stray.length === 0, stray);
  await page.evaluate(AXE_SOURCE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(`${name}: axe finds no serious or critical violation`, bad.length === 0,
    bad.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`));
}

// The whole page, or only what the viewport shows (`{ fullPage: false }`: a long list).
export async function shot(page, name, { fullPage = true } = {}) {
  await page.screenshot({ path: join(shots, `${name}.png`), fullPage });
}

export async function signInByKeyboard(page, account) {
  await page.goto('/console/');
  await page.waitForSelector('#sign-in:not([hidden])');
  await page.waitForFunction(() => document.activeElement && document.activeElement.id === 'sign-in-name');
  await page.keyboard.type(account.name);
  await page.keyboard.press('Tab');
  await page.keyboard.type(account.password);
  await page.keyboard.press('Enter');
  await page.waitForSelector('#who:not([hidden])');
}

export async function newPage(browser, gateway, errors, viewport) {
  const context = await browser.newContext({ baseURL: gateway.base, viewport });
  const page = await context.newPage();
  page.on('console', (m) => {
    const expected = [...expectedStatuses].some((s) => m.text().includes(`status of ${s} `));
    if (m.type() === 'error' && !expected) errors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', (d) => { errors.push(`dialog: ${d.message()}`); d.dismiss(); });
  return page;
}
