// Security checks over HTTP against the real gateway: no staff or console route answers without
// a session or the token; a change without the CSRF token, or by a viewer, changes nothing.
import { connect } from 'node:net';
import { ACCOUNTS, ADMIN_TOKEN, adminGet } from './rig.mjs';

// A GET sent byte for byte as written (fetch would resolve `..` before sending it).
function rawGet(base, target) {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: ${hostname}\r\nConnection: close\r\n\r\n`);
    });
    let data = '';
    socket.on('data', (d) => { data += d; });
    socket.on('end', () => resolve({ status: Number(data.split(' ')[1]), text: data }));
    socket.on('error', reject);
  });
}

const STAFF_ROUTES = [
  ['GET', '/v1/admin/quarantine'], ['GET', '/v1/admin/quarantine/1'], ['POST', '/v1/admin/quarantine/replay'],
  ['POST', '/v1/admin/quarantine/1/discard'], ['GET', '/v1/admin/dead-letters'],
  ['POST', '/v1/admin/dead-letters/replay'], ['POST', '/v1/admin/dead-letters/1/discard'],
  ['GET', '/v1/admin/endpoints'], ['POST', '/v1/admin/endpoints/crm/enable'],
  ['GET', '/v1/admin/vendors/health'], ['GET', '/v1/admin/vendors/bay-hauling/mapping'], ['POST', '/v1/admin/vendors/bay-hauling/try'], ['POST', '/v1/admin/vendors/reload'], ['GET', '/v1/admin/audit'],
  ['GET', '/v1/admin/work-orders?q=SR'], ['GET', '/v1/admin/work-orders/wo_1'], ['GET', '/console/api/session'], ['POST', '/console/api/sign-out'], ['GET', '/metrics'],
  ['GET', '/v1/reports/vendors?from=2026-01-01&to=2026-02-01'],
];

export async function signIn(base, account) {
  const r = await fetch(`${base}/console/api/session`, {
    method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: account.name, password: account.password }),
  });
  if (r.status !== 200) throw new Error(`sign-in ${account.name}: ${r.status}`);
  const cookie = r.headers.get('set-cookie');
  const body = await r.json();
  return { cookie: cookie.split(';')[0], setCookie: cookie, csrf: body.csrf_token, body };
}

export async function securityChecks(gateway, check) {
  const { base } = gateway;
  for (const [method, path] of STAFF_ROUTES) {
    const r = await fetch(`${base}${path}`, { method, headers: { 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
    check(`${method} ${path} without session or token is 401`, r.status === 401, r.status);
    const forged = await fetch(`${base}${path}`, { method, headers: { cookie: `fieldgate_session=${'a'.repeat(64)}` } });
    check(`${method} ${path} with an unknown session is 401`, forged.status === 401, forged.status);
  }
  const operator = await signIn(base, ACCOUNTS.operator);
  check('the session cookie is HttpOnly, SameSite=Strict, Path=/',
    /HttpOnly/.test(operator.setCookie) && /SameSite=Strict/.test(operator.setCookie) && /Path=\//.test(operator.setCookie), operator.setCookie);
  const wrong = await fetch(`${base}/console/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: ACCOUNTS.operator.name, password: 'not the password' }) });
  check('a wrong password is 401 and sets no cookie', wrong.status === 401 && !wrong.headers.get('set-cookie'), wrong.status);

  const open = (await adminGet(gateway, '/v1/admin/quarantine?state=open')).items;
  const target = open[open.length - 1];
  const noCsrf = await fetch(`${base}/v1/admin/quarantine/${target.id}/discard`, { method: 'POST',
    headers: { cookie: operator.cookie, 'content-type': 'application/json' }, body: '{"reason":"csrf test"}' });
  check('a discard with the session but without the CSRF token is 403', noCsrf.status === 403, noCsrf.status);
  const badCsrf = await fetch(`${base}/v1/admin/quarantine/replay`, { method: 'POST',
    headers: { cookie: operator.cookie, 'content-type': 'application/json', 'x-csrf-token': 'f'.repeat(64) },
    body: JSON.stringify({ ids: [target.id] }) });
  check('a replay with a wrong CSRF token is 403', badCsrf.status === 403, badCsrf.status);
  const after = await adminGet(gateway, `/v1/admin/quarantine/${target.id}`);
  check('…and the entry is still open, never replayed', after.state === 'open' && after.replay_count === 0, after.state);

  const viewer = await signIn(base, ACCOUNTS.viewer);
  const byViewer = await fetch(`${base}/v1/admin/quarantine/replay`, { method: 'POST',
    headers: { cookie: viewer.cookie, 'content-type': 'application/json', 'x-csrf-token': viewer.csrf },
    body: JSON.stringify({ ids: [target.id] }) });
  check('a viewer with its CSRF token is refused a replay (403)', byViewer.status === 403, byViewer.status);
  const viewerRead = await fetch(`${base}/v1/admin/quarantine`, { headers: { cookie: viewer.cookie } });
  check('a viewer reads the quarantine', viewerRead.status === 200, viewerRead.status);
  const token = await fetch(`${base}/v1/admin/quarantine`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  check('the admin token still works for the API', token.status === 200, token.status);

  const out = await fetch(`${base}/console/api/sign-out`, { method: 'POST', headers: { cookie: viewer.cookie, 'x-csrf-token': viewer.csrf } });
  check('sign-out answers 200 and clears the cookie', out.status === 200 && /Max-Age=0/.test(out.headers.get('set-cookie') || ''), out.status);
  const ended = await fetch(`${base}/v1/admin/quarantine`, { headers: { cookie: viewer.cookie } });
  check('the signed-out session no longer reads (401)', ended.status === 401, ended.status);

  const page = await fetch(`${base}/console/`);
  const csp = page.headers.get('content-security-policy') || '';
  check('the console page has a CSP without inline script or remote origins',
    /script-src 'self'/.test(csp) && !/unsafe-inline/.test(csp) && !/https?:/.test(csp), csp);
  check('the console page is nosniff', page.headers.get('x-content-type-options') === 'nosniff');
  check('a script is served as text/javascript', /^text\/javascript/.test((await fetch(`${base}/console/app.js`)).headers.get('content-type') || ''));
  for (const path of ['/console/..', '/console/%2e%2e', '/console/..%2fgateway.json', '/console/%2e%2e%2f%2e%2e%2fREADME.md', '/console/.hidden', '/console/users']) {
    const r = await rawGet(base, path);
    const { text } = r;
    check(`${path} reaches no file outside the console (status ${r.status})`, r.status === 404 && !text.includes('argon2id') && !text.includes('"listen"'), r.status);
  }
  return operator;
}
