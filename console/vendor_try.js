// The Vendors page's detail for one vendor: its code tables (the value maps of its
// mapping.json) and a payload tried under the live mapping or an edited one; nothing is stored.
import { api } from './api.js';
import { clear, el, problemText, table, put } from './dom.js';

function codeTables(mapping) {
  const maps = mapping.value_maps || {};
  return Object.entries(maps).map(([name, m]) => el('section', { 'aria-label': `Code table ${name}` },
    el('h3', {}, `Code table: ${name}`),
    table(`Code table ${name}`, [
      { label: 'Vendor code', value: ([code]) => code },
      { label: 'Standard code', value: ([, to]) => (typeof to === 'string' ? to : to.code) },
      { label: 'Outcome', value: ([, to]) => (typeof to === 'string' ? '' : to.outcome || '') },
    ], Object.entries(m.entries || {}))));
}

function showResult(region, answer) {
  put(region, 
    el('p', { className: answer.refused ? 'error' : 'ok', id: 'try-summary' },
      `${answer.mapping} mapping ${answer.mapping_version}: ${answer.normalized} normalized, ${answer.refused} refused; nothing stored.`),
    el('pre', { id: 'try-output', tabindex: '0' }, JSON.stringify(answer.result, null, 2)));
}

function showRefusal(region, error) {
  const p = error.problem;
  if (!p || !Array.isArray(p.errors)) {
    put(region, el('p', { className: 'error', role: 'alert' }, problemText(error)));
    return;
  }
  put(region, el('p', { className: 'error', role: 'alert', id: 'try-summary' }, `The edited mapping does not load: ${p.detail}`),
    table('Errors of the edited mapping', [
      { label: 'File', value: (e) => e.file },
      { label: 'Pointer', value: (e) => e.pointer || '(whole file)' },
      { label: 'Problem', value: (e) => e.message },
    ], p.errors));
}

export async function showVendorDetail(region, vendor) {
  put(region, el('p', {}, 'Loading…'));
  let live;
  try {
    live = await api('GET', `/v1/admin/vendors/${encodeURIComponent(vendor)}/mapping`);
  } catch (e) {
    put(region, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    return;
  }
  const payload = el('textarea', { id: 'try-payload', rows: '8', cols: '60', spellcheck: 'false' });
  const useEdited = el('input', { type: 'checkbox', id: 'try-edited' });
  const mapping = el('textarea', { id: 'try-mapping', rows: '14', cols: '60', spellcheck: 'false' });
  mapping.value = JSON.stringify(live.mapping, null, 2);
  const result = el('div', { id: 'try-result', role: 'status', 'aria-live': 'polite' });

  async function tryIt(ev) {
    ev.preventDefault();
    const body = { payload: payload.value };
    if (useEdited.checked) {
      try { body.mapping = JSON.parse(mapping.value); } catch (e) {
        put(result, el('p', { className: 'error', role: 'alert' }, `The edited mapping is not JSON: ${e.message}`));
        return;
      }
    }
    try {
      showResult(result, await api('POST', `/v1/admin/vendors/${encodeURIComponent(vendor)}/try`, body));
    } catch (e) {
      if (e.status === 422) showRefusal(result, e);
      else put(result, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
  }

  put(region, 
    el('h2', { id: 'vendor-title', tabindex: '-1' }, `${vendor} · mapping ${live.mapping_version}`),
    ...codeTables(live.mapping),
    el('h3', {}, 'Try a payload'),
    el('form', { onsubmit: tryIt },
      el('div', { className: 'field wide' }, el('label', { for: 'try-payload' }, `Payload, as ${vendor} would send it`), payload),
      el('div', { className: 'check' }, useEdited, el('label', { for: 'try-edited' }, ' Under the edited mapping below instead of the live one')),
      el('div', { className: 'field wide' }, el('label', { for: 'try-mapping' }, 'Edited mapping.json'), mapping),
      el('button', { type: 'submit', id: 'try-run' }, 'Try (nothing is stored)')),
    result);
  region.querySelector('#vendor-title').focus();
}
