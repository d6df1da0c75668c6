// Quarantine: what was refused, filtered by vendor, state, time and problem type (all by the API,
// so a filter sees every entry, not only the page loaded); the raw payload beside its problem;
// replay one or a selection (each new verdict shown), or discard one with a reason.
import { api } from './api.js';
import { announce, clear, el, problemText, scrollRegion, put, timeText } from './dom.js';

function localToRfc3339(value) {
  return value ? new Date(value).toISOString() : '';
}

function verdictList(items) {
  return el('ul', { className: 'verdicts', 'data-verdicts': '' }, items.map((i) =>
    el('li', { 'data-id': i.id }, `Entry ${i.id}: ${i.result}`,
      i.verdict ? ` — verdict ${i.verdict}` : '', i.state ? ` (now ${i.state})` : '',
      i.detail ? ` — ${typeof i.detail === 'string' ? i.detail : JSON.stringify(i.detail)}` : '')));
}

export function showQuarantine(root, session) {
  const operator = session.role === 'operator';
  const filters = {
    vendor: el('input', { id: 'q-vendor', name: 'vendor', placeholder: 'any' }),
    state: el('select', { id: 'q-state', name: 'state' },
      ['open', 'replayed', 'discarded', ''].map((s) => el('option', { value: s }, s || 'any'))),
    from: el('input', { id: 'q-from', name: 'from', type: 'datetime-local' }),
    to: el('input', { id: 'q-to', name: 'to', type: 'datetime-local' }),
    // Any problem type may be typed; those seen so far are suggested.
    problem: el('input', { id: 'q-problem', name: 'problem', placeholder: 'any', list: 'q-problem-types', autocomplete: 'off' }),
  };
  const problemTypes = el('datalist', { id: 'q-problem-types' });
  const seenTypes = new Set();
  const field = (id, label, input) => el('div', { className: 'field' }, el('label', { for: id }, label), input);
  const list = el('div', { id: 'q-list' });
  const results = el('div', { id: 'q-results', role: 'status', 'aria-live': 'polite' });
  const detail = el('section', { id: 'q-detail', 'aria-label': 'Quarantine entry', tabindex: '-1' });
  const replaySelected = el('button', { type: 'button', id: 'q-replay-selected', disabled: true }, 'Replay selected');
  let rows = [];

  function selectedIds() {
    return [...list.querySelectorAll('input[type=checkbox][data-id]:checked')].map((c) => Number(c.dataset.id));
  }

  async function replay(ids) {
    clear(results);
    try {
      const answer = await api('POST', '/v1/admin/quarantine/replay', { ids });
      results.append(el('h2', {}, 'Replay'), verdictList(answer.items));
      announce(`Replayed ${answer.items.length} entr${answer.items.length === 1 ? 'y' : 'ies'}`);
      await load();
    } catch (e) {
      results.append(el('p', { className: 'error', role: 'alert' }, `Replay refused: ${problemText(e)}`));
    }
  }

  async function discard(id, reason) {
    clear(results);
    try {
      const answer = await api('POST', `/v1/admin/quarantine/${id}/discard`, { reason });
      results.append(el('p', { className: 'ok' }, `Entry ${answer.id} discarded: ${answer.reason}`));
      clear(detail);
      await load();
    } catch (e) {
      results.append(el('p', { className: 'error', role: 'alert' }, `Discard refused: ${problemText(e)}`));
    }
  }

  async function inspect(id) {
    put(detail, el('p', {}, 'Loading…'));
    try {
      const entry = await api('GET', `/v1/admin/quarantine/${id}`);
      const raw = entry.raw || {};
      const reason = el('input', { id: 'q-discard-reason', name: 'reason', required: true });
      const body = raw.body ?? (raw.body_hex ? `(not text) ${raw.body_hex}` : '');
      put(detail, 
        el('h2', {}, `Entry ${entry.id} · ${entry.vendor ?? 'unknown vendor'} · ${entry.state}`),
        el('div', { className: 'side-by-side' },
          el('div', {}, el('h3', {}, `Raw payload (${raw.content_type || 'no content type'})`),
            el('pre', { id: 'q-raw', tabindex: '0' }, body)),
          el('div', {}, el('h3', {}, 'Problem'),
            el('pre', { id: 'q-problem-detail', tabindex: '0' }, JSON.stringify(entry.problem, null, 2)))),
        operator && entry.state === 'open' ? el('div', { className: 'filters' },
          el('button', { type: 'button', id: 'q-replay-one', onclick: () => replay([entry.id]) }, 'Replay this entry'),
          el('form', { className: 'filters', onsubmit: (ev) => { ev.preventDefault(); discard(entry.id, reason.value); } },
            field('q-discard-reason', 'Reason for discarding', reason),
            el('button', { type: 'submit', className: 'secondary', id: 'q-discard' }, 'Discard'))) : null);
      detail.focus();
    } catch (e) {
      put(detail, el('p', { className: 'error', role: 'alert' }, problemText(e)));
    }
  }

  function problemOptions() {
    for (const r of rows) seenTypes.add(r.problem_type);
    put(problemTypes, [...seenTypes].sort().map((t) => el('option', { value: t })));
  }

  function renderList(query) {
    const head = el('tr', {}, el('th', { scope: 'col' }, el('span', { className: 'visually-hidden' }, 'Select')),
      ['Id', 'Vendor', 'Channel', 'Received', 'Problem', 'Attempts', 'State', ''].map((h) => el('th', { scope: 'col' }, h)));
    const body = rows.map((r) => el('tr', {},
      el('td', {}, r.state === 'open' && operator
        ? el('input', { type: 'checkbox', 'data-id': r.id, 'aria-label': `Select entry ${r.id}`,
          onchange: () => { replaySelected.disabled = selectedIds().length === 0; } }) : ''),
      el('td', { className: 'num' }, String(r.id)), el('td', {}, r.vendor ?? '—'), el('td', {}, r.channel),
      el('td', {}, timeText(r.received_at)), el('td', {}, r.problem_type), el('td', { className: 'num' }, String(r.attempts)),
      el('td', {}, r.state),
      el('td', {}, el('button', { type: 'button', className: 'secondary', 'data-inspect': r.id,
        'aria-label': `Inspect entry ${r.id}`, onclick: () => inspect(r.id) }, 'Inspect'))));
    put(list, rows.length
      ? scrollRegion('Quarantine entries', el('table', {}, el('caption', { className: 'visually-hidden' }, 'Quarantine entries'),
        el('thead', {}, head), el('tbody', {}, body)))
      : el('p', {}, 'No entry matches.'));
    list.dataset.query = query;
    replaySelected.disabled = true;
  }

  async function load() {
    const params = new URLSearchParams({ limit: '200' });
    if (filters.vendor.value) params.set('vendor', filters.vendor.value);
    if (filters.state.value) params.set('state', filters.state.value);
    if (filters.from.value) params.set('from', localToRfc3339(filters.from.value));
    if (filters.to.value) params.set('to', localToRfc3339(filters.to.value));
    if (filters.problem.value.trim()) params.set('problem', filters.problem.value.trim());
    try {
      rows = (await api('GET', `/v1/admin/quarantine?${params}`)).items;
      problemOptions();
      renderList(String(params));
    } catch (e) {
      put(list, el('p', { className: 'error', role: 'alert' }, problemText(e)));
      list.dataset.query = String(params);
    }
  }

  replaySelected.addEventListener('click', () => replay(selectedIds()));
  root.append(
    el('h1', {}, 'Quarantine'),
    el('form', { className: 'filters', onsubmit: (ev) => { ev.preventDefault(); load(); } },
      field('q-vendor', 'Vendor', filters.vendor), field('q-state', 'State', filters.state),
      field('q-from', 'Received from', filters.from), field('q-to', 'Received before', filters.to),
      field('q-problem', 'Problem type', filters.problem), problemTypes,
      el('button', { type: 'submit', id: 'q-filter' }, 'Filter'), operator ? replaySelected : null),
    results, list, detail);
  load();
  return null;
}
