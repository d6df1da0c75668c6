// Vendors: each vendor's mapping version and status, its limits and the codes it sent that its
// mapping does not know; reload every vendor folder, with the refusals listed per file and
// JSON pointer when the folders do not load (the previous mappings then keep serving).
import { api } from './api.js';
import { announce, clear, el, problemText, table, put } from './dom.js';
import { showVendorDetail } from './vendor_try.js';

function reloadResult(region, answer, refused) {
  const body = refused ? answer.problem : answer;
  if (!refused) {
    put(region, el('h2', {}, 'Reloaded'),
      el('p', { className: 'ok' }, `Accepted: ${body.vendors.length} vendors serving.`
        + ` Added ${body.added.length ? body.added.join(', ') : 'none'}; changed ${body.changed.length ? body.changed.join(', ') : 'none'};`
        + ` removed ${body.removed.length ? body.removed.join(', ') : 'none'}.`),
      body.restart_needed && body.restart_needed.length ? el('p', {}, `Restart needed for: ${body.restart_needed.join(', ')}`) : null);
    return;
  }
  if (!body || typeof body !== 'object' || !Array.isArray(body.errors)) {
    put(region, el('p', { className: 'error', role: 'alert' }, problemText(answer)));
    return;
  }
  put(region, el('h2', {}, 'Reload refused'),
    el('p', { className: 'error', role: 'alert' }, body.detail),
    table('Reload errors', [
      { label: 'File', value: (e) => e.file },
      { label: 'Pointer', value: (e) => e.pointer || '(whole file)' },
      { label: 'Problem', value: (e) => e.message },
    ], body.errors),
    (body.failing_samples || []).length ? table('Failing golden samples', [
      { label: 'Vendor', value: (f) => f.vendor },
      { label: 'Sample', value: (f) => f.sample },
      { label: 'Problem', value: (f) => f.problem },
    ], body.failing_samples) : null);
}

export function showVendors(root, session) {
  const list = el('div', { id: 'v-list' });
  const result = el('div', { id: 'v-result', role: 'status', 'aria-live': 'polite' });
  const reload = el('button', { type: 'button', id: 'v-reload' }, 'Reload vendor folders');
  const detail = el('section', { id: 'v-detail', 'aria-label': 'Vendor' });

  async function load() {
    try {
      const health = await api('GET', '/v1/admin/vendors/health');
      put(list, table('Vendors', [
        { label: 'Vendor', value: (v) => el('button', { type: 'button', className: 'secondary', 'data-vendor': v.vendor,
          onclick: () => showVendorDetail(detail, v.vendor) }, v.vendor) },
        { label: 'Mapping version', value: (v) => v.mapping_version },
        { label: 'Status', value: (v) => v.status },
        { label: 'Rate limit', value: (v) => (v.rate_limit ? `${v.rate_limit.requests_per_second}/s, burst ${v.rate_limit.burst}` : '—') },
        { label: 'Refused by the limit', value: (v) => (v.rate_limit ? v.rate_limit.refused_since_start : 0), num: true },
        { label: 'Unmapped codes seen', value: (v) => (v.unmapped_codes || []).map((c) => `${c.code} in ${c.field} (${c.attempts}×)`).join(', ') || '—' },
      ], health.items));
    } catch (e) {
      put(list, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
  }

  reload.addEventListener('click', async () => {
    reload.disabled = true;
    put(result, el('p', {}, 'Reloading…'));
    try {
      reloadResult(result, await api('POST', '/v1/admin/vendors/reload', {}), false);
      announce('Vendor folders reloaded');
      await load();
    } catch (e) {
      reloadResult(result, e, e.status === 422);
    } finally {
      reload.disabled = false;
    }
  });

  root.append(el('h1', {}, 'Vendors'), list);
  if (session.role === 'operator') root.append(el('div', { className: 'filters' }, reload));
  root.append(result, detail);
  load();
  return null;
}
