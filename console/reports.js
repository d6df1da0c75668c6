// Reports: the council's figures per vendor for a month (/v1/reports/vendors), as a table and
// as bar charts drawn with SVG elements (no chart library), with the API's own CSV to download.
import { api } from './api.js';
import { clear, el, problemText, table, put } from './dom.js';

const SVG = 'http://www.w3.org/2000/svg';
const pct = (x) => (x === null || x === undefined ? '—' : `${(x * 100).toFixed(1)} %`);

function svg(tag, attrs, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

// Horizontal bars, one per vendor, of a share from 0 to 1; the figures are also in the table.
function barChart(title, vendors, value) {
  const rowHeight = 28;
  const labelWidth = 170;
  const width = 640;
  const height = vendors.length * rowHeight + 10;
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, width: '100%', role: 'img', 'aria-label': title, class: 'chart' },
    svg('title', {}, title));
  vendors.forEach((v, i) => {
    const share = value(v) ?? 0;
    const y = i * rowHeight + 5;
    chart.append(
      svg('text', { x: 0, y: y + 17, class: 'chart-label' }, v.vendor),
      svg('rect', { x: labelWidth, y, width: Math.max(1, share * (width - labelWidth - 70)), height: rowHeight - 8, class: 'chart-bar' }),
      svg('text', { x: labelWidth + share * (width - labelWidth - 70) + 6, y: y + 17, class: 'chart-value' }, pct(share)));
  });
  return el('figure', {}, el('figcaption', {}, title), chart);
}

function monthRange(month) {
  const [y, m] = month.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

export function showReports(root) {
  const now = new Date();
  const month = el('input', { id: 'r-month', name: 'month', type: 'month', required: true,
    value: `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, '0')}` });
  const region = el('div', { id: 'r-report' });

  async function load(ev) {
    if (ev) ev.preventDefault();
    const { from, to } = monthRange(month.value);
    const query = `from=${from}&to=${to}`;
    try {
      const report = await api('GET', `/v1/reports/vendors?${query}`);
      const vendors = report.vendors;
      put(region, 
        el('p', {}, el('a', { id: 'r-csv', href: `/v1/reports/vendors?${query}&format=csv`, download: `vendors-${from}-${to}.csv` },
          `Download the CSV for ${from} to ${to}`)),
        vendors.length ? table(`Vendors, ${from} to ${to}`, [
          { label: 'Vendor', value: (v) => v.vendor },
          { label: 'Orders', value: (v) => v.orders, num: true },
          { label: 'Completed', value: (v) => v.completed, num: true },
          { label: 'Partly', value: (v) => v.partially_completed, num: true },
          { label: 'Not collected', value: (v) => v.not_collected, num: true },
          { label: 'Completion rate', value: (v) => pct(v.completion_rate), num: true },
          { label: 'Completed in window', value: (v) => v.completed_in_window, num: true },
          { label: 'Service level', value: (v) => pct(v.service_level), num: true },
          { label: 'Evidence share', value: (v) => pct(v.evidence_share), num: true },
          { label: 'Corrections', value: (v) => v.corrections, num: true },
        ], vendors) : el('p', {}, 'No work order was scheduled in this month.'),
        vendors.length ? el('div', { className: 'charts' },
          barChart('Completion rate by vendor', vendors, (v) => v.completion_rate),
          barChart('Service level (completed in the window) by vendor', vendors, (v) => v.service_level)) : null,
        ...vendors.map((v) => el('section', { 'aria-label': `Reasons, ${v.vendor}` }, el('h2', {}, `Reasons not collected: ${v.vendor}`),
          v.reasons.length ? table(`Reasons, ${v.vendor}`, [
            { label: 'Reason', value: (r) => r.reason },
            { label: 'Attributed to', value: (r) => r.attribution },
            { label: 'Count', value: (r) => r.count, num: true },
            { label: 'Share', value: (r) => pct(r.share), num: true },
          ], v.reasons) : el('p', {}, 'None.'))));
    } catch (e) {
      put(region, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
  }

  root.append(el('h1', {}, 'Reports'),
    el('form', { className: 'filters', onsubmit: load },
      el('div', { className: 'field' }, el('label', { for: 'r-month' }, 'Month (scheduled date)'), month),
      el('button', { type: 'submit' }, 'Show')),
    region);
  load();
  return null;
}
