// Dead letters: CRM events given up on, replayed (sent again, same webhook-id) or discarded
// with a reason. After a replay the page reads the event back from its work order and shows
// the state it is in now (pending until the endpoint takes it, delivered once it has).
import { api, ApiError } from './api.js';
import { announce, clear, el, problemText, scrollRegion, put, timeText, wrappable } from './dom.js';

const COLUMNS = ['Id', 'Destination', 'Case', 'Event', 'Attempts', 'Last status', 'Last error', 'Dead since', ''];

// What a replay of dead letter `d` did, as the API has it afterwards.
async function replayOutcome(d) {
  const answer = await api('POST', '/v1/admin/dead-letters/replay', { ids: [d.id] });
  if (answer.replayed === 0) return `Dead letter ${d.id} was not replayed: it is no longer a dead letter`;
  const order = await api('GET', `/v1/admin/work-orders/${encodeURIComponent(d.work_order_id)}`);
  const event = order.events.find((e) => e.id === d.id);
  return `Dead letter ${d.id} (${d.event_id}) replayed: now ${event ? event.state : 'unknown'}`;
}

function actions(d, act) {
  const reason = el('input', { id: `d-reason-${d.id}`, placeholder: 'reason', 'aria-label': `Reason for discarding dead letter ${d.id}` });
  return el('div', { className: 'filters' },
    el('button', { type: 'button', 'data-replay': d.id, 'aria-label': `Replay dead letter ${d.id}`,
      onclick: () => act(replayOutcome(d)) }, 'Replay'),
    reason,
    el('button', { type: 'button', className: 'secondary', 'data-discard': d.id, 'aria-label': `Discard dead letter ${d.id}`,
      onclick: () => act(api('POST', `/v1/admin/dead-letters/${d.id}/discard`, { reason: reason.value })
        .then((a) => `Dead letter ${a.id} discarded: ${a.reason}`)) }, 'Discard'));
}

function deadLetterTable(rows, operator, act) {
  return scrollRegion('Dead letters', el('table', {},
    el('caption', { className: 'visually-hidden' }, 'Dead letters'),
    el('thead', {}, el('tr', {}, COLUMNS.map((c, i) => el('th', { scope: 'col' },
      i === COLUMNS.length - 1 ? el('span', { className: 'visually-hidden' }, 'Actions') : c)))),
    el('tbody', {}, rows.map((d) => el('tr', { 'data-dead-letter': d.id },
      el('td', { className: 'num' }, String(d.id)), el('td', {}, d.destination),
      el('td', {}, d.crm_case_id), el('td', {}, wrappable(d.event_type, '.')), el('td', { className: 'num' }, String(d.attempts)),
      el('td', {}, String(d.last_status ?? '—')), el('td', { className: 'long' }, d.last_error ?? '—'), el('td', {}, d.dead_at ? timeText(d.dead_at) : '—'),
      el('td', {}, operator ? actions(d, act) : ''))))));
}

export function showDeadLetters(root, session) {
  const operator = session.role === 'operator';
  const list = el('div', { id: 'd-list' });
  const results = el('div', { id: 'd-results', role: 'status', 'aria-live': 'polite' });

  async function act(promise) {
    clear(results);
    try {
      results.append(el('p', { className: 'ok' }, await promise));
    } catch (e) {
      results.append(el('p', { className: 'error', role: 'alert' }, problemText(e instanceof ApiError ? e : String(e))));
    }
    await load();
  }

  async function load() {
    try {
      const rows = (await api('GET', '/v1/admin/dead-letters?limit=1000')).items;
      put(list, rows.length ? deadLetterTable(rows, operator, act) : el('p', {}, 'No dead letter.'));
      announce(`${rows.length} dead letters`);
    } catch (e) {
      put(list, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
  }

  root.append(el('h1', {}, 'Dead letters'), results, list);
  load();
  return null;
}
