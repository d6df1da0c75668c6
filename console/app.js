// The console's shell: sign in and out, and the page named by the location's hash
// (#/overview, #/quarantine, #/dead-letters, #/audit).
import { api, setCsrf } from './api.js';
import { clear, el, problemText } from './dom.js';
import { showOverview } from './overview.js';
import { showQuarantine } from './quarantine.js';
import { showWorkOrder } from './work_order.js';
import { showVendors } from './vendors.js';
import { showReports } from './reports.js';
import { showDeadLetters } from './dead_letters.js';
import { showAudit } from './audit.js';

const pages = {
  overview: { title: 'Overview', show: showOverview },
  'work-order': { title: 'Work order', show: showWorkOrder },
  quarantine: { title: 'Quarantine', show: showQuarantine },
  vendors: { title: 'Vendors', show: showVendors },
  reports: { title: 'Reports', show: showReports },
  'dead-letters': { title: 'Dead letters', show: showDeadLetters },
  audit: { title: 'Audit log', show: showAudit },
};

let session = null;
let leavePage = null;

// Whether this tab signed in: without it the page shows the sign-in form at once instead of
// asking the API (whose 401 the browser would log as an error). The cookie itself is HttpOnly.
const SIGNED_IN = 'fieldgate-console-signed-in';

function signedIn(body) {
  session = body;
  sessionStorage.setItem(SIGNED_IN, '1');
  setCsrf(body.csrf_token);
  document.getElementById('sign-in').hidden = true;
  document.getElementById('nav').hidden = false;
  document.getElementById('who').hidden = false;
  document.getElementById('who-name').textContent = `${body.account} (${body.role})`;
  route();
}

function signedOut() {
  session = null;
  sessionStorage.removeItem(SIGNED_IN);
  setCsrf(null);
  if (leavePage) leavePage();
  leavePage = null;
  clear(document.getElementById('page'));
  document.getElementById('nav').hidden = true;
  document.getElementById('who').hidden = true;
  document.getElementById('sign-in').hidden = false;
  document.title = 'Sign in · fieldgate console';
  document.getElementById('sign-in-name').focus();
}

function route() {
  if (!session) return;
  const name = (location.hash.match(/^#\/([a-z-]+)/) || [])[1] || 'overview';
  const page = pages[name] || pages.overview;
  for (const link of document.querySelectorAll('nav a')) {
    if (link.getAttribute('href') === `#/${name}`) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  if (leavePage) leavePage();
  const root = clear(document.getElementById('page'));
  document.title = `${page.title} · fieldgate console`;
  leavePage = page.show(root, session) || null;
}

async function signIn(event) {
  event.preventDefault();
  const error = document.getElementById('sign-in-error');
  error.textContent = '';
  const name = document.getElementById('sign-in-name').value;
  const password = document.getElementById('sign-in-password').value;
  try {
    const body = await api('POST', '/console/api/session', { name, password });
    document.getElementById('sign-in-password').value = '';
    signedIn(body);
    document.getElementById('main').focus();
  } catch (e) {
    error.textContent = e.status === 401 ? 'The name or the password is wrong.' : problemText(e);
  }
}

async function signOut() {
  try { await api('POST', '/console/api/sign-out', {}); } catch { /* signed out anyway */ }
  signedOut();
}

async function start() {
  document.getElementById('sign-in-form').addEventListener('submit', signIn);
  document.getElementById('sign-out').addEventListener('click', signOut);
  window.addEventListener('hashchange', () => {
    route();
    // A page chosen from the list: focus goes to it (unless the page put it somewhere itself),
    // so the next Tab goes on inside the page and a screen reader reads its title.
    const active = document.activeElement;
    if (!active || active === document.body || active.closest('nav')) document.getElementById('main').focus();
  });
  // The pages live in the address's fragment, so the skip link moves focus instead of
  // following its href (#main would be read as a page name and open the Overview).
  document.querySelector('.skip').addEventListener('click', (event) => {
    event.preventDefault();
    document.getElementById('main').focus();
  });
  window.addEventListener('console:signed-out', () => { if (session) signedOut(); });
  if (!sessionStorage.getItem(SIGNED_IN)) return signedOut();
  try {
    signedIn(await api('GET', '/console/api/session'));
  } catch {
    signedOut();
  }
  return undefined;
}

start();

