// Dead letters: CRM events given up on, replayed (sent again, same webhook-id) or discarded
// with a reason.
import { api, ApiError } from './api.js';
import { announce, clear, el, problemText, scrollRegion, put } from './dom.js';

export function showDeadLetters(root, session) {
  const operator = session.role === 'operator';
  const list = el('div', { id: 'd-list' });
  const results = el('div', { id: 'd-results', role: 'status', 'aria-live': 'polite' });

  async function act(promise, done) {
    clear(results);
    try {
      results.append(el('p', { className: 'ok' }, done(await promise)));
      await load();
    } catch (e) {
      results.append(el('p', { className: 'error', role: 'alert' }, problemText(e instanceof ApiError ? e : String(e))));
    }
  }

  async function load() {
    try {
      const rows = (await api('GET', '/v1/admin/dead-letters?limit=200')).items;
      const columns = ['Id', 'Destination', 'Case', 'Event', 'Attempts', 'Last status', 'Last error', 'Dead since', ''];
      put(list, rows.length ? scrollRegion('Dead letters', el('table', {},
        el('caption', { className: 'visually-hidden' }, 'Dead letters'),
        el('thead', {}, el('tr', {}, columns.map((c) => el('th', { scope: 'col' }, c)))),
        el('tbody', {}, rows.map((d) => {
          const reason = el('input', { id: `d-reason-${d.id}`, 'aria-label': `Reason for discarding dead letter ${d.id}` });
          return el('tr', {}, el('td', { className: 'num' }, String(d.id)), el('td', {}, d.destination),
            el('td', {}, d.crm_case_id), el('td', {}, d.event_type), el('td', { className: 'num' }, String(d.attempts)),
            el('td', {}, String(d.last_status ?? '—')), el('td', {}, d.last_error ?? '—'), el('td', {}, d.dead_at ?? '—'),
            el('td', {}, operator ? el('div', { className: 'filters' },
              el('button', { type: 'button', onclick: () => act(api('POST', '/v1/admin/dead-letters/replay', { ids: [d.id] }),
                (a) => `Dead letter ${d.id}: ${a.replayed} replayed`) }, 'Replay'),
              reason,
              el('button', { type: 'button', className: 'secondary', onclick: () => act(
                api('POST', `/v1/admin/dead-letters/${d.id}/discard`, { reason: reason.value }),
                (a) => `Dead letter ${a.id} discarded`) }, 'Discard')) : ''));
        }))))
        : el('p', {}, 'No dead letter.'));
      announce(`${rows.length} dead letters`);
    } catch (e) {
      put(list, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
  }

  root.append(el('h1', {}, 'Dead letters'), results, list);
  load();
  return null;
}
