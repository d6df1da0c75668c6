// The audit log: every change staff made, with the account, newest first.
import { api } from './api.js';
import { clear, el, table, problemText, put } from './dom.js';

export function showAudit(root) {
  const region = el('div', {}, el('p', {}, 'Loading…'));
  root.append(el('h1', {}, 'Audit log'), region);
  api('GET', '/v1/admin/audit?limit=200').then((answer) => {
    put(region, answer.items.length ? table('Audit log', [
      { label: 'When', value: (e) => e.at, time: true },
      { label: 'Account', value: (e) => e.account },
      { label: 'Role', value: (e) => e.role },
      { label: 'Action', value: (e) => e.action },
      { label: 'Path', value: (e) => e.target, long: true },
      { label: 'Status', value: (e) => e.status, num: true },
      { label: 'Request', value: (e) => e.detail, long: true },
    ], answer.items) : el('p', {}, 'Nothing changed yet.'));
  }).catch((e) => put(region, el('p', { className: 'error', role: 'alert' }, problemText(e))));
  return null;
}
