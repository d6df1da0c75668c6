// What every console browser test step uses: the tally of checks, axe-core on a page, a
// screenshot, the tablet-width layout check, signing in by keyboard and a page that records
// every console error.
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

export const TABLET = { width: 1024, height: 768 };

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

// What overflows sideways at the page's width: the document itself (scrollWidth over
// innerWidth), any element whose right edge passes the viewport outside a scroll container, and
// any table wider than its container that is not inside a scroll region a keyboard can reach
// (tabindex 0) and a screen reader can name (aria-label).
function overflowAtWidth() {
  const width = window.innerWidth;
  const name = (e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}${e.className && typeof e.className === 'string' ? `.${e.className.split(' ').join('.')}` : ''}`;
  const scrolls = (e) => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX);
  // The ancestor that clips `e` sideways: one whose overflow is not visible and, for an
  // absolutely positioned element, that is positioned itself or holds its containing block (an
  // absolutely positioned element escapes the overflow of an unpositioned scroll container).
  const clipper = (e) => {
    let free = ['absolute', 'fixed'].includes(getComputedStyle(e).position);
    for (let a = e.parentElement; a && a !== document.body; a = a.parentElement) {
      const style = getComputedStyle(a);
      if (style.overflowX !== 'visible' && (!free || style.position !== 'static')) return a;
      if (free && style.position !== 'static') free = ['absolute', 'fixed'].includes(style.position);
    }
    return null;
  };
  const out = { documentWidth: document.documentElement.scrollWidth, width, elements: [], tables: [] };
  for (const e of document.body.querySelectorAll('*')) {
    const r = e.getBoundingClientRect();
    if ((r.width || r.height) && r.right > width + 0.5 && !clipper(e)) out.elements.push(name(e));
  }
  for (const t of document.querySelectorAll('table')) {
    const container = t.parentElement;
    if (t.getBoundingClientRect().width <= container.clientWidth + 0.5) continue;
    const region = t.closest('[tabindex="0"][aria-label]');
    if (!region || !scrolls(region)) out.tables.push(t.querySelector('caption')?.textContent || name(t));
  }
  return out;
}

// At 1024 × 768 nothing passes the viewport's right edge; a table wider than its container is
// only allowed inside a labelled, focusable scroll region.
export async function fitsTablet(page, name) {
  const before = page.viewportSize();
  if (before.width !== TABLET.width || before.height !== TABLET.height) {
    await page.setViewportSize(TABLET);
    await page.waitForFunction((w) => window.innerWidth === w, TABLET.width);
  }
  const o = await page.evaluate(overflowAtWidth);
  check(`${name}: fits 1024 px (document ${o.documentWidth} px wide)`, o.documentWidth <= o.width, o);
  check(`${name}: no element passes the right edge at 1024 px`, o.elements.length === 0, o.elements.slice(0, 8));
  check(`${name}: no table wider than its container outside a labelled focusable scroll region`, o.tables.length === 0, o.tables);
  if (before.width !== TABLET.width || before.height !== TABLET.height) await page.setViewportSize(before);
}

// Every column of a table visible without scrolling sideways (its region as wide as the table).
export async function tableFits(page, caption) {
  return page.locator('table', { has: page.locator('caption', { hasText: caption }) }).first()
    .evaluate((t) => ({ table: Math.ceil(t.getBoundingClientRect().width), container: t.parentElement.clientWidth }));
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
