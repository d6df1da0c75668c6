// The real things the console tests run against: a fieldgate gateway on SQLite in a folder of
// its own, filled by the vendor simulator, with two console accounts (viewer and operator),
// delivering its CRM events to the real CRM simulator (told to refuse them, then to answer
// 410 Gone: dead letters and a disabled endpoint).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, mkdirSync, writeFileSync, readFileSync, existsSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join, dirname } from 'node:path';

export const ADMIN_TOKEN = 'console-tests-admin-token';
export const ACCOUNTS = {
  viewer: { name: 'vic', password: 'viewer password 1', role: 'viewer' },
  operator: { name: 'ana', password: 'operator password 1', role: 'operator' },
};
const BAY_KEY = 'console-tests-bay-key';

function secret(dir, name, value) {
  mkdirSync(dirname(join(dir, 'secrets', name)), { recursive: true });
  writeFileSync(join(dir, 'secrets', name), `${value}\n`);
}

async function waitFor(check, what, ms = 20000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

// fieldgate-crm-sim on free loopback ports: the events port the gateway delivers to and a
// control port (always up) the tests steer it with.
export async function startCrmSimulator(buildDir) {
  const sim = join(buildDir, 'simulators', 'crm_sim', 'fieldgate-crm-sim');
  const dir = mkdtempSync(join(tmpdir(), 'fieldgate-console-crm-'));
  const webhookSecret = `whsec_${randomBytes(32).toString('base64')}`;
  writeFileSync(join(dir, 'secrets'), `${webhookSecret}\n`);
  const log = [];
  const child = spawn(sim, ['--port', '0', '--port-file', join(dir, 'port'), '--control-port', '0',
    '--control-port-file', join(dir, 'control-port'), '--secret-file', join(dir, 'secrets')],
  { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  const portIn = (name) => existsSync(join(dir, name)) && readFileSync(join(dir, name), 'utf8').trim();
  await waitFor(() => portIn('port') && portIn('control-port'), 'the CRM simulator\'s ports');
  const control = `http://127.0.0.1:${portIn('control-port')}`;
  return {
    webhookSecret, log,
    endpoint: `http://127.0.0.1:${portIn('port')}/events`,
    // POST /_control: a fault mode ("reject400", "gone410", "ok", ...); answered once in force.
    async mode(mode) {
      const r = await fetch(`${control}/_control`, { method: 'POST', body: JSON.stringify({ mode }) });
      if (r.status !== 200) throw new Error(`crm sim /_control: ${r.status} ${await r.text()}`);
      return r.json();
    },
    async report() { return (await fetch(`${control}/_report`)).json(); },
    async events() { return (await fetch(`${control}/_events`)).json(); },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function startGateway(buildDir, crm) {
  const fieldgate = join(buildDir, 'gateway', 'fieldgate');
  const dir = mkdtempSync(join(tmpdir(), 'fieldgate-console-'));
  secret(dir, 'admin/api-token', ADMIN_TOKEN);
  secret(dir, 'crm/api-token', 'console-tests-crm-token');
  secret(dir, 'crm/webhook-secret', crm.webhookSecret);
  secret(dir, 'bay-hauling/api-key', BAY_KEY);
  secret(dir, 'bay-hauling/hmac-secret', 'console-tests-bay-hmac');
  secret(dir, 'valley-disposal/password', 'console-tests-valley');
  secret(dir, 'curbside-coop/api-key', 'console-tests-curbside');
  for (const a of Object.values(ACCOUNTS)) {
    const added = spawnSync(fieldgate, ['console', 'user', '--users-file', join(dir, 'users'),
      '--name', a.name, '--role', a.role], { input: `${a.password}\n`, encoding: 'utf8' });
    if (added.status !== 0) throw new Error(`console user: ${added.stderr}`);
  }
  // A copy of the shipped vendor folders, which the Vendors page test breaks and mends.
  cpSync(fileURLToPath(new URL('../../vendor_schemas', import.meta.url)), join(dir, 'vendors'), { recursive: true });
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify({
    vendor_schemas: 'vendors',
    // The security checks send dozens of refused credentials on purpose: a lenient limit.
    listen: { address: '127.0.0.1', port: 0, port_file: 'port', failed_auth: { burst: 1000, per_second: 100 } },
    store: { path: 'fieldgate.db' },
    secrets: { dir: 'secrets' },
    console: { users_file: 'users' },
    assignment: { rules: [{ service_type: '*', vendor: 'bay-hauling' }] },
    crm: { endpoint: crm.endpoint },
    // Dead letters and a 410 settle at once; a probe after a pause goes within a second.
    delivery: { poll_interval_ms: 200, max_pause_s: 1 },
  }));
  const log = [];
  const child = spawn(fieldgate, ['serve', '--config', join(dir, 'gateway.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => log.push(String(d)));
  child.stderr.on('data', (d) => log.push(String(d)));
  await waitFor(() => existsSync(join(dir, 'port')) && readFileSync(join(dir, 'port'), 'utf8').trim() !== '', 'the gateway port');
  const base = `http://127.0.0.1:${readFileSync(join(dir, 'port'), 'utf8').trim()}`;
  await waitFor(async () => (await fetch(`${base}/readyz`).catch(() => null))?.status === 200, 'readyz');
  return {
    dir, base, log, fieldgate,
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// Work orders and results for the three pushing vendors, some of them bad (quarantined).
export function runVendorSimulator(buildDir, gateway) {
  const sim = join(buildDir, 'simulators', 'vendor_sim', 'fieldgate-vendor-sim');
  const ran = spawnSync(sim, ['--gateway', gateway.base.replace('http://', ''), '--secrets-dir',
    join(gateway.dir, 'secrets'), '--orders', '12', '--rate', '0', '--bad-share', '0.25',
    '--seed', '311', '--quiet'], { encoding: 'utf8', timeout: 120000 });
  if (ran.error) throw ran.error;
  return ran;
}

// A Bay Hauling result whose texts are markup: it is quarantined, and the console must show
// it as text.
export const HOSTILE_CODE = '<img src=x onerror="window.__xss=1">';
export const HOSTILE_TEXT = '<script>window.__xss=2</script>';
export async function postHostileResult(gateway) {
  const body = JSON.stringify({
    ticket_number: 'BH-XSS-1', service_request: 'SR-XSS-1', status: 'Confirmed Negative',
    exception: { code: HOSTILE_CODE, description: HOSTILE_TEXT },
    service_date: '02/03/2026', closed_at: '2026-02-03T13:00:00-08:00',
    truck: { id: 'BH-T117', driver_id: 'D-5521' },
  });
  const r = await fetch(`${gateway.base}/v1/vendors/bay-hauling/results`, {
    method: 'POST', body, headers: { 'content-type': 'application/json', authorization: `Bearer ${BAY_KEY}` },
  });
  return r.status;
}

export async function adminGet(gateway, path) {
  const r = await fetch(`${gateway.base}${path}`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

// A work order of the test's own, closed by a Bay result with GPS, a photo and a photo
// "address" that is a script: the console must not make it a link.
export const ORDER = { case: 'SR-CONSOLE-1', ticket: 'BH-CONSOLE-1', street: '1 Console Test Way' };
export async function createClosedOrder(gateway) {
  const crm = { 'content-type': 'application/json', authorization: 'Bearer console-tests-crm-token' };
  const created = await fetch(`${gateway.base}/v1/work-orders`, { method: 'POST', headers: crm, body: JSON.stringify({
    crm_case_id: ORDER.case, service_type: 'bulky_item', address: `${ORDER.street}, San Jose, CA 95113`,
    location: { lat: 37.33452, lon: -121.88861 }, scheduled_date: '2026-02-03', window: { start: '07:00', end: '17:00' },
    items: ['sofa'], instructions: 'at the curb', customer: { name: 'Ana Resident' }, vendor: 'bay-hauling',
  }) });
  if (created.status !== 201) throw new Error(`work order: ${created.status} ${await created.text()}`);
  const result = await fetch(`${gateway.base}/v1/vendors/bay-hauling/results`, {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${BAY_KEY}` },
    body: JSON.stringify({
      ticket_number: ORDER.ticket, service_request: ORDER.case, status: 'Confirmed Negative',
      exception: { code: 'NSO', description: 'Items not set out at curb' },
      service_date: '02/03/2026', closed_at: '2026-02-03T10:42:17-08:00',
      truck: { id: 'BH-T117', driver_id: 'D-5521' },
      gps: { lat: 37.33460, lng: -121.88870, accuracy_m: 6.5 },
      photos: ['https://media.bayhauling.example/stops/BH-CONSOLE-1/1.jpg', 'javascript:window.__xss=3'],
      items_collected: 0, notes: 'Nothing at curb',
    }) });
  if (result.status !== 200) throw new Error(`bay result: ${result.status} ${await result.text()}`);
  return (await created.json()).id;
}

// The CRM endpoint's figures (GET /v1/admin/endpoints).
export async function crmEndpoint(gateway) {
  return (await adminGet(gateway, '/v1/admin/endpoints')).items.find((e) => e.name === 'crm');
}

// Waits until `check` (async) holds, polling every 100 ms; throws naming `what` after `ms`.
export { waitFor };

// The CRM refuses every event with 400 while the vendor simulator runs (each event a dead letter
// at once), then answers 410 Gone to the next event: the gateway disables the endpoint, and the
// CRM is well again, waiting for staff to enable it.
export async function deadLettersThenGone(gateway, crm, fill, oneMoreEvent) {
  await crm.mode('reject400');
  const filled = await fill();
  await waitFor(async () => (await crmEndpoint(gateway)).pending === 0, 'every CRM event refused');
  await crm.mode('gone410');
  const more = await oneMoreEvent();
  await waitFor(async () => (await crmEndpoint(gateway)).state === 'disabled', 'the CRM endpoint disabled', 30000);
  await crm.mode('ok');
  return { filled, more };
}
