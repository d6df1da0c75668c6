// Keyboard alone: the first Tab reaches "Skip to content", which puts focus in the page without
// leaving it; Tab then reaches every page's link, each focus shown with a ring; Enter opens
// that page and puts focus in it, so the next Tab goes on inside the page.
import { check } from './harness.mjs';

const PAGES = ['overview', 'work-order', 'quarantine', 'dead-letters', 'vendors', 'reports', 'audit'];

function focused(page) {
  return page.evaluate(() => {
    const e = document.activeElement;
    const style = getComputedStyle(e);
    return {
      tag: e.tagName.toLowerCase(), id: e.id, className: e.className, href: e.getAttribute('href'),
      ring: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    };
  });
}

// A fresh load of `route`, so the next Tab starts from the top of the document.
async function loadAfresh(page, route) {
  await page.goto(`/console/#/${route}`);
  await page.reload();
  await page.waitForSelector('#nav:not([hidden])');
}

async function skipLink(page) {
  await loadAfresh(page, 'quarantine');
  await page.keyboard.press('Tab');
  const skip = await focused(page);
  check('keyboard: the first Tab reaches "Skip to content", shown with a focus ring',
    skip.className === 'skip' && skip.ring, skip);
  await page.keyboard.press('Enter');
  const after = await focused(page);
  const hash = await page.evaluate(() => location.hash);
  check('keyboard: "Skip to content" puts focus in the page and stays on the page',
    after.id === 'main' && hash === '#/quarantine', { focus: after, hash });
}

async function openByKeyboard(page, name) {
  await loadAfresh(page, name === 'audit' ? 'overview' : 'audit');
  const ringless = [];
  let reached = null;
  for (let tabs = 0; tabs < 20 && !reached; tabs += 1) {
    await page.keyboard.press('Tab');
    const f = await focused(page);
    if (!f.ring) ringless.push(f);
    if (f.href === `#/${name}`) reached = f;
  }
  check(`keyboard: Tab reaches the ${name} link, every stop on the way shown with a focus ring`,
    reached && ringless.length === 0, { reached, ringless });
  if (!reached) return;
  await page.keyboard.press('Enter');
  // The address changes at once and the page follows on the hashchange event, a task later:
  // read what the page did until it has followed, for up to 5 s.
  const readState = (n) => ({
    current: document.querySelector(`nav a[href="#/${n}"]`).getAttribute('aria-current'),
    inPage: document.getElementById('main').contains(document.activeElement),
  });
  let state;
  for (const until = Date.now() + 5000; ; await page.waitForTimeout(50)) {
    state = await page.evaluate(readState, name);
    if ((state.current === 'page' && state.inPage) || Date.now() > until) break;
  }
  check(`keyboard: Enter opens ${name} and focus moves into the page`,
    state.current === 'page' && state.inPage, state);
}

export async function keyboardOnly(page) {
  await skipLink(page);
  for (const name of PAGES) await openByKeyboard(page, name);
}
