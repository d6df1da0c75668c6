// Work order: find one by CRM case number, vendor reference or address; show the order, its
// outcome with the customer message and evidence, its history as a timeline, and each CRM
// event with its delivery attempts.
import { api } from './api.js';
import { clear, el, problemText, table, put } from './dom.js';

// A link only for http(s) addresses; anything else a vendor sent is shown as text.
function safeLink(url) {
  return /^https?:\/\//i.test(url) ? el('a', { href: url, rel: 'noopener noreferrer', target: '_blank' }, url) : el('span', {}, url);
}

function facts(pairs) {
  return el('dl', { className: 'facts' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .map(([k, v]) => [el('dt', {}, k), el('dd', {}, v instanceof Node ? v : String(v))]).flat());
}

function evidence(outcome) {
  const ev = outcome.evidence || {};
  const gps = outcome.gps || ev.gps;
  const photos = outcome.photos || ev.photos || [];
  return facts([
    ['Photos', photos.length ? el('ul', {}, photos.map((p) => el('li', {}, safeLink(typeof p === 'string' ? p : p.url || JSON.stringify(p))))) : 'none'],
    ['GPS', gps ? `${gps.lat}, ${gps.lon ?? gps.lng}` : 'none'],
    ['Distance to the address', ev.gps && ev.gps.distance_m !== undefined
      ? `${ev.gps.distance_m} m (expected within ${ev.gps.expected_within_m} m: ${ev.gps.within ? 'yes' : 'no'})` : undefined],
    ['Time against the window', ev.time ? ev.time.replaceAll('_', ' ') : undefined],
    ['Photo', ev.photo],
    ['Evidence complete', ev.complete !== undefined ? (ev.complete ? 'yes' : 'no') : undefined],
    ['All evidence', el('pre', { tabindex: '0' }, JSON.stringify(ev, null, 2))],
  ]);
}

function renderOrder(region, answer) {
  const wo = answer.work_order;
  const o = wo.outcome;
  put(region, 
    el('h2', { id: 'wo-title', tabindex: '-1' }, `${wo.crm_case_id} · ${wo.status}`),
    facts([['Work order', wo.id], ['Address', wo.address], ['Service', wo.service_type], ['Vendor', wo.vendor],
      ['Scheduled', wo.scheduled_date], ['Window', wo.window ? `${wo.window.start ?? ''} – ${wo.window.end ?? ''}` : undefined]]),
    el('h2', {}, 'Outcome'),
    o ? el('div', { id: 'wo-outcome' }, facts([['Outcome', o.code], ['Reason', o.reason], ['Customer message', o.customer_message],
      ['Occurred', o.occurred_at], ['Source', o.source], ['Vendor reference', o.vendor_ref], ['Mapping', o.mapping_version]]),
    el('h3', {}, 'Evidence'), evidence(o)) : el('p', {}, 'No outcome yet.'),
    el('h2', {}, 'History'),
    el('ol', { className: 'timeline', id: 'wo-history' }, (wo.history || []).map((h) =>
      el('li', {}, el('time', {}, h.at), ` ${h.from ? `${h.from} → ` : ''}${h.to} `,
        el('span', { className: 'muted' }, `by ${h.source}`), h.note ? ` — ${h.note}` : ''))),
    el('h2', {}, 'CRM events and delivery'),
    answer.events.length ? table('CRM events', [
      { label: 'Event', value: (e) => `evt_${e.id}` },
      { label: 'Type', value: (e) => e.event_type },
      { label: 'Destination', value: (e) => e.destination },
      { label: 'State', value: (e) => e.state },
      { label: 'Attempts', value: (e) => e.attempts, num: true },
      { label: 'Last status', value: (e) => e.last_status ?? '—' },
      { label: 'Last error', value: (e) => e.last_error || '—' },
      { label: 'Created', value: (e) => e.created_at },
      { label: 'Delivered', value: (e) => e.delivered_at || '—' },
    ], answer.events) : el('p', {}, 'No CRM event.'));
}

export function showWorkOrder(root) {
  const query = el('input', { id: 'wo-q', name: 'q', required: true, autocomplete: 'off' });
  const matches = el('div', { id: 'wo-matches' });
  const detail = el('section', { id: 'wo-detail', 'aria-label': 'Work order' });

  async function open(id) {
    try {
      renderOrder(detail, await api('GET', `/v1/admin/work-orders/${encodeURIComponent(id)}`));
      detail.querySelector('#wo-title').focus();
    } catch (e) {
      put(detail, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
  }

  async function search(ev) {
    ev.preventDefault();
    clear(detail);
    try {
      const { items } = await api('GET', `/v1/admin/work-orders?q=${encodeURIComponent(query.value)}`);
      put(matches, items.length ? table('Matching work orders', [
        { label: 'Case', value: (w) => el('button', { type: 'button', className: 'secondary', 'data-open': w.id, onclick: () => open(w.id) }, w.crm_case_id) },
        { label: 'Address', value: (w) => w.address },
        { label: 'Vendor', value: (w) => w.vendor || '—' },
        { label: 'Scheduled', value: (w) => w.scheduled_date },
        { label: 'Status', value: (w) => w.status },
      ], items) : el('p', { role: 'status' }, 'No work order matches.'));
      if (items.length === 1) open(items[0].id);
    } catch (e) {
      put(matches, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
  }

  root.append(el('h1', {}, 'Work order'),
    el('form', { className: 'filters', role: 'search', onsubmit: search },
      el('div', { className: 'field' }, el('label', { for: 'wo-q' }, 'CRM case number, vendor reference or address'), query),
      el('button', { type: 'submit' }, 'Find')),
    matches, detail);
  query.focus();
  return null;
}
