// Overview: every vendor, every delivery endpoint, the store's write queue and MQTT, refreshed
// every 5 s; problems first.
import { api } from './api.js';
import { clear, el, table, problemText, put } from './dom.js';

const REFRESH_MS = 5000;
const REPORTING_MS = 10 * 60 * 1000;  // a truck heard from in the last 10 minutes is reporting

function vendorProblems(v) {
  let n = 0;
  if (v.quarantine_open > 0) n += 1;
  if ((v.rejected || 0) > 0) n += 1;
  if (v.poll && v.poll.failures > 0) n += 1;
  if ((v.unmapped_codes || []).length > 0) n += 1;
  return n;
}

function card(label, value, id, bad) {
  return el('div', { className: 'card' }, el('div', { className: 'muted' }, label),
    el('div', { className: bad ? 'figure error' : 'figure', 'data-figure': id }, String(value)));
}

function enableButton(endpoint, session, refresh) {
  if (endpoint.state !== 'disabled' || session.role !== 'operator') return endpoint.state;
  return el('span', {}, `${endpoint.state} `, el('button', { type: 'button', className: 'secondary',
    onclick: async () => {
      try { await api('POST', `/v1/admin/endpoints/${encodeURIComponent(endpoint.name)}/enable`, {}); } catch { /* shown on refresh */ }
      refresh();
    } }, `Enable ${endpoint.name}`));
}

function render(root, data, session, refresh) {
  const { health, endpoints, ready, trucks } = data;
  const now = Date.now();
  const reporting = trucks.items.filter((t) => t.last_seen_at && now - Date.parse(t.last_seen_at) < REPORTING_MS).length;
  const vendors = [...health.items].sort((a, b) => vendorProblems(b) - vendorProblems(a) || a.vendor.localeCompare(b.vendor));
  const eps = [...endpoints.items].sort((a, b) => (b.state !== 'open' && b.state !== 'closed' ? 1 : 0) - (a.state !== 'open' && a.state !== 'closed' ? 1 : 0) || b.pending - a.pending);
  const openQuarantine = vendors.reduce((s, v) => s + (v.quarantine_open || 0), 0);
  const overdue = vendors.reduce((s, v) => s + (v.overdue_orders || 0), 0);
  const crmPending = vendors.reduce((s, v) => s + ((v.crm_delivery && v.crm_delivery.pending) || 0), 0);
  put(root, 
    el('h1', {}, 'Overview'),
    el('p', { className: 'muted' }, `Results since ${health.since}; refreshed every 5 s, problems first.`),
    el('div', { className: 'cards' },
      card('Store', ready.store, 'store', ready.store !== 'ok'),
      card('Write queue', ready.write_queue, 'write-queue', false),
      card('MQTT', ready.mqtt || 'not configured', 'mqtt', ready.mqtt === 'disconnected'),
      card('Trucks reporting (10 min)', `${reporting} of ${trucks.items.length}`, 'trucks', false),
      card('Open quarantine', openQuarantine, 'open-quarantine', openQuarantine > 0),
      card('Overdue orders', overdue, 'overdue', overdue > 0),
      card('CRM events pending', crmPending, 'crm-pending', false)),
    el('h2', {}, 'Vendors'),
    table('Vendors', [
      { label: 'Vendor', value: (v) => v.vendor },
      { label: 'Last seen', value: (v) => v.last_seen_at || '—', time: true },
      { label: 'Accepted', value: (v) => v.accepted ?? 0, num: true },
      { label: 'Applied', value: (v) => (v.results && v.results.applied) ?? 0, num: true },
      { label: 'Late', value: (v) => (v.results && v.results.late) ?? 0, num: true },
      { label: 'Conflicts', value: (v) => (v.results && v.results.conflict) ?? 0, num: true },
      { label: 'Refused', value: (v) => v.rejected ?? 0, num: true },
      { label: 'Open quarantine', value: (v) => v.quarantine_open ?? 0, num: true },
      { label: 'CRM events pending', value: (v) => (v.crm_delivery && v.crm_delivery.pending) ?? 0, num: true },
      { label: 'Overdue', value: (v) => v.overdue_orders ?? 0, num: true },
      { label: 'Unmapped codes', value: (v) => (v.unmapped_codes || []).map((c) => `${c.code} (${c.attempts}×)`).join(', ') || '—', long: true },
      { label: 'Poll', value: (v) => (v.poll ? (v.poll.failures > 0 ? `${v.poll.failures} failed: ${v.poll.last_error}` : 'ok') : '—'), long: true },
    ], vendors, (v) => (vendorProblems(v) ? 'problem' : '')),
    el('h2', {}, 'Delivery endpoints'),
    eps.length ? table('Delivery endpoints', [
      { label: 'Endpoint', value: (e) => e.name },
      { label: 'State', value: (e) => enableButton(e, session, refresh) },
      { label: 'Pending', value: (e) => e.pending, num: true },
      { label: 'Oldest pending', value: (e) => e.oldest_pending_at || '—', time: true },
      { label: 'Lag p50 / p99 ms', value: (e) => `${e.lag_p50_ms} / ${e.lag_p99_ms}`, num: true },
      { label: 'Dead letters', value: (e) => e.dead_letters, num: true },
      { label: 'Last error', value: (e) => e.last_error || '—', long: true },
    ], eps, (e) => (e.state === 'disabled' || e.consecutive_failures > 0 ? 'problem' : ''))
      : el('p', {}, 'No delivery endpoint is configured.'),
  );
}

export function showOverview(root, session) {
  let timer = null;
  let gone = false;
  const region = el('div', { 'aria-busy': 'true' }, el('h1', {}, 'Overview'), el('p', {}, 'Loading…'));
  root.append(region);
  async function refresh() {
    try {
      const [health, endpoints, ready, trucks] = await Promise.all([
        api('GET', '/v1/admin/vendors/health'),
        api('GET', '/v1/admin/endpoints'),
        fetch('/readyz', { cache: 'no-store' }).then((r) => r.json()),
        api('GET', '/v1/trucks'),
      ]);
      if (gone) return;
      render(region, { health, endpoints, ready, trucks }, session, () => { clearTimeout(timer); refresh(); });
      region.setAttribute('aria-busy', 'false');
    } catch (e) {
      if (!gone) put(region, el('h1', {}, 'Overview'), el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
    if (!gone) timer = setTimeout(refresh, REFRESH_MS);
  }
  refresh();
  return () => { gone = true; clearTimeout(timer); };
}
